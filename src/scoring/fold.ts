/**
 * Folding: how the matcher compares words. Lower case, compatibility forms, accents removed
 * (`é` → `e`, `ñ` → `n`), so matching is on whole words: `cmo` never matches `cmos`, `cto` never
 * matches `doctor`. Also the letter-by-letter fold the scanner uses to find a word's id without
 * normalising it (`foldUnit`).
 */

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
export const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;

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

/**
 * `fold` letter by letter, for the letters of U+0080–U+036F (Latin accents and combining marks)
 * whose fold is plain `[a-z0-9]*`, and marks that fold away (the emoji variation selector). For a
 * word made of those and ASCII, `fold(word)` is the letters' folds end to end (NFKD decomposes
 * letter by letter, Latin has no contextual lower case, and the marks reordering could move are
 * all removed), so its id can be found without normalising. The tests check it for every such
 * letter. These tables describe Unicode, not any vocabulary: their size is fixed.
 */
const FOLD_UNITS: Array<string | undefined> = new Array<string | undefined>(0x370 - 0x80).fill(undefined);
for (let c = 0x80; c < 0x370; c++) {
  const ch = String.fromCharCode(c);
  if (!WORD_RE.test(ch)) continue;
  const folded = fold(ch);
  if (/^[a-z0-9]*$/.test(folded)) FOLD_UNITS[c - 0x80] = folded;
}
const MARK_RE = /^\p{M}$/u;
const ONLY_MARKS_RE = /^\p{M}*$/u;
/** Per UTF-16 unit from U+0370: 2 for a mark whose NFKD is marks only (it folds to nothing), 1 if not, 0 not yet known. */
const FOLDS_AWAY = new Uint8Array(0x10000);

/** The fold of one UTF-16 unit as part of a word, or undefined when it is not read letter by letter. */
export function foldUnit(c: number): string | undefined {
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

/** Length of the letter-by-letter fold of `text[start, end)` (a word read letter by letter). */
export function foldedLength(text: string, start: number, end: number): number {
  let length = 0;
  for (let i = start; i < end; i++) length += (foldUnit(text.charCodeAt(i)) as string).length;
  return length;
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
export function sameFold(word: string, text: string, start: number, end: number): boolean {
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
