/**
 * Compiles the per-language catalogues once, at module load, into arrays indexed by trade
 * position in TRADES and by seniority, with gender already resolved for titles and bits and
 * templates pre-parsed for posts. Generators then only pick and concatenate.
 */
import type { Lang, Seniority } from '../../types.ts';
import { TRADES } from '../trades.ts';
import { compileAll, gendered, type Template } from '../template.ts';
import { EN_POSTS } from './en-posts.ts';
import { EN_PROFILES } from './en-profiles.ts';
import { EN_SOCIAL } from './en-social.ts';
import { ES_POSTS } from './es-posts.ts';
import { ES_PROFILES } from './es-profiles.ts';
import { ES_SOCIAL } from './es-social.ts';
import { FR_POSTS } from './fr-posts.ts';
import { FR_PROFILES } from './fr-profiles.ts';
import { FR_SOCIAL } from './fr-social.ts';
import type { FormerFrame, LangText, RoleFrame, SocialText } from './types.ts';

export const LANGS: readonly Lang[] = ['en', 'fr', 'es'];

/** Order used to index titles; also the order in which missing levels borrow from neighbours. */
export const SENIORITY_ORDER: readonly Seniority[] = [
  'none', 'intern', 'junior', 'mid', 'senior', 'lead', 'head', 'director', 'vp', 'c_level', 'founder',
];
export const SENIORITY_CODE: ReadonlyMap<Seniority, number> = new Map(SENIORITY_ORDER.map((s, i) => [s, i]));

/** A gendered text: [masculine, feminine] (identical when the language does not inflect). */
export type Gendered = readonly [string, string];

export interface CompiledTrade {
  /** titles[seniorityCode]: never empty except for trades without titles (`personal`). */
  titles: ReadonlyArray<readonly Gendered[]>;
  places: readonly Gendered[];
  bits: readonly Gendered[];
  /** With the leading '#'. */
  tags: readonly string[];
  posts: readonly Template[];
  intent: readonly Template[];
}

export interface CompiledOrg {
  names: readonly Template[];
  bios: readonly Template[];
}

export interface CompiledLang {
  lang: Lang;
  trades: readonly CompiledTrade[];
  roleFrames: readonly RoleFrame[];
  formerFrames: readonly FormerFrame[];
  roleJoiners: readonly string[];
  dayNight: SocialText['dayNight'];
  nightRoles: readonly Gendered[];
  disclaimers: readonly string[];
  pronouns: readonly Gendered[];
  life: readonly Gendered[];
  hobbies: readonly Gendered[];
  jokes: readonly Gendered[];
  linkLeads: readonly string[];
  basedIn: SocialText['basedIn'];
  weekdays: readonly string[];
  lifePosts: readonly Template[];
  replies: readonly Template[];
  intentReplies: readonly Template[];
  quotes: readonly Template[];
  reactions: { reply: readonly Template[]; mention: readonly Template[]; optOut: readonly Template[]; lookAlike: readonly Template[] };
  bots: {
    fakeBios: readonly Template[];
    spamBios: readonly Template[];
    promoBios: readonly Template[];
    spamNames: readonly string[];
    spamPosts: readonly Template[];
    spamReplies: readonly Template[];
    promoPosts: readonly Template[];
    fakePosts: readonly Template[];
    reactions: readonly Template[];
  };
  /** orgs[tradeIndex]: organisation accounts of that trade, or null when the trade has none. */
  orgs: ReadonlyArray<CompiledOrg | null>;
}

function genderAll(items: readonly string[], where: string): Gendered[] {
  return items.map((item) => {
    const pair = gendered(item);
    if (pair[0].includes('|') || pair[1].includes('|')) throw new Error(`${where}: stray '|' in ${JSON.stringify(item)}`);
    return pair;
  });
}

function compileTitles(titles: Partial<Record<Seniority, readonly string[]>>, where: string): Gendered[][] {
  const byLevel = SENIORITY_ORDER.map((s) => genderAll(titles[s] ?? [], `${where}.${s}`));
  const defined = byLevel.map((list) => list.length > 0);
  if (!defined.some(Boolean)) return byLevel; // a trade without titles (people who state none)
  return byLevel.map((list, level) => {
    if (list.length > 0) return list;
    // Borrow from the nearest level below, then above (index 0, 'none', borrows from 'mid').
    const start = level === 0 ? SENIORITY_ORDER.indexOf('mid') : level;
    for (let d = 0; d < SENIORITY_ORDER.length; d++) {
      const below = start - d;
      if (below >= 1 && defined[below]) return byLevel[below] as Gendered[];
      const above = start + d;
      if (above < SENIORITY_ORDER.length && defined[above]) return byLevel[above] as Gendered[];
    }
    return list;
  });
}

function compileLang(lang: Lang, text: LangText): CompiledLang {
  const s = text.social;
  const trades = TRADES.map((trade): CompiledTrade => {
    const profile = text.profiles[trade.id];
    const posts = text.posts[trade.id];
    if (!profile || !posts) throw new Error(`text catalogue ${lang}: trade ${trade.id} is missing`);
    const where = `${lang}.${trade.id}`;
    return {
      titles: compileTitles(profile.titles, where),
      places: genderAll(profile.places ?? [], `${where}.places`),
      bits: genderAll(profile.bits, `${where}.bits`),
      tags: profile.tags.map((t) => `#${t}`),
      posts: compileAll(posts.posts),
      intent: compileAll(posts.intent ?? []),
    };
  });
  return {
    lang,
    trades,
    roleFrames: s.roleFrames,
    formerFrames: s.formerFrames,
    roleJoiners: s.roleJoiners,
    dayNight: s.dayNight,
    nightRoles: genderAll(s.nightRoles, `${lang}.nightRoles`),
    disclaimers: s.disclaimers,
    pronouns: genderAll(s.pronouns, `${lang}.pronouns`),
    life: genderAll(s.life, `${lang}.life`),
    hobbies: genderAll(s.hobbies, `${lang}.hobbies`),
    jokes: genderAll(s.jokes, `${lang}.jokes`),
    linkLeads: s.linkLeads,
    basedIn: s.basedIn,
    weekdays: s.weekdays,
    lifePosts: compileAll(s.lifePosts),
    replies: compileAll(s.replies),
    intentReplies: compileAll(s.intentReplies),
    quotes: compileAll(s.quotes),
    reactions: {
      reply: compileAll(s.reactions.reply),
      mention: compileAll(s.reactions.mention),
      optOut: compileAll(s.reactions.optOut),
      lookAlike: compileAll(s.reactions.lookAlike),
    },
    bots: {
      fakeBios: compileAll(s.bots.fakeBios),
      spamBios: compileAll(s.bots.spamBios),
      promoBios: compileAll(s.bots.promoBios),
      spamNames: s.bots.spamNames,
      spamPosts: compileAll(s.bots.spamPosts),
      spamReplies: compileAll(s.bots.spamReplies),
      promoPosts: compileAll(s.bots.promoPosts),
      fakePosts: compileAll(s.bots.fakePosts),
      reactions: compileAll(s.bots.reactions),
    },
    orgs: TRADES.map((trade) => {
      const org = s.orgs[trade.id];
      return org ? { names: compileAll(org.names), bios: compileAll(org.bios) } : null;
    }),
  };
}

export const TEXT: Readonly<Record<Lang, CompiledLang>> = {
  en: compileLang('en', { profiles: EN_PROFILES, posts: EN_POSTS, social: EN_SOCIAL }),
  fr: compileLang('fr', { profiles: FR_PROFILES, posts: FR_POSTS, social: FR_SOCIAL }),
  es: compileLang('es', { profiles: ES_PROFILES, posts: ES_POSTS, social: ES_SOCIAL }),
};
