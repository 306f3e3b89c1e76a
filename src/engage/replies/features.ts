/**
 * What the reply model sees of a reply: sparse features hashed into a fixed number of buckets.
 *
 * Text is read the way the reply reader reads it (case and accents folded, see `fold`), and
 * further:
 * - the @mentions a reply opens with are dropped (X puts them there, the author did not write
 *   them); other @mentions become one token `<at>`, links one token `<url>`;
 * - a letter written three times or more counts once ("stoooop" is "stop", "pleeease" is
 *   "please"); a double letter is left alone ("too", "off");
 * - emoji are tokens of their own ("🛑", "🤖", a flag), variation selectors and skin tones left out;
 * - double quotes and guillemets become `<q>` (a quoted "unfollow me" is not a request) and a
 *   question mark `<?>`.
 *
 * Features: word unigrams, word bigrams (the text's start and end count as words, so "stop" that
 * opens a reply differs from "stop" in its middle), and character 3- to 5-grams of each word with
 * its edges marked ("<stop>" gives "<st", "sto", …, "top>"), which carry typos, inflections and
 * words glued together ("stpo", "desabonnez", "desuscribirme"). Each is hashed with FNV-1a (32
 * bits, over UTF-16 code units, a namespace letter first) into FEATURE_BUCKETS buckets: the
 * weights file then holds numbers only, small, and no readable copy of what it was trained on.
 * A reply's vector is binary (a bucket counts once) and scaled to unit length, so a long
 * complaint is not outvoted by its own length.
 */
import { fold } from './normalise.ts';

/** log2 of the number of buckets. */
export const FEATURE_BITS = 18;
export const FEATURE_BUCKETS = 1 << FEATURE_BITS;

/**
 * Names what the features are. A weights file records it, and a model refuses weights made for
 * other features: change it whenever a change here would move any feature.
 */
export const FEATURE_SCHEME = `fold+squeeze; words 1-2, chars 3-5; fnv1a-32 xor-fold ${FEATURE_BITS} bits; binary, unit length; v1`;

/** A reply's features: bucket indices, each once, in order of first appearance, with their values. */
export interface SparseFeatures {
  indices: Int32Array;
  values: Float64Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One FNV-1a step: the hash so far with one more code unit. */
function step(hash: number, unit: number): number {
  return Math.imul(hash ^ unit, FNV_PRIME);
}

function extend(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = step(h, text.charCodeAt(i));
  return h;
}

/** A bucket from a 32-bit hash: the high bits folded onto the low ones, which FNV-1a mixes least. */
function bucket(hash: number): number {
  return ((hash >>> FEATURE_BITS) ^ hash) & (FEATURE_BUCKETS - 1);
}

const NS_WORD = step(FNV_OFFSET, 0x77); // 'w'
const NS_BIGRAM = step(FNV_OFFSET, 0x62); // 'b'
const NS_CHARS = step(FNV_OFFSET, 0x63); // 'c'
const START = '<s>';
const END = '</s>';
const WORD_SPLIT = 0x20;

/**
 * One alternative per kind of token: a link, an @mention, a word, an emoji (or a flag: two
 * regional indicators), a double quote, a question mark. Everything else separates tokens.
 */
const TOKEN = /(https?:\/\/\S+|www\.\S+)|(@\w+)|([\p{L}\p{N}]+)|(\p{Regional_Indicator}{2}|\p{Extended_Pictographic})|(["“”«»„])|(\?)/gu;
const LEADING_MENTIONS = /^(?:\s*@\w+)+/u;
const ELONGATION = /(\p{L})\1{2,}/gu;

/** The tokens of a reply, as described at the top of this file. */
export function tokens(text: string): string[] {
  const plain = fold(text).replace(LEADING_MENTIONS, ' ').replace(ELONGATION, '$1');
  const out: string[] = [];
  for (const m of plain.matchAll(TOKEN)) {
    if (m[1] !== undefined) out.push('<url>');
    else if (m[2] !== undefined) out.push('<at>');
    else if (m[3] !== undefined) out.push(m[3]);
    else if (m[4] !== undefined) out.push(m[4]);
    else if (m[5] !== undefined) out.push('<q>');
    else out.push('<?>');
  }
  return out;
}

/** Letters and digits only: the tokens that get character n-grams. */
const IS_WORD = /^[\p{L}\p{N}]+$/u;

/** Bucket indices of the reply being read, duplicates and all; grown when a reply needs more. */
let scratch = new Int32Array(4096);
/** Per bucket, the stamp of the last reply that had it. */
const seen = new Uint32Array(FEATURE_BUCKETS);
let stamp = 0;

/** The hashed features of a reply (see the top of this file). */
export function replyFeatures(text: string): SparseFeatures {
  const words = tokens(text);
  let n = 0;
  let previous = START;
  for (const word of words) {
    // Two word features and at most three n-grams per character of `<word>`.
    const room = n + 2 + 3 * (word.length + 2) + 1;
    if (room > scratch.length) {
      const bigger = new Int32Array(Math.max(room, scratch.length * 2));
      bigger.set(scratch.subarray(0, n));
      scratch = bigger;
    }
    scratch[n++] = bucket(extend(NS_WORD, word));
    scratch[n++] = bucket(extend(step(extend(NS_BIGRAM, previous), WORD_SPLIT), word));
    previous = word;
    if (IS_WORD.test(word)) n = charGrams(`<${word}>`, scratch, n);
  }
  scratch[n++] = bucket(extend(step(extend(NS_BIGRAM, previous), WORD_SPLIT), END));
  // Each bucket once, in order of first appearance: a stamp per bucket says whether this reply has
  // it already (sorting instead costs more than all the hashing).
  if (++stamp === 0xffffffff) {
    seen.fill(0);
    stamp = 1;
  }
  let unique = 0;
  for (let i = 0; i < n; i++) {
    const b = scratch[i] as number;
    if (seen[b] === stamp) continue;
    seen[b] = stamp;
    scratch[unique++] = b;
  }
  const indices = scratch.slice(0, unique);
  const values = new Float64Array(unique).fill(1 / Math.sqrt(unique));
  return { indices, values };
}

/**
 * Character 3- to 5-grams of a word with its edges marked, each hashed as it grows from its
 * first character, written to `out` from `n`; returns the new length.
 */
function charGrams(marked: string, out: Int32Array, n: number): number {
  const length = marked.length;
  let k = n;
  for (let start = 0; start + 3 <= length; start++) {
    const stop = Math.min(start + 5, length);
    let h = NS_CHARS;
    for (let i = start; i < stop; i++) {
      h = Math.imul(h ^ marked.charCodeAt(i), FNV_PRIME);
      if (i - start >= 2) out[k++] = ((h >>> FEATURE_BITS) ^ h) & (FEATURE_BUCKETS - 1);
    }
  }
  return k;
}
