/**
 * A reply as the reader sees it: links and @handles out, quoted text set apart, case, accents,
 * elongations and common spellings folded, cut into clauses of canonical words. Emoji that say
 * something ("🛑", "🚫", "🖕") become words; emoji and words of delight ("😂", "🔥", "love") are
 * noted, as they turn "stop it" into a compliment.
 */
import { canonical } from './spelling.ts';

export interface Clause {
  /** Canonical words, in order. */
  words: string[];
  /** What ended the clause: '.', ',', '?', '!' or '' (the end of the reply). */
  end: string;
}

export interface ReadableReply {
  clauses: Clause[];
  /** Every canonical word of the reply outside quotes. */
  all: ReadonlySet<string>;
  /** Quoted passages (someone else's words, unless the author says they are their own), as clauses. */
  quoted: Clause[][];
  /** Emoji or words of delight or laughter. */
  delighted: boolean;
  /** The @handles the reply opens with: who it is addressed to, lower case. */
  addressees: string[];
  /** Nothing but emoji (and @handles, links, punctuation). */
  emojiOnly: boolean;
}

/** Emoji that refuse, as words the rules know. */
const REFUSING_EMOJI: ReadonlyArray<[RegExp, string]> = [
  [/\u{1F6D1}|\u26D4|\u{1F6AB}|\u270B|\u{1F91A}|\u{1F590}|\u{1F645}|\u274C|\u2716/gu, ' xstop '],
  [/\u{1F595}/gu, ' xfinger '],
  [/\u{1F916}/gu, ' bot '],
];
const ANGRY_EMOJI = /\u{1F621}|\u{1F92C}|\u{1F44E}|\u{1F620}|\u{1F612}|\u{1F644}|\u{1F624}/u;
const DELIGHT_EMOJI = /\u{1F60A}|\u263A|\u{1F604}|\u{1F601}|\u{1F603}|\u{1F917}|\u{1F979}|\u{1F62D}|\u{1F602}|\u{1F923}|\u{1F525}|\u{1F64C}|\u2764|\u{1F60D}|\u{1F4AF}|\u{1F680}|\u{1F44F}|\u{1F970}|\u{1F929}|\u{1F605}|\u{1F3B6}|\u{1F3B5}|\u{1F60E}|\u{1F64F}|\u{1F389}|\u{1F973}|\u{1F49C}|\u{1F499}|\u{1F49A}|\u{1F9E1}|\u{1F48E}/u;
const DELIGHT_WORDS: ReadonlySet<string> = new Set([
  'lol', 'lmao', 'haha', 'hahaha', 'love', 'great', 'amazing', 'awesome', 'gold', 'useful', 'brilliant', 'best', 'good', 'happy', 'fun', 'funny', 'genius', 'fire', 'incredible',
  'mdr', 'ptdr', 'genial', 'super', 'top', 'pepite', 'adore', 'excellent', 'bravo', 'rire', 'utile', 'trop', 'fou',
  'jaja', 'jajaja', 'encanta', 'buenisimo', 'increible', 'crack', 'brutal', 'util', 'joya', 'oro', 'bestial', 'maravilla', 'excelente', 'perfecto', 'wow', 'genio', 'epico',
  'pepites', 'excellent', 'parfait', 'magnifique', 'incroyable', 'enorme', 'dingue', 'perfect', 'wow', 'epic', 'masterpiece', 'banger', 'legendary',
]);

/** Beginnings of words of praise, in any form: "parfaite", "géniales", "amazing", "encantó". */
const DELIGHT_STEMS = ['parfai', 'genia', 'incroy', 'excel', 'magnif', 'brilli', 'amaz', 'awesom', 'lov', 'encant', 'increib', 'buenisim', 'maravill', 'perfect', 'fantast', 'hilar', 'adore', 'jaj', 'hah', 'mdr', 'ptdr'];

/** Any pictographic emoji. */
const EMOJI = /\p{Extended_Pictographic}/u;

/**
 * Quoted passages: straight and curly double quotes, guillemets, and single quotes that open after
 * a space (an apostrophe inside a word is not a quote).
 */
const QUOTES = /"([^"\n]{1,200})"|“([^”\n]{1,200})”|«([^»\n]{1,200})»|„([^“”\n]{1,200})[“”]|(?<=^|[\s(:])[‘']([^’'\n]{1,200})[’'](?=$|[\s.,;:!?)])/g;
/** The author saying the quoted words are theirs: "I said "stop"", "je vous ai dit « stop »", "ya te dije "no"". */
const OWN_WORDS_BEFORE = /\b(i (said|say|told you|told u|asked|wrote)|i'?ve (said|asked|told you)|j'ai (dit|demande|ecrit)|je (t'|vous )?(ai|l'ai) (dit|demande|ecrit)|(ya )?(te|les|os) (dije|pedi|escribi)|dije)\s*:?\s*$/;

export function readable(text: string): ReadableReply {
  let t = text.normalize('NFC');
  const addressees: string[] = [];
  const lead = /^\s*(?:@(\w{1,15})\s*)+/.exec(t);
  if (lead) for (const m of lead[0].matchAll(/@(\w{1,15})/g)) addressees.push((m[1] as string).toLowerCase());
  t = t
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@['’-]?ing\b/gi, ' mentioning ')
    .replace(/\bw\/(?=\s)/gi, 'with')
    .replace(/@\w{1,15}/g, ' ');

  const bare = t.replace(/[\s\p{P}\p{S}\uFE0F\u200D]/gu, '');
  const emojiOnly = bare === '' && EMOJI.test(t);
  const delightedEmoji = DELIGHT_EMOJI.test(t);
  const angry = ANGRY_EMOJI.test(t);
  for (const [pattern, word] of REFUSING_EMOJI) t = t.replace(pattern, word);
  // Other emoji end a sentence as a full stop would: "qué ilusión 🙄 Párenle ya".
  t = t.replace(/(?:\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F|\u200D)+/gu, ' . ');

  const folded = fold(t);
  const quotedText: string[] = [];
  const outside = folded.replace(QUOTES, (whole, ...groups: unknown[]) => {
    const inner = groups.slice(0, 5).find((g) => typeof g === 'string') as string | undefined;
    const offset = groups[5] as number;
    if (inner === undefined) return whole;
    if (OWN_WORDS_BEFORE.test(folded.slice(Math.max(0, offset - 40), offset))) return ` ${inner} `;
    quotedText.push(inner);
    return ' , ';
  });
  // A reply that is nothing but a quote is the author's own words.
  const useQuoted = quotedText.length > 0 && !/\p{L}/u.test(outside);
  const clauses = cut(useQuoted ? folded.replace(/["“”«»„‘’]/g, ' ') : outside);
  const quoted = useQuoted ? [] : quotedText.map(cut);
  const all = new Set<string>();
  for (const c of clauses) for (const w of c.words) all.add(w);
  if (angry) all.add('xangry');
  // Praise next to an eye-roll is sarcasm: "génial 🙄 Arrêtez."
  const delighted = !angry && (delightedEmoji || [...all].some((w) => DELIGHT_WORDS.has(w) || DELIGHT_STEMS.some((s) => w.startsWith(s))));
  return { clauses, all, quoted, delighted, addressees, emojiOnly };
}

/** Lower case, accents and other combining marks removed, apostrophes made one kind. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’`´ʼ]/g, "'");
}

/**
 * Clauses of canonical words. Clauses end at sentence and clause punctuation and line breaks;
 * French elisions split ("m'écrire" → "m ecrire"), other apostrophes join ("don't" → "dont");
 * hyphens between letters separate words ("désabonnez-moi").
 */
function cut(text: string): Clause[] {
  const prepared = text
    .replace(/(^|[^\p{L}])(qu|jusqu|lorsqu|puisqu|[cdjlmnst])'(?=\p{L})/gu, '$1$2 ')
    .replace(/(\p{L})'(\p{L})/gu, '$1$2')
    .replace(/(\p{L})-(?=\p{L})/gu, '$1 ')
    .replace(/\s[-–—]+\s/g, ' . ');
  const clauses: Clause[] = [];
  const re = /([^.,;:!?¡¿…\n\r()[\]{}|/<>=]*)([.,;:!?¡¿…\n\r()[\]{}|/<>=]+|$)/g;
  for (const m of prepared.matchAll(re)) {
    const body = m[1] as string;
    const stop = m[2] as string;
    const words = body.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).map(canonical);
    if (words.length > 0) clauses.push({ words, end: endOf(stop) });
    else if (clauses.length > 0 && stop.includes('?')) (clauses[clauses.length - 1] as Clause).end = '?';
    if (m[0] === '') break;
  }
  return clauses;
}

function endOf(stop: string): string {
  if (stop.includes('?')) return '?';
  if (stop.includes('!')) return '!';
  if (/[.;…\n\r:]/.test(stop)) return '.';
  if (stop.includes(',')) return ',';
  return stop === '' ? '' : '.';
}
