/**
 * How the matcher reads a text, before `match.ts` rewrites its words into concepts:
 * 1. Scanned into words with their spans in the original text: letters and digits form words;
 *    emoji, `|`, `·`, `,`, `/`, `&`, `(`, a spaced dash, a full stop ending a sentence… end a
 *    *clause* (phrases never match across clauses); spaces, apostrophes and inner hyphens do not
 *    (`co-founder` is `co founder`). Links and e-mail addresses are skipped. `@acme` is a mention
 *    (never a word: `@cto_weekly` is not a CTO). `#GrowthMarketing` is its own clause, then again
 *    as `growth marketing`; an all-lower-case `#recursoshumanos` is split with known words.
 *    Inclusive and gendered spellings lose their suffix: `directeur·rice`, `director/a`,
 *    `director(a)`. A flag (🇫🇷) is a place.
 * 2. Folded: lower case, accents removed (`é` → `e`, `ñ` → `n`), so matching is on whole words:
 *    `cmo` never matches `cmos`, `cto` never matches `doctor`.
 *
 * Speed: a text is read in one pass over its character codes into *word ids* (every word and
 * concept the matcher knows has a number, see "Word ids"), in parallel arrays (`TokenList`) reused
 * from text to text; later steps are array look-ups by id, and nothing is allocated per word.
 * Texts are expected as JSON parsing makes them, flat strings (see `flat`).
 */
import { FLAG_PLACES, COMPANY_MARKERS, DOTTED_ABBREVIATIONS, FILLER_WORDS, LEVEL_TOKEN, SENIORITY_LEVELS, SENIORITY_RANK } from './lexicon.ts';

// ---------------------------------------------------------------------------------------------
// Folding

const MARKS_RE = /\p{M}+/gu;
const SPECIAL_FOLDS: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };
const SPECIAL_RE = /[œæßøłđı]/g;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Lower case, compatibility forms, accents removed: `Équipe` → `equipe`, `Ｃｒｍ` → `crm`. */
export function fold(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  return text.normalize('NFKD').toLowerCase().replace(MARKS_RE, '').replace(SPECIAL_RE, (c) => SPECIAL_FOLDS[c] ?? c);
}

/**
 * `text` as one flat string, as texts parsed from X's JSON are. Terms from a YAML file are often
 * slices of it, and strings built by `+` are ropes; V8 compiles the functions that read bios for
 * every kind of string they have seen, so a few such terms read at start-up made bios read twice
 * as slowly ever after. Terms and other texts from elsewhere are flattened before being read.
 */
export function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** 1 for the ASCII letters and digits: the only ASCII characters of words. */
export const ALNUM = new Uint8Array(128);
for (let c = 0; c < 128; c++) ALNUM[c] = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;

const NOT_WORD_RE = /[^\p{L}\p{N}]+/gu;
/** Characters of words: letters, digits, marks. */
const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;

/** A text reduced to its folded words, one space apart: `Head-of Growth!` → `head of growth`. */
export function plainWords(text: string): string {
  return fold(text).replace(NOT_WORD_RE, ' ').trim();
}

/** `plainWords(written) === plain`, without building the string when `written` is ASCII. */
export function samePlainWords(plain: string, written: string): boolean {
  let p = 0;
  let gap = false;
  for (let i = 0; i < written.length; i++) {
    const c = written.charCodeAt(i);
    if (c >= 128) return plainWords(written) === plain;
    if (ALNUM[c] !== 1) {
      gap = true;
      continue;
    }
    if (gap && p > 0) {
      if (plain.charCodeAt(p) !== 32) return false;
      p++;
    }
    gap = false;
    // `| 32` lower-cases an ASCII letter and leaves a digit as it is.
    if (plain.charCodeAt(p) !== (c | 32)) return false;
    p++;
  }
  return p === plain.length;
}

// ---------------------------------------------------------------------------------------------
// Word ids

/**
 * Every word and concept the matcher knows has a number: the lexicon's words and concepts,
 * persona terms, the forms of their words. A text's words are turned into ids as they are read
 * (an ASCII word straight from its character codes, without making a string), and every later
 * step (fillers, lexicon phrases, language, levels, persona terms) is an array look-up by id. A
 * word nobody knows is UNKNOWN: it can match nothing, so its text is only made when `analyse`
 * hands tokens out. Ids only grow (compiling a persona adds its words), and a text always
 * maps to the same id, so a look-up by id answers exactly what a look-up by text would.
 */
export const UNKNOWN = -1;
/** How many known words are `@handles`: none, usually, and then a mention needs no look-up. */
let mentionWords = 0;
export const WORD_TEXT: string[] = [];
export const WORD_ID = new Map<string, number>();
/** Per id: the bits below. */
export const WORD_FLAGS: number[] = [];
/** Per id: the rank of a level concept (`~head` → 5), or -1. */
export const WORD_LEVEL: number[] = [];
/** Per id: the languages a word is evidence for (EN | FR | ES bits). */
export const WORD_LANG: number[] = [];
/** Per id: the one-word title after a glued "ex" ("exdirectora": directora), -1 for none, -2 not worked out yet. */
export const WORD_GLUED: number[] = [];
/** Per id: the lexicon's phrases that start with this word. */
export const CANON_ROOT: Array<CanonNode | undefined> = [];

export const FILLER = 1;
const DOTTED_WORD = 2;
/** `~ex`, `~aspiring`, `~seeking`. */
export const MARKER = 4;
export const NOW = 8;
export const NOT = 16;
/** "at", "chez", "@": what follows in the clause names the employer ("Directrice artistique chez Tandem RH" is not HR). */
export const EMPLOYER = 32;
/** Company markers: "at", "chez", "en", "@", "for"… */
export const COMPANY_WORD = 64;
/** Functions that fit any persona whose levels accept the role: a CEO, a DG. */
export const GENERAL = 128;
/** A single-word lexicon phrase (for "exdirectora"). */
export const CANON_SINGLE = 256;

export interface CanonNode {
  next: Map<number, CanonNode> | undefined;
  /** Concept ids of the phrase ending here (the first one listed wins). */
  value: readonly number[] | undefined;
}

/** Open addressing on the FNV-1a hash of a word's lower-cased ASCII codes: slot → id + 1. */
let asciiSlots = new Int32Array(4096);
let asciiHashes = new Int32Array(4096);
let asciiCount = 0;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function isAsciiWord(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ALNUM[c] !== 1 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

function asciiInsert(id: number, hash: number): void {
  const mask = asciiSlots.length - 1;
  let slot = hash & mask;
  while (asciiSlots[slot] !== 0) slot = (slot + 1) & mask;
  asciiSlots[slot] = id + 1;
  asciiHashes[slot] = hash;
}

function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (text.charCodeAt(i) | 32), FNV_PRIME);
  return h;
}

/** The id of the letters and digits `text[start, end)` read in lower case, or UNKNOWN. */
export function asciiId(text: string, start: number, end: number): number {
  return hashedAsciiId(text, start, end, hashOf(text, start, end));
}

/** `asciiId` when the hash `h` of the letters is known. */
function hashedAsciiId(text: string, start: number, end: number, h: number): number {
  const mask = asciiSlots.length - 1;
  const length = end - start;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const v = asciiSlots[slot] as number;
    if (v === 0) return UNKNOWN;
    if (asciiHashes[slot] !== h) continue;
    const word = WORD_TEXT[v - 1] as string;
    if (word.length !== length) continue;
    let k = 0;
    while (k < length && word.charCodeAt(k) === (text.charCodeAt(start + k) | 32)) k++;
    if (k === length) return v - 1;
  }
}

export function wordId(text: string): number {
  return WORD_ID.get(text) ?? UNKNOWN;
}

/**
 * `fold` letter by letter, for the letters of U+0080–U+036F (Latin accents and combining marks)
 * whose fold is plain `[a-z0-9]*`, and marks that fold away (the emoji variation selector). For a
 * word made of those and ASCII, `fold(word)` is the letters' folds end to end (NFKD decomposes
 * letter by letter, Latin has no contextual lower case, and the marks reordering could move are
 * all removed), so its id can be found without normalising. The tests check it for every such letter.
 */
const FOLD_UNITS: Array<string | undefined> = new Array<string | undefined>(0x370 - 0x80).fill(undefined);
for (let c = 0x80; c < 0x370; c++) {
  const ch = String.fromCharCode(c);
  if (!WORD_RE.test(ch)) continue;
  const folded = fold(ch);
  if (/^[a-z0-9]*$/.test(folded)) FOLD_UNITS[c - 0x80] = folded;
}
const NOT_FOLDABLE = -2;
const MARK_RE = /^\p{M}$/u;
const ONLY_MARKS_RE = /^\p{M}*$/u;
/** Per UTF-16 unit from U+0370: 2 for a mark whose NFKD is marks only (it folds to nothing), 1 if not, 0 not yet known. */
const FOLDS_AWAY = new Uint8Array(0x10000);

/** The fold of one UTF-16 unit as part of a word, or undefined when it is not read letter by letter. */
function foldUnit(c: number): string | undefined {
  if (c < 128) return String.fromCharCode(c | 32);
  if (c < 0x370) return FOLD_UNITS[c - 0x80];
  if (c >= 0xd800 && c <= 0xdfff) return undefined;
  let away = FOLDS_AWAY[c] as number;
  if (away === 0) {
    const ch = String.fromCharCode(c);
    away = MARK_RE.test(ch) && ONLY_MARKS_RE.test(ch.normalize('NFKD')) ? 2 : 1;
    FOLDS_AWAY[c] = away;
  }
  return away === 2 ? '' : undefined;
}

/** Length of the letter-by-letter fold of `text[start, end)` (a FOLDED word). */
function foldedLength(text: string, start: number, end: number): number {
  let length = 0;
  for (let i = start; i < end; i++) length += (foldUnit(text.charCodeAt(i)) as string).length;
  return length;
}

/** The id of `fold(text[start, end))`, UNKNOWN, or NOT_FOLDABLE when a letter is not in FOLD_UNITS. */
function foldedId(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  let length = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      h = Math.imul(h ^ (c | 32), FNV_PRIME);
      length++;
      continue;
    }
    const folded = foldUnit(c);
    if (folded === undefined) return NOT_FOLDABLE;
    for (let k = 0; k < folded.length; k++) h = Math.imul(h ^ folded.charCodeAt(k), FNV_PRIME);
    length += folded.length;
  }
  if (length === 0) return wordId('');
  const mask = asciiSlots.length - 1;
  for (let slot = h & mask; ; slot = (slot + 1) & mask) {
    const v = asciiSlots[slot] as number;
    if (v === 0) return UNKNOWN;
    if (asciiHashes[slot] !== h) continue;
    const word = WORD_TEXT[v - 1] as string;
    if (word.length === length && sameFold(word, text, start, end)) return v - 1;
  }
}

/** Whether the letter-by-letter fold of `text[start, end)` starts with "ex". */
export function foldStartsWithEx(text: string, start: number, end: number): boolean {
  let p = 0;
  for (let i = start; i < end && p < 2; i++) {
    const c = text.charCodeAt(i);
    const folded = foldUnit(c) as string;
    for (let k = 0; k < folded.length && p < 2; k++, p++) if (folded.charCodeAt(k) !== (p === 0 ? 101 : 120)) return false;
  }
  return p === 2;
}

/** Whether `word` is the letter-by-letter fold of `text[start, end)`. */
function sameFold(word: string, text: string, start: number, end: number): boolean {
  let p = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (word.charCodeAt(p++) !== (c | 32)) return false;
      continue;
    }
    const folded = foldUnit(c) as string;
    for (let k = 0; k < folded.length; k++) if (word.charCodeAt(p++) !== folded.charCodeAt(k)) return false;
  }
  return p === word.length;
}

export function intern(text: string): number {
  const known = WORD_ID.get(text);
  if (known !== undefined) return known;
  const id = WORD_TEXT.length;
  WORD_TEXT.push(text);
  WORD_ID.set(text, id);
  if (text.length > 1 && text.charCodeAt(0) === 64) mentionWords++;
  WORD_FLAGS.push(0);
  WORD_LEVEL.push(-1);
  WORD_LANG.push(0);
  WORD_GLUED.push(-2);
  CANON_ROOT.push(undefined);
  if (isAsciiWord(text)) {
    if (++asciiCount * 2 > asciiSlots.length) {
      asciiSlots = new Int32Array(asciiSlots.length * 2);
      asciiHashes = new Int32Array(asciiSlots.length);
      for (let other = 0; other < id; other++) {
        const w = WORD_TEXT[other] as string;
        if (isAsciiWord(w)) asciiInsert(other, hashOf(w, 0, w.length));
      }
    }
    asciiInsert(id, hashOf(text, 0, text.length));
  }
  return id;
}

function flagWords(words: Iterable<string>, flag: number): void {
  for (const w of words) {
    const id = intern(w);
    WORD_FLAGS[id] = (WORD_FLAGS[id] as number) | flag;
  }
}

// Words that say something by themselves, flagged before any text is read (the scanner needs DOTTED_WORD).
flagWords(FILLER_WORDS, FILLER);
flagWords(DOTTED_ABBREVIATIONS, DOTTED_WORD);
flagWords(['~ex', '~aspiring', '~seeking'], MARKER);
flagWords(['~now'], NOW);
flagWords(['~not'], NOT);
flagWords(['at', 'chez', '@'], EMPLOYER);
flagWords(COMPANY_MARKERS, COMPANY_WORD);
flagWords(['executive'], GENERAL);
for (const level of SENIORITY_LEVELS) WORD_LEVEL[intern(LEVEL_TOKEN[level])] = SENIORITY_RANK[level];
const AT = intern('@');

// ---------------------------------------------------------------------------------------------
// Token lists

export const enum Kind {
  Word = 0,
  Mention = 1,
  /** A lone `@` as in "Head of Growth @ Acme". */
  At = 2,
  /** A flag, already a place concept. */
  Place = 3,
}

/** A scanned word's bits: its Kind, and FOLDED for a non-ASCII word whose text is `fold` of its span. */
export const KIND = 3;
export const FOLDED = 4;

/** Bits of a concept token (see `Token` in `match.ts`). */
export const CURRENT = 1;
export const NEGATED = 2;
export const MENTION = 4;
export const COMPANY = 8;

/**
 * Tokens of one text as parallel arrays, reused from one text to the next. For scanned words
 * `bits` is the Kind (and FOLDED); for concept tokens, the bits above. `text` is set where it is
 * neither the id's text nor `fold` of the span: hashtags, places, and words not read letter by
 * letter (see FOLD_UNITS).
 */
export class TokenList {
  n = 0;
  id = new Int32Array(64);
  start = new Int32Array(64);
  end = new Int32Array(64);
  clause = new Int32Array(64);
  bits = new Uint8Array(64);
  text: Array<string | undefined> = [];

  push(id: number, text: string | undefined, start: number, end: number, clause: number, bits: number): void {
    const k = this.n;
    if (k === this.id.length) this.grow();
    this.id[k] = id;
    this.start[k] = start;
    this.end[k] = end;
    this.clause[k] = clause;
    this.bits[k] = bits;
    this.text[k] = text;
    this.n = k + 1;
  }

  /** Removes token `k`. */
  remove(k: number): void {
    this.id.copyWithin(k, k + 1, this.n);
    this.start.copyWithin(k, k + 1, this.n);
    this.end.copyWithin(k, k + 1, this.n);
    this.clause.copyWithin(k, k + 1, this.n);
    this.bits.copyWithin(k, k + 1, this.n);
    this.text.splice(k, 1);
    this.n--;
  }

  /** The token's folded text; `source` is the text it was read from. */
  textOf(k: number, source: string): string {
    const text = this.text[k];
    if (text !== undefined) return text;
    const id = this.id[k] as number;
    return id >= 0 ? (WORD_TEXT[id] as string) : fold(source.slice(this.start[k], this.end[k]));
  }

  private grow(): void {
    const size = this.id.length * 2;
    const more = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.id = more(this.id, new Int32Array(size));
    this.start = more(this.start, new Int32Array(size));
    this.end = more(this.end, new Int32Array(size));
    this.clause = more(this.clause, new Int32Array(size));
    this.bits = more(this.bits, new Uint8Array(size));
  }
}

// ---------------------------------------------------------------------------------------------
// Scanning

const RI_START = 0x1f1e6;
/** Word-character class of the BMP, filled as met: 0 not yet known, 1 no, 2 yes. */
const WORD_BMP = new Uint8Array(0x10000);
const WORD_SMP = new Uint8Array(0x10000);
const wordAstral = new Map<number, boolean>();

function isWordCp(cp: number): boolean {
  if (cp < 128) return ALNUM[cp] === 1;
  if (cp < 0x10000) {
    let w = WORD_BMP[cp] as number;
    if (w === 0) {
      w = WORD_RE.test(String.fromCharCode(cp)) ? 2 : 1;
      WORD_BMP[cp] = w;
    }
    return w === 2;
  }
  if (cp < 0x20000) {
    // Emoji live here.
    let w = WORD_SMP[cp - 0x10000] as number;
    if (w === 0) {
      w = WORD_RE.test(String.fromCodePoint(cp)) ? 2 : 1;
      WORD_SMP[cp - 0x10000] = w;
    }
    return w === 2;
  }
  let w = wordAstral.get(cp);
  if (w === undefined) {
    w = WORD_RE.test(String.fromCodePoint(cp));
    wordAstral.set(cp, w);
  }
  return w;
}

function cpAt(s: string, i: number): number {
  return s.codePointAt(i) ?? 0;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

/** ASCII characters the scanner passes over: space, tab, `'`, backquote, `_`. */
const PASS = new Uint8Array(128);
for (const c of [32, 9, 39, 96, 95]) PASS[c] = 1;

function isHandleChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

const LOWER_RE = /\p{Ll}/u;
const UPPER_RE = /\p{Lu}/u;
const NUMBER_RE = /\p{N}/u;
const LOWER = 1;
const UPPER = 2;
const NUMBER = 4;
/** Per UTF-16 unit: LOWER | UPPER | NUMBER + 8 once known. */
const CASE_BMP = new Uint8Array(0x10000);

/** \p{Ll}, \p{Lu}, \p{N} of one UTF-16 unit, as bits (a lone surrogate has none). */
function caseOf(c: number): number {
  let v = CASE_BMP[c] as number;
  if (v === 0) {
    const ch = String.fromCharCode(c);
    v = 8 | (LOWER_RE.test(ch) ? LOWER : 0) | (UPPER_RE.test(ch) ? UPPER : 0) | (NUMBER_RE.test(ch) ? NUMBER : 0);
    CASE_BMP[c] = v;
  }
  return v;
}

/** Inclusive/gendered suffixes dropped after `·`, `.`, `/` or inside `()`: `directeur·rice`, `director/a`. */
const DOT_SUFFIXES = new Set(['e', 'es', 'rice', 'rices', 'trice', 'euse', 'euses', 'ice', 'ere', 'ère', 'ne', 'le', 'se', 'fe']);
const SLASH_SUFFIXES = new Set(['a', 'as', 'o', 'e', 'es', 'rice', 'trice', 'euse', 'ice', 'ère', 'ere', 'ne']);

/** End of a gendered suffix that starts at `i` (a separator), or -1: `directeur·rice`, `director/a`, `director(a)`. */
function genderSuffixEnd(raw: string, i: number): number {
  const sep = raw.charCodeAt(i);
  const slash = sep === 47 /* / */ || sep === 40; /* ( */
  if (!(slash || sep === 0xb7 /* · */ || sep === 0x2022 /* • */ || sep === 46 /* . */ || sep === 0x2219 /* ∙ */)) return -1;
  let j = i + 1;
  while (j < raw.length && j - i <= 6 && (caseOf(raw.charCodeAt(j)) & LOWER) !== 0) j++;
  const suffix = raw.slice(i + 1, j);
  if (!(slash ? SLASH_SUFFIXES : DOT_SUFFIXES).has(suffix)) return -1;
  if (sep === 40) return raw.charCodeAt(j) === 41 /* ) */ ? j + 1 : -1;
  const after = raw.codePointAt(j);
  return after !== undefined && isWordCp(after) ? -1 : j;
}

const SAAS_RE = /([SPIDB])aaS/g;

/** Splits `GrowthMarketing`, `B2BMarketing`, `OpenToWork` at case changes. */
function camelParts(written: string): string[] {
  // "SaaS", "PaaS" are one word whatever their capitals.
  const tag = written.includes('aaS') ? written.replace(SAAS_RE, '$1aas') : written;
  const parts: string[] = [];
  let start = 0;
  let prev = caseOf(tag.charCodeAt(0));
  let cur = tag.length > 1 ? caseOf(tag.charCodeAt(1)) : 0;
  for (let i = 1; i < tag.length; i++) {
    const next = i + 1 < tag.length ? caseOf(tag.charCodeAt(i + 1)) : 0;
    const lowerToUpper = (prev & LOWER) !== 0 && (cur & UPPER) !== 0;
    const acronymEnd = (prev & UPPER) !== 0 && (cur & UPPER) !== 0 && (next & LOWER) !== 0;
    const digitToUpper = (prev & NUMBER) !== 0 && (cur & UPPER) !== 0 && (next & LOWER) !== 0;
    if (lowerToUpper || acronymEnd || digitToUpper) {
      parts.push(written.slice(start, i));
      start = i;
    }
    prev = cur;
    cur = next;
  }
  parts.push(written.slice(start));
  return parts;
}

/** Splits a folded hashtag into known words (`recursoshumanos` → `recursos humanos`), or null. */
function wordBreak(tag: string, vocab: ReadonlySet<string>): string[] | null {
  const n = tag.length;
  if (n < 5 || n > 40) return null;
  // best[i]: fewest words covering tag[0..i), with the split point.
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === Infinity) continue;
    for (let j = i + 2; j <= n && j - i <= 20; j++) {
      if (vocab.has(tag.slice(i, j)) && (best[i] as number) + 1 < (best[j] as number)) {
        best[j] = (best[i] as number) + 1;
        from[j] = i;
      }
    }
  }
  if (best[n] === Infinity || (best[n] as number) < 2) return null;
  const words: string[] = [];
  for (let j = n; j > 0; j = from[j] as number) words.unshift(tag.slice(from[j] as number, j));
  return words;
}

/** A hashtag as the scanner reads it: the folded tag, then its words when it splits into two or more. */
interface Hashtag {
  folded: string;
  parts: readonly string[];
  /** Ids of `folded` then of `parts`, looked up when `idsFor` words were known. */
  ids: number[];
  idsFor: number;
}

/**
 * Hashtags already read, per vocabulary made here (the lexicon's, compiled personas'): those never
 * change, and the same tags come back all the time (#marketing, #SaaS). Ids are looked up again
 * when words were added since.
 */
export const HASHTAGS = new WeakMap<ReadonlySet<string>, Map<string, Hashtag>>();
const MAX_KEPT_HASHTAGS = 10_000;

function hashtag(word: string, vocab: ReadonlySet<string> | undefined): Hashtag {
  const kept = vocab ? HASHTAGS.get(vocab) : undefined;
  let tag = kept?.get(word);
  if (!tag) {
    const folded = fold(word);
    let parts = camelParts(word).map(fold);
    if (parts.length < 2 && vocab) parts = wordBreak(folded, vocab) ?? [];
    tag = { folded, parts: parts.length >= 2 ? parts : [], ids: [], idsFor: -1 };
    if (kept) {
      if (kept.size >= MAX_KEPT_HASHTAGS) kept.clear();
      kept.set(word, tag);
    }
  }
  if (tag.idsFor !== WORD_TEXT.length) {
    tag.ids = [wordId(tag.folded), ...tag.parts.map(wordId)];
    tag.idsFor = WORD_TEXT.length;
  }
  return tag;
}

function skipToSpace(raw: string, i: number): number {
  while (i < raw.length && !isSpace(raw.charCodeAt(i)) && raw.charCodeAt(i) !== 10) i++;
  return i;
}

const EMAIL_RE = /^@[\w.+-]+\.[a-z]{2,}/i;
const PATH_RE = /^[a-z]{2,}\/\S/i;

/** Whether the word `raw[start, end)` starts a link or an e-mail address, which carry no words of the person. */
function isLink(raw: string, start: number, end: number): boolean {
  const next = raw.charCodeAt(end);
  if (next === 58 /* : */) {
    const length = end - start;
    return (
      (length === 4 || (length === 5 && raw.charCodeAt(start + 4) === 115)) &&
      raw.charCodeAt(start) === 104 &&
      raw.charCodeAt(start + 1) === 116 &&
      raw.charCodeAt(start + 2) === 116 &&
      raw.charCodeAt(start + 3) === 112 &&
      raw.startsWith('://', end)
    );
  }
  if (next === 64 /* @ */) return EMAIL_RE.test(raw.slice(end, end + 64));
  if (next === 46 /* . */) {
    if (end - start === 3 && raw.slice(start, end).toLowerCase() === 'www') return true;
    return isAsciiLetter(raw.charCodeAt(end + 1)) && isAsciiLetter(raw.charCodeAt(end + 2)) && PATH_RE.test(raw.slice(end + 1, end + 12));
  }
  return false;
}

/** Length of the folded text of scanned token `k`. */
function textLength(list: TokenList, k: number, source: string): number {
  const text = list.text[k];
  if (text !== undefined) return text.length;
  const id = list.id[k] as number;
  if (id >= 0) return (WORD_TEXT[id] as string).length;
  return ((list.bits[k] as number) & FOLDED) !== 0 ? foldedLength(source, list.start[k] as number, list.end[k] as number) : (list.end[k] as number) - (list.start[k] as number);
}

/** Words of a text with spans and clause numbers (see the header), into `out`. */
export function scan(raw: string, vocab: ReadonlySet<string> | undefined, out: TokenList): void {
  out.n = 0;
  const n = raw.length;
  // A clause ends (clause++) only once something was pushed into it (open).
  let clause = 0;
  let open = false;
  let i = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    // Spaces, apostrophes, backquotes and underscores neither make words nor end clauses.
    if (c < 128 && PASS[c] === 1) {
      i++;
      continue;
    }
    const cp = c >= 0xd800 && c <= 0xdbff ? cpAt(raw, i) : c;
    const width = cp > 0xffff ? 2 : 1;
    if (c < 128 ? ALNUM[c] === 1 : isWordCp(cp)) {
      const start = i;
      let end = i + width;
      let ascii = c < 128;
      // The FNV-1a hash of an ASCII word's letters in lower case, for asciiId.
      let hash = Math.imul(FNV_OFFSET ^ (c | 32), FNV_PRIME);
      while (end < n) {
        const d = raw.charCodeAt(end);
        if (d < 128) {
          if (ALNUM[d] !== 1) break;
          hash = Math.imul(hash ^ (d | 32), FNV_PRIME);
          end++;
          continue;
        }
        const dcp = d >= 0xd800 && d <= 0xdbff ? cpAt(raw, end) : d;
        if (!isWordCp(dcp)) break;
        ascii = false;
        end += dcp > 0xffff ? 2 : 1;
      }
      // What follows the word decides a link (":", "@", "."), a gendered suffix ("·", "/", "(", ".").
      const next = end < n ? raw.charCodeAt(end) : 32;
      if ((next === 58 || next === 64 || next === 46) && isLink(raw, start, end)) {
        i = skipToSpace(raw, end);
        if (open) clause++;
        open = false;
        continue;
      }
      const before = start > 0 ? raw.charCodeAt(start - 1) : 0;
      if (before === 35 /* # */ || before === 0xff03 /* ＃ */) {
        // A hashtag is a clause of its own, then again split into words.
        if (open) clause++;
        const tag = hashtag(raw.slice(start, end), vocab);
        out.push(tag.ids[0] as number, tag.folded, start - 1, end, clause, Kind.Word);
        if (tag.parts.length > 0) {
          clause++;
          for (let k = 0; k < tag.parts.length; k++) out.push(tag.ids[k + 1] as number, tag.parts[k], start - 1, end, clause, Kind.Word);
        }
        clause++;
        open = false;
        i = end;
        continue;
      }
      const suffixEnd = next === 46 || next === 47 || next === 40 || next === 0xb7 || next === 0x2022 || next === 0x2219 ? genderSuffixEnd(raw, end) : -1;
      if (ascii) {
        out.push(hashedAsciiId(raw, start, end, hash), undefined, start, end, clause, Kind.Word);
      } else {
        const id = foldedId(raw, start, end);
        if (id !== NOT_FOLDABLE) {
          out.push(id, undefined, start, end, clause, Kind.Word | FOLDED);
        } else {
          const folded = fold(raw.slice(start, end));
          out.push(wordId(folded), folded, start, end, clause, Kind.Word);
        }
      }
      open = true;
      i = suffixEnd > 0 ? suffixEnd : end;
      continue;
    }
    if (c === 64 /* @ */ || c === 0xff20) {
      const prevCp = i > 0 ? raw.charCodeAt(i - 1) : 32;
      let j = i + 1;
      while (j < n && j - i <= 15 && isHandleChar(raw.charCodeAt(j))) j++;
      if (j > i + 1 && !isHandleChar(prevCp)) {
        // Its text is `fold` of the span (`＠` folds to `@`); few personas name a handle.
        const id = mentionWords === 0 ? UNKNOWN : wordId('@' + raw.slice(i + 1, j).toLowerCase());
        out.push(id, undefined, i, j, clause, Kind.Mention);
        i = j;
      } else {
        out.push(AT, undefined, i, i + 1, clause, Kind.At);
        i++;
      }
      open = true;
      continue;
    }
    if (isSpace(c) || c === 39 || c === 0x2019 || c === 96 || c === 95 /* _ */) {
      i++;
      continue;
    }
    if (c === 38 /* & */ && i > 0 && isWordCp(raw.charCodeAt(i - 1)) && isWordCp(cpAt(raw, i + 1))) {
      // "R&D", "P&L": one term, not two roles.
      i++;
      continue;
    }
    if (c === 45 /* - */ || c === 0x2010 || c === 0x2011) {
      const before = i > 0 ? raw.charCodeAt(i - 1) : 32;
      const after = i + 1 < n ? raw.charCodeAt(i + 1) : 32;
      if (open && (isSpace(before) || isSpace(after) || after === 10 || before === 10)) {
        clause++;
        open = false;
      }
      i++;
      continue;
    }
    if (c === 46 /* . */) {
      const last = out.n - 1;
      // "Dir. Marketing", "node.js", "U.K." go on; "Children.A new clause" and "London. Coffee" do not.
      if (open && !(last >= 0 && out.end[last] === i && dotContinues(raw, i, n, out, last))) {
        clause++;
        open = false;
      }
      i++;
      continue;
    }
    if (cp >= RI_START && cp <= RI_START + 25) {
      const next = cpAt(raw, i + 2);
      if (next >= RI_START && next <= RI_START + 25) {
        const place = FLAG_PLACES[String.fromCharCode(65 + cp - RI_START, 65 + next - RI_START)];
        if (open) clause++;
        if (place) {
          out.push(wordId(place), place, i, i + 4, clause, Kind.Place);
          clause++;
        }
        open = false;
        i += 4;
        continue;
      }
    }
    // Any other punctuation, symbol or emoji ends the clause.
    if (open) clause++;
    open = false;
    i += width;
  }
}

/** Whether a full stop at `i`, right after scanned token `last`, leaves the clause open. */
function dotContinues(raw: string, i: number, n: number, out: TokenList, last: number): boolean {
  const id = out.id[last] as number;
  if (id >= 0 && ((WORD_FLAGS[id] as number) & DOTTED_WORD) !== 0) return true;
  const afterCp = i + 1 < n ? cpAt(raw, i + 1) : 32;
  if (afterCp < 128 ? (afterCp >= 97 && afterCp <= 122) || (afterCp >= 48 && afterCp <= 57) : isWordCp(afterCp) && String.fromCodePoint(afterCp).toLowerCase() === String.fromCodePoint(afterCp)) {
    return true;
  }
  return textLength(out, last, raw) === 1 && isWordCp(afterCp);
}
