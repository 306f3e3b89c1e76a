/**
 * How X's recent search reads text: folding, keyword tokens, phrases. The query grammar
 * (`query.ts`) tokenises keywords and phrases with these rules, and the sandbox's search index
 * tokenises posts with the same ones, so a query and a post always agree on what a word is.
 *
 * Keyword tokens follow X's search docs: "tokenization is based on punctuation, symbol, and
 * separator Unicode basic plane characters" (so `coca-cola` is `coca` + `cola`, `crm's` is `crm` +
 * `s`, and `#crm` contains the token `crm`), and each emoji is a token of its own.
 *
 * Accents: X's search docs say "a search query with accents or diacritics will match Posts with and
 * without the accent. For example Diacrítica matches Diacrítica and Diacritica" (docs.x.com,
 * x-api/posts/search/integrate/build-a-query, "Punctuation, diacritics, and case sensitivity"),
 * and the enterprise operators page adds that "accented and special characters are normalized to
 * standard latin characters … músic will match music and vice versa". Only filtered stream is
 * accent-sensitive. So both sides are folded the same way: NFKD, lower case, combining marks
 * removed (`Ça` → `ca`, `ﬁ` → `fi`, `Ｃｒｍ` → `crm`). Emoji lose variation selectors and skin-tone
 * modifiers, so `👍🏽` matches `👍`.
 *
 * An exact phrase matches its tokens consecutively, whatever separates them in the post.
 */

const MARKS_RE = /\p{M}+/gu;
const SKIN_TONE_RE = /[\u{1F3FB}-\u{1F3FF}]/gu;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

const foldedCodePoints = new Map<number, string>();

function foldCodePoint(cp: number): string {
  let folded = foldedCodePoints.get(cp);
  if (folded === undefined) {
    // Lower-casing after NFKD and before stripping marks: 'İ'.toLowerCase() is 'i' + U+0307.
    folded = String.fromCodePoint(cp).normalize('NFKD').toLowerCase().replace(MARKS_RE, '').replace(SKIN_TONE_RE, '');
    foldedCodePoints.set(cp, folded);
  }
  return folded;
}

/**
 * Folds text for matching: lower case, compatibility decomposition, combining marks removed
 * (which also drops emoji variation selectors), skin-tone modifiers removed. One code point at a
 * time (cached), so the query and the posts fold alike whatever the context (no final-sigma
 * rule), and French or Spanish posts cost little more than English ones.
 */
export function foldText(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  let out = '';
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x80) continue;
    if (i > run) out += text.slice(run, i).toLowerCase();
    const cp = text.codePointAt(i) ?? 0;
    out += foldCodePoint(cp);
    if (cp > 0xffff) i++;
    run = i + 1;
  }
  if (run < text.length) out += text.slice(run).toLowerCase();
  return out;
}

const enum Cls {
  Sep = 0,
  Word = 1,
  Pict = 2,
  RegionalIndicator = 3,
  Joiner = 4,
}

const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const isWord = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  ASCII_CLASS[c] = isWord ? Cls.Word : Cls.Sep;
}
const WORD_CP_RE = /^[\p{L}\p{N}\p{M}]$/u;
const PICT_CP_RE = /^\p{Extended_Pictographic}$/u;
const RI_CP_RE = /^\p{Regional_Indicator}$/u;
const nonAsciiClass = new Map<number, Cls>();

function classOf(cp: number): Cls {
  if (cp < 128) return ASCII_CLASS[cp] as Cls;
  let cls = nonAsciiClass.get(cp);
  if (cls === undefined) {
    const ch = String.fromCodePoint(cp);
    if (cp === 0x200d) cls = Cls.Joiner;
    else if (RI_CP_RE.test(ch)) cls = Cls.RegionalIndicator;
    else if (PICT_CP_RE.test(ch)) cls = Cls.Pict;
    else if (WORD_CP_RE.test(ch)) cls = Cls.Word;
    else cls = Cls.Sep;
    nonAsciiClass.set(cp, cls);
  }
  return cls;
}

/**
 * Splits already-folded text into tokens: runs of letters/digits, and emoji (a ZWJ sequence such
 * as 👩‍💻 or a flag such as 🇫🇷 is one token). Everything else separates tokens.
 */
export function tokenizeFolded(folded: string, out: string[] = []): string[] {
  const n = folded.length;
  let i = 0;
  while (i < n) {
    let cp = folded.charCodeAt(i);
    let width = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
      cp = folded.codePointAt(i) ?? cp;
      width = cp > 0xffff ? 2 : 1;
    }
    const cls = classOf(cp);
    if (cls === Cls.Word) {
      const start = i;
      i += width;
      while (i < n) {
        let c = folded.charCodeAt(i);
        let w = 1;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          c = folded.codePointAt(i) ?? c;
          w = c > 0xffff ? 2 : 1;
        }
        if (classOf(c) !== Cls.Word) break;
        i += w;
      }
      out.push(folded.slice(start, i));
    } else if (cls === Cls.Pict) {
      const start = i;
      i += width;
      // ZWJ sequences: pictograph (ZWJ pictograph)*
      while (i + 1 < n && folded.charCodeAt(i) === 0x200d) {
        const next = folded.codePointAt(i + 1) ?? 0;
        if (classOf(next) !== Cls.Pict) break;
        i += 1 + (next > 0xffff ? 2 : 1);
      }
      out.push(folded.slice(start, i));
    } else if (cls === Cls.RegionalIndicator) {
      const next = i + width < n ? (folded.codePointAt(i + width) ?? 0) : 0;
      if (classOf(next) === Cls.RegionalIndicator) {
        out.push(folded.slice(i, i + width + 2));
        i += width + 2;
      } else {
        out.push(folded.slice(i, i + width));
        i += width;
      }
    } else {
      i += width;
    }
  }
  return out;
}

/** Keyword tokens of a piece of query text (a keyword, a phrase, a `url:` value). */
export function tokenize(text: string): string[] {
  return tokenizeFolded(foldText(text));
}

/** Code point ending just before UTF-16 offset `i`. */
function codePointBefore(s: string, i: number): number {
  const c = s.charCodeAt(i - 1);
  if (c >= 0xdc00 && c <= 0xdfff && i >= 2) {
    const h = s.charCodeAt(i - 2);
    if (h >= 0xd800 && h <= 0xdbff) return s.codePointAt(i - 2) ?? c;
  }
  return c;
}

function isWordToken(token: string): boolean {
  for (let i = 0; i < token.length; ) {
    const cp = token.codePointAt(i) ?? 0;
    if (classOf(cp) !== Cls.Word) return false;
    i += cp > 0xffff ? 2 : 1;
  }
  return token.length > 0;
}

/**
 * Whether folded text (`foldText`, or the sandbox's `searchText` of a post) contains the tokens
 * consecutively: the same answer as `containsSequence(tokenizeFolded(folded), tokens)`, without
 * building the token list. Phrase checks run once per search candidate, so this is the sandbox
 * search's inner loop for phrase queries.
 */
export function containsPhrase(folded: string, tokens: readonly string[]): boolean {
  if (tokens.length === 0) return false;
  if (!tokens.every(isWordToken)) return containsSequence(tokenizeFolded(folded), tokens);
  const n = folded.length;
  const first = tokens[0] as string;
  let from = 0;
  for (;;) {
    const p = folded.indexOf(first, from);
    if (p < 0) return false;
    from = p + 1;
    if (p > 0 && classAt(folded, p - 1, true) === Cls.Word) continue;
    let q = p + first.length;
    let ok = true;
    for (let k = 1; k < tokens.length; k++) {
      // The previous token ends here, then separators (an emoji is a token, not a separator).
      let r = q;
      let cls: Cls = Cls.Sep;
      while (r < n) {
        cls = classAt(folded, r, false);
        if (cls === Cls.Word || cls === Cls.Pict || cls === Cls.RegionalIndicator) break;
        r += folded.charCodeAt(r) >= 0xd800 && folded.charCodeAt(r) <= 0xdbff ? 2 : 1;
      }
      const t = tokens[k] as string;
      if (r === q || r >= n || cls !== Cls.Word || !folded.startsWith(t, r)) {
        ok = false;
        break;
      }
      q = r + t.length;
    }
    if (ok && (q >= n || classAt(folded, q, false) !== Cls.Word)) return true;
  }
}

/** Class of the code point starting at `i` (or, with `before`, ending at `i`). */
function classAt(s: string, i: number, before: boolean): Cls {
  const c = s.charCodeAt(i);
  if (c < 128) return ASCII_CLASS[c] as Cls;
  return classOf(before ? codePointBefore(s, i + 1) : (s.codePointAt(i) ?? c));
}

/** Folds a hashtag or cashtag body for matching (`#CubaYChacón` and `#cubaychacon` are one tag). */
export function foldTag(tag: string): string {
  return foldText(tag);
}

/** True when `needle` occurs as consecutive tokens in `haystack`. */
export function containsSequence(haystack: readonly string[], needle: readonly string[]): boolean {
  const n = needle.length;
  if (n === 0) return false;
  const first = needle[0];
  outer: for (let i = 0; i + n <= haystack.length; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < n; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
