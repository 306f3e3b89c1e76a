/**
 * What people write to or about one of the team's accounts after it liked or followed them:
 * thanks, questions, replies that share the words of a request to stop without being one ("stop
 * by our booth", "can't stop reading this"), and sometimes a request to be left alone, written in
 * any of the ways people write it, which the product must detect and honour. Bots answer with
 * their usual spam. Each text comes with its ground truth: whether it asks to stop.
 */
import type { Lang, SandboxUser } from '../types.ts';
import { Rng } from '../rng.ts';
import { EMOJI, tco } from './common.ts';
import { isFeminineName } from './names.ts';
import { fill, SLOT, type Template } from './template.ts';
import { LANGS, TEXT } from './text/index.ts';

export type ReactionKind = 'reply' | 'mention' | 'opt_out';

/** Which part of the catalogue a reaction's text came from. */
export type ReactionStyle = 'opt_out' | 'look_alike' | 'ordinary' | 'bot';

/** A reaction's text and its ground truth. */
export interface ComposedReaction {
  text: string;
  /** Whether it asks the account to stop: what a reply reader is measured against. */
  asks_to_stop: boolean;
  style: ReactionStyle;
}

/**
 * Share of a person's replies and mentions that are look-alikes. Far more than on X, where most
 * replies are plainly ordinary: the sandbox is where the reader's false alarms must show.
 */
export const LOOK_ALIKE_SHARE = 0.3;

export function composeReaction(rng: Rng, user: SandboxUser, account: SandboxUser, kind: ReactionKind): ComposedReaction {
  const text = TEXT[user.truth.language];
  let style: ReactionStyle;
  let templates: readonly Template[];
  if (kind === 'opt_out') [style, templates] = ['opt_out', text.reactions.optOut];
  else if (user.truth.is_automated) [style, templates] = ['bot', text.bots.reactions];
  else if (rng.chance(LOOK_ALIKE_SHARE)) [style, templates] = ['look_alike', text.reactions.lookAlike];
  else [style, templates] = ['ordinary', kind === 'reply' ? text.reactions.reply : text.reactions.mention];
  return { text: render(rng.pick(templates), isFeminineName(user.name), `@${account.username}`, rng), asks_to_stop: style === 'opt_out', style };
}

function render(template: Template, feminine: boolean, handle: string, rng: Rng): string {
  return fill(template, feminine, (code) => {
    switch (code) {
      case SLOT.account:
        return handle;
      case SLOT.emoji:
        return rng.pick(EMOJI);
      case SLOT.link:
        return tco(rng);
      default:
        return '';
    }
  });
}

/** One text of the catalogue, with its language and ground truth. */
export interface ReactionSample extends ComposedReaction {
  lang: Lang;
}

/**
 * Every reaction text the sandbox can write, in each language: each template once per
 * grammatical gender where the two differ, addressed to `@handle`. For measuring a reply reader
 * (its speed, its figures) on what the sandbox's people write, without building a world.
 */
export function reactionCatalogue(handle = 'maya_sells'): ReactionSample[] {
  const out: ReactionSample[] = [];
  for (const lang of LANGS) {
    const r = TEXT[lang].reactions;
    const parts: Array<[ReactionStyle, readonly Template[]]> = [
      ['opt_out', r.optOut],
      ['look_alike', r.lookAlike],
      ['ordinary', [...r.reply, ...r.mention]],
      ['bot', TEXT[lang].bots.reactions],
    ];
    for (const [style, templates] of parts) {
      for (const [i, template] of templates.entries()) {
        // The same draws for both genders: the texts differ only where the template does.
        const texts = new Set([false, true].map((feminine) => render(template, feminine, `@${handle}`, new Rng(0, 'reaction-catalogue', lang, style, i))));
        for (const text of texts) out.push({ lang, text, asks_to_stop: style === 'opt_out', style });
      }
    }
  }
  return out;
}
