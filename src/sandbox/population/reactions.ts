/**
 * What people write to or about one of the team's accounts after it liked or followed them:
 * thanks, questions, and sometimes a request to be left alone, which the product must detect
 * and honour. Bots answer with their usual spam.
 */
import type { SandboxUser } from '../types.ts';
import type { Rng } from '../rng.ts';
import { EMOJI, tco } from './common.ts';
import { isFeminineName } from './names.ts';
import { fill, SLOT, type Template } from './template.ts';
import { TEXT } from './text/index.ts';

export type ReactionKind = 'reply' | 'mention' | 'opt_out';

export function composeReaction(rng: Rng, user: SandboxUser, account: SandboxUser, kind: ReactionKind): string {
  const lang = user.truth.language;
  const text = TEXT[lang];
  let templates: readonly Template[];
  if (kind === 'opt_out') templates = text.reactions.optOut;
  else if (user.truth.is_automated) templates = text.bots.reactions;
  else templates = kind === 'reply' ? text.reactions.reply : text.reactions.mention;

  const handle = `@${account.username}`;
  return fill(rng.pick(templates), isFeminineName(user.name), (code) => {
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
