/**
 * How the matcher reads a text's characters into words, before `concepts.ts` rewrites them:
 * letters and digits form words; emoji, `|`, `·`, `,`, `/`, `&`, `(`, a spaced dash, a full stop
 * ending a sentence… end a *clause* (phrases never match across clauses); spaces, apostrophes and
 * inner hyphens do not (`co-founder` is `co founder`). Links and e-mail addresses are skipped.
 * `@acme` is a mention (never a word: `@cto_weekly` is not a CTO). `#GrowthMarketing` is its own
 * clause, then again as `growth marketing`; an all-lower-case `#recursoshumanos` is split with
 * known words. Inclusive and gendered spellings lose their suffix: `directeur·rice`,
 * `director/a`, `director(a)`. A flag (🇫🇷) is a place. Words are folded (`fold.ts`).
 *
 * Speed: a text is read in one pass over its character codes into word ids of a vocabulary
 * (`vocabulary.ts`), in parallel arrays (`TokenList`) reused from text to text; nothing is
 * allocated per word. Texts are expected as JSON parsing makes them, flat strings (see `flat`).
 */
import { ALNUM, WORD_RE, flat, fold, foldedLength } from './fold.ts';
import { FLAG_PLACES } from './lexicon.ts';
import { FOLDED, Kind, TokenList } from './token-list.ts';
import { DOTTED_WORD, FNV_OFFSET, FNV_PRIME, NOT_FOLDABLE, UNKNOWN, type Vocabulary } from './vocabulary.ts';

const RI_START = 0x1f1e6;
/** Word-character class of the BMP, filled as met: 0 not yet known, 1 no, 2 yes. */
const WORD_BMP = new Uint8Array(0x10000);
const WORD_SMP = new Uint8Array(0x10000);

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
  // Rare (CJK extensions and beyond): not worth a table.
  return WORD_RE.test(String.fromCodePoint(cp));
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
  /** Ids of `folded` then of `parts`. */
  ids: number[];
}

const MAX_KEPT_HASHTAGS = 10_000;

/**
 * How hashtags are read with a vocabulary: split at case changes, or into `words` when all in
 * lower case. A compiled matcher keeps the tags it has read (its vocabulary never changes, and
 * the same tags come back all the time: #marketing, #SaaS), up to a bound.
 */
export class Hashtags {
  private readonly kept: Map<string, Hashtag> | undefined;

  constructor(
    readonly vocabulary: Vocabulary,
    readonly words: ReadonlySet<string>,
    keep: boolean,
  ) {
    this.kept = keep ? new Map() : undefined;
  }

  read(word: string): Hashtag {
    let tag = this.kept?.get(word);
    if (tag) return tag;
    const folded = fold(word);
    let parts = camelParts(word).map(fold);
    if (parts.length < 2) parts = wordBreak(folded, this.words) ?? [];
    if (parts.length < 2) parts = [];
    const vocabulary = this.vocabulary;
    tag = { folded, parts, ids: [vocabulary.id(folded), ...parts.map((p) => vocabulary.id(p))] };
    if (this.kept) {
      if (this.kept.size >= MAX_KEPT_HASHTAGS) this.kept.clear();
      this.kept.set(word, tag);
    }
    return tag;
  }
}

/** A hashtag read without splitting into known words (persona terms). */
function plainHashtag(word: string, vocabulary: Vocabulary): Hashtag {
  const folded = fold(word);
  let parts = camelParts(word).map(fold);
  if (parts.length < 2) parts = [];
  return { folded, parts, ids: [vocabulary.id(folded), ...parts.map((p) => vocabulary.id(p))] };
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
function textLength(list: TokenList, k: number, source: string, vocabulary: Vocabulary): number {
  const text = list.text[k];
  if (text !== undefined) return text.length;
  const id = list.id[k] as number;
  if (id >= 0) return (vocabulary.text[id] as string).length;
  return ((list.bits[k] as number) & FOLDED) !== 0 ? foldedLength(source, list.start[k] as number, list.end[k] as number) : (list.end[k] as number) - (list.start[k] as number);
}

/**
 * Words of a text with spans and clause numbers (see the header), into `out`, as ids of
 * `vocabulary`; lower-case hashtags are split with `hashtags` when given.
 */
export function scan(raw: string, vocabulary: Vocabulary, hashtags: Hashtags | undefined, out: TokenList): void {
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
        const tag = hashtags ? hashtags.read(raw.slice(start, end)) : plainHashtag(raw.slice(start, end), vocabulary);
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
        out.push(vocabulary.hashedAsciiId(raw, start, end, hash), undefined, start, end, clause, Kind.Word);
      } else {
        const id = vocabulary.foldedId(raw, start, end);
        if (id !== NOT_FOLDABLE) {
          out.push(id, undefined, start, end, clause, Kind.Word | FOLDED);
        } else {
          const folded = fold(raw.slice(start, end));
          out.push(vocabulary.id(folded), folded, start, end, clause, Kind.Word);
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
        const id = vocabulary.mentionWords === 0 ? UNKNOWN : vocabulary.id('@' + raw.slice(i + 1, j).toLowerCase());
        out.push(id, undefined, i, j, clause, Kind.Mention);
        i = j;
      } else {
        out.push(vocabulary.id('@'), undefined, i, i + 1, clause, Kind.At);
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
      if (open && !(last >= 0 && out.end[last] === i && dotContinues(raw, i, n, out, last, vocabulary))) {
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
          out.push(vocabulary.id(place), place, i, i + 4, clause, Kind.Place);
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
function dotContinues(raw: string, i: number, n: number, out: TokenList, last: number, vocabulary: Vocabulary): boolean {
  const id = out.id[last] as number;
  if (id >= 0 && ((vocabulary.flags[id] as number) & DOTTED_WORD) !== 0) return true;
  const afterCp = i + 1 < n ? cpAt(raw, i + 1) : 32;
  if (afterCp < 128 ? (afterCp >= 97 && afterCp <= 122) || (afterCp >= 48 && afterCp <= 57) : isWordCp(afterCp) && String.fromCodePoint(afterCp).toLowerCase() === String.fromCodePoint(afterCp)) {
    return true;
  }
  return textLength(out, last, raw, vocabulary) === 1 && isWordCp(afterCp);
}

/** Folded words of a phrase, fillers kept (the lexicon's and a persona's own spelling). */
export function phraseWords(phrase: string, vocabulary: Vocabulary): string[] {
  phrase = flat(phrase);
  const list = new TokenList();
  scan(phrase, vocabulary, undefined, list);
  const words: string[] = [];
  for (let k = 0; k < list.n; k++) words.push(list.textOf(k, phrase, vocabulary));
  return words;
}
