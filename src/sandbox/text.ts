/**
 * Post text as X sees it: entities (hashtags, mentions, cashtags, URLs) with their spans, and the
 * keyword tokens recent search matches against (folded and split by X's rules, in
 * `src/x/query-text.ts`).
 *
 * Entities follow twitter-text's rules closely enough for synthetic posts: a hashtag needs a
 * letter and cannot follow a word character or `&`; a mention is 1–15 of `[A-Za-z0-9_]` not
 * preceded by a word character (so `bob@mail.com` is not one); a cashtag is `$` + 1–6 letters
 * (optionally `.xx`/`_xx`) after whitespace or the start; a URL starts with `http://`, `https://`
 * or `www.`. Spans are `[start, end)` in Unicode code points, as X counts them.
 *
 * URLs: only the host of a URL is tokenised for keywords (`https://www.hubspot.com/x/y` gives
 * `www`, `hubspot`, `com`). X also matches keywords inside URL paths, but in the sandbox every link
 * carries a random slug, and indexing slugs would add one dictionary entry per post for nothing;
 * the `url:` operator still sees the whole URL.
 */
import { foldText, tokenize, tokenizeFolded } from '../x/query-text.ts';

export interface HashtagEntity {
  start: number;
  end: number;
  /** As written, without the `#`. */
  tag: string;
}

export interface MentionEntity {
  start: number;
  end: number;
  /** As written, without the `@`. */
  username: string;
}

export interface CashtagEntity {
  start: number;
  end: number;
  /** As written, without the `$`. */
  tag: string;
}

export interface UrlEntity {
  start: number;
  end: number;
  url: string;
}

export interface TextEntities {
  hashtags: HashtagEntity[];
  mentions: MentionEntity[];
  urls: UrlEntity[];
  cashtags: CashtagEntity[];
}

// ---------------------------------------------------------------------------------------------
// Entities

const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"\p{Extended_Pictographic}]+/giu;
const URL_START_RE = /https?:\/\/|www\./i;
/** Characters a URL does not end with (sentence punctuation after a link). */
const URL_TRAILING = '.,;:!?\'"»…]}';
const HASHTAG_RE = /(?<![\p{L}\p{N}\p{M}_&#＃])[#＃]([\p{L}\p{N}\p{M}_]+)/gu;
const HASHTAG_HAS_LETTER_RE = /\p{L}/u;
const MENTION_RE = /(?<![A-Za-z0-9_!#$%&*@＠])[@＠]([A-Za-z0-9_]{1,15})(?![A-Za-z0-9_@＠])/gu;
const CASHTAG_RE = /(?<=^|\s)[$＄]([A-Za-z]{1,6}(?:[._][A-Za-z]{1,2})?)(?=$|\s|\p{P})/gu;
const SURROGATE_RE = /[\uD800-\uDFFF]/;

/** Converts UTF-16 offsets to code point offsets for one text. */
function codePointMapper(text: string): (utf16: number) => number {
  if (!SURROGATE_RE.test(text)) return identity;
  // Prefix count of code points; built once per text with astral characters (emoji).
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        map[i + 1] = cp;
        i++;
      }
    }
    cp++;
  }
  map[text.length] = cp;
  return (i) => map[i] ?? cp;
}

/** URL spans in UTF-16 offsets, trailing punctuation trimmed (a `)` stays when it closes a `(`). */
/** Indexing a post asks for its URLs twice (entities, then search text): remember the last. */
let lastUrlText = '';
let lastUrlSpans: Array<[number, number]> = [];

function urlSpans(text: string): Array<[number, number]> {
  if (text === lastUrlText) return lastUrlSpans;
  const spans = findUrlSpans(text);
  lastUrlText = text;
  lastUrlSpans = spans;
  return spans;
}

function findUrlSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  if (!URL_START_RE.test(text)) return spans;
  for (const m of text.matchAll(URL_RE)) {
    let end = m[0].length;
    let opens = 0;
    let closes = 0;
    for (let i = 0; i < end; i++) {
      const c = m[0].charCodeAt(i);
      if (c === 40) opens++;
      else if (c === 41) closes++;
    }
    while (end > 0) {
      const c = m[0][end - 1] ?? '';
      if (c === ')' && closes > opens) {
        closes--;
        end--;
      } else if (URL_TRAILING.includes(c)) {
        end--;
      } else {
        break;
      }
    }
    const url = m[0].slice(0, end);
    // A scheme or `www.` with nothing after it is not a link.
    if (/^(?:https?:\/\/|www\.)$/i.test(url)) continue;
    spans.push([m.index, m.index + end]);
  }
  return spans;
}

function insideAny(spans: Array<[number, number]>, at: number): boolean {
  for (const [s, e] of spans) if (at >= s && at < e) return true;
  return false;
}

/** Hashtags, mentions, URLs and cashtags of a text, with code point spans as X reports them. */
export function extractEntities(text: string): TextEntities {
  return scanEntities(text, true);
}

/**
 * The same entities without their spans (all `start`/`end` are 0), for indexing: skipping the
 * UTF-16 → code point mapping matters when millions of posts are indexed.
 */
export function extractEntityValues(text: string): TextEntities {
  return scanEntities(text, false);
}

const identity = (i: number) => i;
const zero = () => 0;

function scanEntities(text: string, withSpans: boolean): TextEntities {
  const result: TextEntities = { hashtags: [], mentions: [], urls: [], cashtags: [] };
  const urls = urlSpans(text);
  const hasHash = text.includes('#') || text.includes('＃');
  const hasAt = text.includes('@') || text.includes('＠');
  const hasDollar = text.includes('$') || text.includes('＄');
  if (urls.length === 0 && !hasHash && !hasAt && !hasDollar) return result;
  const cp = withSpans ? codePointMapper(text) : zero;
  for (const [s, e] of urls) result.urls.push({ start: cp(s), end: cp(e), url: text.slice(s, e) });
  if (hasHash) {
    for (const m of text.matchAll(HASHTAG_RE)) {
      const tag = m[1] ?? '';
      if (!HASHTAG_HAS_LETTER_RE.test(tag) || insideAny(urls, m.index)) continue;
      result.hashtags.push({ start: cp(m.index), end: cp(m.index + 1 + tag.length), tag });
    }
  }
  if (hasAt) {
    for (const m of text.matchAll(MENTION_RE)) {
      const username = m[1] ?? '';
      if (insideAny(urls, m.index)) continue;
      result.mentions.push({ start: cp(m.index), end: cp(m.index + 1 + username.length), username });
    }
  }
  if (hasDollar) {
    for (const m of text.matchAll(CASHTAG_RE)) {
      const tag = m[1] ?? '';
      if (insideAny(urls, m.index)) continue;
      result.cashtags.push({ start: cp(m.index), end: cp(m.index + 1 + tag.length), tag });
    }
  }
  return result;
}

/** The host part of a URL as written (`https://www.HubSpot.com/x` → `www.HubSpot.com`). */
function urlHost(url: string): string {
  const rest = url.replace(/^https?:\/\//i, '');
  const end = rest.search(/[/?#]/);
  return end < 0 ? rest : rest.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// Keyword tokens of posts

/**
 * A post's text folded for keyword matching, URLs replaced by their host (see the header):
 * `postTokens(text)` is `tokenizeFolded(searchText(text))`.
 */
export function searchText(text: string): string {
  const spans = urlSpans(text);
  if (spans.length === 0) return foldText(text);
  let rewritten = '';
  let last = 0;
  for (const [s, e] of spans) {
    rewritten += text.slice(last, s) + ' ' + urlHost(text.slice(s, e)) + ' ';
    last = e;
  }
  rewritten += text.slice(last);
  return foldText(rewritten);
}

/** Keyword tokens of a post's text, in order. URLs contribute only their host (see the header). */
export function postTokens(text: string): string[] {
  return tokenizeFolded(searchText(text));
}

/** Tokens of each URL in a text (the whole URL: scheme, host, path, query). */
export function urlTokens(text: string): string[][] {
  return urlSpans(text).map(([s, e]) => tokenize(text.slice(s, e)));
}
