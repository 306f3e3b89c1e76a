/**
 * A persona's terms as tries of concept tokens, by word and then by word id, and finding them in
 * a text's concept tokens: each hit is a token range with the entry it completes.
 */
import type { Seniority } from './lexicon.ts';
import { fold, plainWords } from './fold.ts';
import { CURRENT, NEGATED, type TokenList } from './token-list.ts';
import type { Vocabulary } from './vocabulary.ts';

export type Category = 'title' | 'function' | 'exclude' | 'industry' | 'interest' | 'education' | 'location' | 'question' | 'need' | 'pain' | 'jobpost';

export interface Entry {
  category: Category;
  /** The persona's term as written. */
  term: string;
  /** For titles: the highest level the term names. */
  level?: Seniority;
  /** For titles and functions: concept tokens, to tell "marketing" from a general role. */
  concepts: readonly string[];
}

/** A persona's terms by their words, as built from its config. */
export interface TrieNode<T> {
  next?: Map<string, TrieNode<T>>;
  values?: T[];
}

export class Trie<T> {
  readonly root = new Map<string, TrieNode<T>>();

  add(tokens: readonly string[], value: T): void {
    let map = this.root;
    let node: TrieNode<T> | undefined;
    for (const t of tokens) {
      node = map.get(t);
      if (!node) {
        node = {};
        map.set(t, node);
      }
      map = node.next ??= new Map();
    }
    if (node) (node.values ??= []).push(value);
  }
}

/** What matching needs of an entry, worked out once: its term as plain words, for "said as". */
export interface CompiledEntry extends Entry {
  /** `fold(term)`. */
  foldedTerm: string;
  /** `plainWords(term)`. */
  plainTerm: string;
  /** `concepts` joined, and as plain words (the "mentions …" reason of a function). */
  conceptText: string;
  plainConcepts: string;
}

/** The same trie by word ids of the matcher's vocabulary. */
export interface IdNode {
  next: Map<number, IdNode> | undefined;
  values: CompiledEntry[] | undefined;
}

export interface IdTrie {
  /** Word id → node; ids added after compiling are absent, and can match nothing here. */
  readonly root: ReadonlyArray<IdNode | undefined>;
}

/** The persona's trie by word ids; adds its words to `vocabulary`. */
export function byIds(trie: Trie<Entry>, vocabulary: Vocabulary): IdTrie {
  const convert = (node: TrieNode<Entry>): IdNode => {
    let next: Map<number, IdNode> | undefined;
    if (node.next) {
      next = new Map();
      for (const [word, child] of node.next) next.set(vocabulary.intern(word), convert(child));
    }
    const values = node.values?.map((entry): CompiledEntry => {
      const conceptText = entry.concepts.join(' ');
      return { ...entry, foldedTerm: fold(entry.term), plainTerm: plainWords(entry.term), conceptText, plainConcepts: plainWords(conceptText) };
    });
    return { next, values };
  };
  const nodes: Array<[number, IdNode]> = [];
  for (const [word, node] of trie.root) nodes.push([vocabulary.intern(word), convert(node)]);
  const root = new Array<IdNode | undefined>(vocabulary.size).fill(undefined);
  for (const [id, node] of nodes) root[id] = node;
  return { root };
}

/** Persona terms found in a text, token range [from, to], as parallel arrays reused from call to call. */
export class HitList {
  n = 0;
  entry: CompiledEntry[] = [];
  from = new Int32Array(16);
  to = new Int32Array(16);
  /** CURRENT when every token of the range is current; NEGATED when its first one is. */
  bits = new Uint8Array(16);

  push(entry: CompiledEntry, from: number, to: number, bits: number): void {
    const k = this.n;
    if (k === this.from.length) {
      const size = k * 2;
      const from2 = new Int32Array(size);
      from2.set(this.from);
      this.from = from2;
      const to2 = new Int32Array(size);
      to2.set(this.to);
      this.to = to2;
      const bits2 = new Uint8Array(size);
      bits2.set(this.bits);
      this.bits = bits2;
    }
    this.entry[k] = entry;
    this.from[k] = from;
    this.to[k] = to;
    this.bits[k] = bits;
    this.n = k + 1;
  }
}

/** The persona's own word that `id` is another form of, else `id`. */
export function ownWord(aliases: Int32Array, id: number): number {
  if (id < 0 || id >= aliases.length) return id;
  const own = aliases[id] as number;
  return own >= 0 ? own : id;
}

/** The persona terms of `trie` found in the concept tokens `t`, into `out`. */
export function findHits(trie: IdTrie, aliases: Int32Array, t: TokenList, out: HitList): HitList {
  out.n = 0;
  const root = trie.root;
  for (let i = 0; i < t.n; i++) {
    const first = ownWord(aliases, t.id[i] as number);
    let node = first >= 0 && first < root.length ? root[first] : undefined;
    if (!node) continue;
    const bits = t.bits[i] as number;
    let current = (bits & CURRENT) !== 0;
    const negated = bits & NEGATED;
    const clause = t.clause[i] as number;
    for (let j = i; ; ) {
      if (node.values) for (const entry of node.values) out.push(entry, i, j, (current ? CURRENT : 0) | negated);
      j++;
      if (j >= t.n || t.clause[j] !== clause || !node.next) break;
      current &&= ((t.bits[j] as number) & CURRENT) !== 0;
      const next: IdNode | undefined = node.next.get(ownWord(aliases, t.id[j] as number));
      if (!next) break;
      node = next;
    }
  }
  return out;
}

