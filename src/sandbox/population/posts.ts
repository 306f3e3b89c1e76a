/**
 * Post texts. A person writes about their trade or their life, in their language, with the
 * hashtags, @mentions, links and emoji people use; a few posts of people who buy software carry
 * buying intent ("anyone recommend a CRM for a 10-person team?"). Bots repeat their templates.
 * The world assigns ids, times and references; replies get their leading "@target" there too.
 */
import type { ComposedPost, Lang, SandboxUser } from '../types.ts';
import type { Rng } from '../rng.ts';
import { EMOJI, tco } from './common.ts';
import { pickCompany, pickTool } from './companies.ts';
import { hostilePost, isHostile } from './hostile.ts';
import { isFeminineName, randomFirstName, randomPersonHandle } from './names.ts';
import { pickCity } from './places.ts';
import { fill, SLOT, type Template } from './template.ts';
import { TEXT, type CompiledLang, type CompiledTrade } from './text/index.ts';
import { TRADE_INDEX, TRADES } from './trades.ts';

const MAX_POST = 280;

const TEAM_SIZES = ['5', '8', '10', '12', '15', '20', '25', '30', '40', '50', '80', '120', '200'];
const PERSONAL = TRADE_INDEX.get('personal') ?? 0;

export interface ComposeOptions {
  kind: 'original' | 'reply' | 'quote';
  /** The person replied to or quoted, if any. */
  target?: SandboxUser;
}

function firstName(user: SandboxUser): string {
  const name = user.name;
  const start = name.startsWith('Dr. ') ? 4 : 0;
  const space = name.indexOf(' ', start);
  const first = space < 0 ? name.slice(start) : name.slice(start, space);
  return first.length > 0 && first.length <= 20 ? first : `@${user.username}`;
}

/** Fills a post template for `author`, whose trade's hashtags feed {tag}. */
function render(rng: Rng, template: Template, lang: Lang, feminine: boolean, trade: CompiledTrade, target: SandboxUser | undefined): string {
  return fill(template, feminine, (code) => {
    switch (code) {
      case SLOT.tool:
        return pickTool(rng).name;
      case SLOT.brand:
        return `@${pickTool(rng).handle}`;
      case SLOT.person:
        return `@${randomPersonHandle(rng, lang)}`;
      case SLOT.co:
        return pickCompany(rng, lang, 0.7).name;
      case SLOT.n:
        return String(rng.range(2, 12));
      case SLOT.team:
        return rng.pick(TEAM_SIZES);
      case SLOT.pct:
        return String(rng.range(5, 95));
      case SLOT.tag:
        return trade.tags.length > 0 ? rng.pick(trade.tags) : '';
      case SLOT.emoji:
        return rng.pick(EMOJI);
      case SLOT.link:
        return tco(rng);
      case SLOT.city:
        return pickCity(rng, lang);
      case SLOT.day:
        return rng.pick(TEXT[lang].weekdays);
      case SLOT.target:
        return target ? firstName(target) : randomFirstName(rng, lang);
      default:
        return '';
    }
  });
}

/** Appends `extra` if the post stays within 280 characters. */
function append(text: string, extra: string): string {
  return text.length + 1 + extra.length <= MAX_POST ? `${text} ${extra}` : text;
}

/** Bots post from a favourite template most of the time: spam is repetitive. */
function botTemplate(rng: Rng, author: SandboxUser, templates: readonly Template[]): Template {
  const favourite = templates[author.index % templates.length];
  return favourite && rng.chance(0.6) ? favourite : rng.pick(templates);
}

function composeBotPost(rng: Rng, author: SandboxUser, text: CompiledLang, trade: CompiledTrade, opts: ComposeOptions): string {
  const bots = text.bots;
  const kind = author.truth.automation_kind;
  let templates: readonly Template[];
  if (kind === 'spam') templates = opts.kind === 'reply' ? bots.spamReplies : bots.spamPosts;
  else if (kind === 'promotional') templates = opts.kind === 'reply' && rng.chance(0.5) ? text.replies : bots.promoPosts;
  else templates = bots.fakePosts;
  return render(rng, botTemplate(rng, author, templates), text.lang, false, trade, opts.target);
}

export function composePost(rng: Rng, author: SandboxUser, opts: ComposeOptions): ComposedPost {
  const lang = author.truth.language;
  const text = TEXT[lang];
  const tradeIndex = TRADE_INDEX.get(author.truth.trade) ?? PERSONAL;
  const trade = text.trades[tradeIndex] ?? (text.trades[PERSONAL] as CompiledTrade);

  if (author.truth.is_automated) {
    let out = composeBotPost(rng, author, text, trade, opts);
    if (isHostile(author.index)) out = hostilePost(author.index, out);
    return { text: out.slice(0, MAX_POST), lang, intent: false };
  }

  const feminine = isFeminineName(author.name);
  const b2b = TRADES[tradeIndex]?.b2b ?? false;
  const fit = author.truth.b2b_fit;
  let template: Template;
  let intent = false;
  // Trade hashtags only go on posts about the trade, not on "weekend!!!".
  let aboutTrade = false;

  if (opts.kind === 'original') {
    // 2–7% of originals of people in B2B trades (more for senior ones), 0.6% elsewhere.
    const intentShare = trade.intent.length === 0 ? 0 : b2b ? 0.02 + 0.05 * fit : 0.006;
    if (rng.chance(intentShare)) {
      template = rng.pick(trade.intent);
      intent = true;
      aboutTrade = true;
    } else {
      aboutTrade = rng.chance(0.6) && trade.posts.length > 0;
      template = aboutTrade ? rng.pick(trade.posts) : rng.pick(text.lifePosts);
    }
  } else if (opts.kind === 'reply') {
    if (b2b && rng.chance(0.01)) {
      template = rng.pick(text.intentReplies);
      intent = true;
    } else {
      template = rng.chance(0.7) || trade.posts.length === 0 ? rng.pick(text.replies) : rng.pick(trade.posts);
    }
  } else {
    template = rng.chance(0.7) || trade.posts.length === 0 ? rng.pick(text.quotes) : rng.pick(trade.posts);
  }

  let out = render(rng, template, lang, feminine, trade, opts.target);
  if (opts.kind === 'original') {
    if (aboutTrade && trade.tags.length > 0 && rng.chance(0.25)) out = append(out, rng.pick(trade.tags));
    if (rng.chance(0.12)) out = append(out, rng.pick(EMOJI));
    if (rng.chance(0.06)) out = append(out, tco(rng));
  } else if (rng.chance(0.1)) {
    out = append(out, rng.pick(EMOJI));
  }
  if (isHostile(author.index)) out = hostilePost(author.index, out);
  return { text: out.length <= MAX_POST ? out : out.slice(0, MAX_POST), lang, intent };
}
