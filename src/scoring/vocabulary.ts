/**
 * Word ids: every word and concept a matcher knows has a number (the lexicon's words and
 * concepts, its persona's terms, the forms of their words). A text's words are turned into ids as
 * they are read (an ASCII word straight from its character codes, without making a string), and
 * every later step (fillers, lexicon phrases, language, levels, persona terms) is an array
 * look-up by id. A word nobody knows is UNKNOWN: it can match nothing, so its text is only made
 * when `analyse` hands tokens out.
 *
 * A `Vocabulary` belongs to whoever built it. The lexicon's (`lexicon-vocabulary.ts`) is built
 * once and sealed; compiling a persona copies it and adds the persona's words to the copy, which
 * the compiled matcher owns: dropping the matcher frees its words, so reloading personas a
 * hundred times leaves the process as it was. A sealed vocabulary never changes, so a text
 * always maps to the same id in it.
 */
import { ALNUM, foldUnit, sameFold } from './fold.ts';

export const UNKNOWN = -1;
/** `foldedId`'s answer when a letter of the word is not read letter by letter. */
export const NOT_FOLDABLE = -2;

// What a word says by itself: bits of `Vocabulary.flags`.
export const FILLER = 1;
export const DOTTED_WORD = 2;
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

/** A node of the lexicon's phrases by word id. */
export interface CanonNode {
  next: Map<number, CanonNode> | undefined;
  /** Concept ids of the phrase ending here (the first one listed wins). */
  value: readonly number[] | undefined;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

function isAsciiWord(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || ALNUM[c] !== 1 || (c >= 65 && c <= 90)) return false;
  }
  return true;
}

function hashOf(text: string, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (text.charCodeAt(i) | 32), FNV_PRIME);
  return h;
}

export class Vocabulary {
  /** Per id: the word's folded text. */
  readonly text: string[];
  /** Per id: the bits above. */
  readonly flags: number[];
  /** Per id: the rank of a level concept (`~head` → 5), or -1. */
  readonly level: number[];
  /** Per id: the languages a word is evidence for (bits of `language.ts`). */
  readonly lang: number[];
  /** Per id: the one-word title after a glued "ex" ("exdirectora": directora), or -1; worked out when sealed. */
  readonly glued: number[];
  /** Per id: the lexicon's phrases that start with this word. */
  readonly canonRoot: Array<CanonNode | undefined>;
  /** How many known words are `@handles`: none, usually, and then a mention needs no look-up. */
  mentionWords: number;
  private readonly ids: Map<string, number>;
  /** Open addressing on the FNV-1a hash of a word's lower-cased ASCII codes: slot → id + 1. */
  private asciiSlots: Int32Array;
  private asciiHashes: Int32Array;
  private asciiCount: number;
  private sealed = false;

  /** An empty vocabulary, or a copy of `base` to add words to (the lexicon's phrases are shared, they never change). */
  constructor(base?: Vocabulary) {
    this.text = base ? base.text.slice() : [];
    this.flags = base ? base.flags.slice() : [];
    this.level = base ? base.level.slice() : [];
    this.lang = base ? base.lang.slice() : [];
    this.glued = base ? base.glued.slice() : [];
    this.canonRoot = base ? base.canonRoot.slice() : [];
    this.mentionWords = base ? base.mentionWords : 0;
    this.ids = new Map(base?.ids);
    this.asciiSlots = base ? base.asciiSlots.slice() : new Int32Array(4096);
    this.asciiHashes = base ? base.asciiHashes.slice() : new Int32Array(4096);
    this.asciiCount = base ? base.asciiCount : 0;
  }

  /** How many words it knows. */
  get size(): number {
    return this.text.length;
  }

  id(text: string): number {
    return this.ids.get(text) ?? UNKNOWN;
  }

  /** The id of `text`, added when new. */
  intern(text: string): number {
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (this.sealed) throw new Error(`the vocabulary is sealed: cannot add ${JSON.stringify(text)}`);
    const id = this.text.length;
    this.text.push(text);
    this.ids.set(text, id);
    if (text.length > 1 && text.charCodeAt(0) === 64) this.mentionWords++;
    this.flags.push(0);
    this.level.push(-1);
    this.lang.push(0);
    this.glued.push(-1);
    this.canonRoot.push(undefined);
    if (isAsciiWord(text)) {
      if (++this.asciiCount * 2 > this.asciiSlots.length) {
        this.asciiSlots = new Int32Array(this.asciiSlots.length * 2);
        this.asciiHashes = new Int32Array(this.asciiSlots.length);
        for (let other = 0; other < id; other++) {
          const w = this.text[other] as string;
          if (isAsciiWord(w)) this.asciiInsert(other, hashOf(w, 0, w.length));
        }
      }
      this.asciiInsert(id, hashOf(text, 0, text.length));
    }
    return id;
  }

  /** Adds `flag` to each of `words`. */
  flag(words: Iterable<string>, flag: number): void {
    for (const w of words) {
      const id = this.intern(w);
      this.flags[id] = (this.flags[id] as number) | flag;
    }
  }

  /** No more words: works out what each word says with "ex" glued before it. */
  seal(): this {
    for (let id = 0; id < this.text.length; id++) {
      const text = this.text[id] as string;
      let glued = text.length > 4 && text.startsWith('ex') ? this.id(text.slice(2)) : -1;
      if (glued >= 0 && ((this.flags[glued] as number) & CANON_SINGLE) === 0) glued = -1;
      this.glued[id] = glued;
    }
    this.sealed = true;
    return this;
  }

  private asciiInsert(id: number, hash: number): void {
    const mask = this.asciiSlots.length - 1;
    let slot = hash & mask;
    while (this.asciiSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.asciiSlots[slot] = id + 1;
    this.asciiHashes[slot] = hash;
  }

  /** The id of the letters and digits `text[start, end)` read in lower case, or UNKNOWN. */
  asciiId(text: string, start: number, end: number): number {
    return this.hashedAsciiId(text, start, end, hashOf(text, start, end));
  }

  /** `asciiId` when the hash `h` of the letters is known. */
  hashedAsciiId(text: string, start: number, end: number, h: number): number {
    const slots = this.asciiSlots;
    const hashes = this.asciiHashes;
    const words = this.text;
    const mask = slots.length - 1;
    const length = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot] as number;
      if (v === 0) return UNKNOWN;
      if (hashes[slot] !== h) continue;
      const word = words[v - 1] as string;
      if (word.length !== length) continue;
      let k = 0;
      while (k < length && word.charCodeAt(k) === (text.charCodeAt(start + k) | 32)) k++;
      if (k === length) return v - 1;
    }
  }

  /** The id of `fold(text[start, end))`, UNKNOWN, or NOT_FOLDABLE when a letter is not read letter by letter. */
  foldedId(text: string, start: number, end: number): number {
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
    if (length === 0) return this.id('');
    const slots = this.asciiSlots;
    const mask = slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot] as number;
      if (v === 0) return UNKNOWN;
      if (this.asciiHashes[slot] !== h) continue;
      const word = this.text[v - 1] as string;
      if (word.length === length && sameFold(word, text, start, end)) return v - 1;
    }
  }
}
