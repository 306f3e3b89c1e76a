/** The tokens of one text as parallel arrays, and the bits they carry. */
import { fold } from './fold.ts';
import type { Vocabulary } from './vocabulary.ts';

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

/** Bits of a concept token (see `Token` in `reader.ts`). */
export const CURRENT = 1;
export const NEGATED = 2;
export const MENTION = 4;
export const COMPANY = 8;

/**
 * Tokens of one text as parallel arrays, reused from one text to the next. For scanned words
 * `bits` is the Kind (and FOLDED); for concept tokens, the bits above. `id` is the word's id in
 * the vocabulary the text was read with. `text` is set where it is neither the id's text nor
 * `fold` of the span: hashtags, places, and words not read letter by letter (see `foldUnit`).
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

  /** The token's folded text; `source` is the text it was read from, with `vocabulary`. */
  textOf(k: number, source: string, vocabulary: Vocabulary): string {
    const text = this.text[k];
    if (text !== undefined) return text;
    const id = this.id[k] as number;
    return id >= 0 ? (vocabulary.text[id] as string) : fold(source.slice(this.start[k], this.end[k]));
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
