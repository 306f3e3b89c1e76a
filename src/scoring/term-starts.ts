/**
 * Which words of a text can lead to a persona term: a compiled persona knows them
 * (`wordsLeadingTo`), so a post, name or bio with none of them is scanned and no more.
 */
import { foldStartsWithEx } from './fold.ts';
import { EX } from './lexicon-vocabulary.ts';
import { ownWord, type CompiledEntry, type IdNode, type IdTrie } from './persona-terms.ts';
import { FOLDED, KIND, Kind, type TokenList } from './token-list.ts';
import { CANON_SINGLE, FILLER, UNKNOWN, type CanonNode, type Vocabulary } from './vocabulary.ts';

/** Whether a concept starts a term of `trie` with an entry `wanted`, read as the persona's own word when it is another form of one. */
export function startsTerm(trie: IdTrie, aliases: Int32Array, wanted: (entry: CompiledEntry) => boolean): (concept: number) => boolean {
  const hasWanted = (node: IdNode): boolean => {
    if (node.values?.some(wanted)) return true;
    if (node.next) for (const child of node.next.values()) if (hasWanted(child)) return true;
    return false;
  };
  return (concept) => {
    const own = ownWord(aliases, concept);
    const node = own < trie.root.length ? trie.root[own] : undefined;
    return node !== undefined && hasWanted(node);
  };
}

/**
 * Which known words can lead to a concept for which `leads` is true, so that a text without any
 * needs no more reading (see `mayStartTerm`): by word id, ALONE when the word itself can (as
 * itself, a one-word lexicon phrase, or a title "ex" is glued to: "exdirectora"), IN_PHRASE when
 * only a longer lexicon phrase it starts can, and then only when the next word is one of `seconds`.
 */
export interface TermStarts {
  words: Uint8Array;
  seconds: Map<number, Set<number>>;
}

const ALONE = 1;
const IN_PHRASE = 2;

export function wordsLeadingTo(vocabulary: Vocabulary, leads: (concept: number) => boolean): TermStarts {
  const phrasesLead = (node: CanonNode | undefined): boolean => {
    if (!node) return false;
    if (node.value?.some(leads)) return true;
    if (node.next) for (const child of node.next.values()) if (phrasesLead(child)) return true;
    return false;
  };
  const words = new Uint8Array(vocabulary.size);
  const seconds = new Map<number, Set<number>>();
  for (let id = 0; id < words.length; id++) {
    const text = vocabulary.text[id] as string;
    const glued = text.length > 4 && text.startsWith('ex') ? vocabulary.id(text.slice(2)) : UNKNOWN;
    const gluable = glued >= 0 && ((vocabulary.flags[glued] as number) & CANON_SINGLE) !== 0;
    const node = vocabulary.canonRoot[id];
    if (leads(id) || node?.value?.some(leads) || (gluable && (leads(EX) || phrasesLead(vocabulary.canonRoot[glued])))) {
      words[id] = ALONE;
    } else if (node?.next) {
      const next = new Set<number>();
      for (const [second, child] of node.next) if (phrasesLead(child)) next.add(second);
      if (next.size > 0) {
        words[id] = IN_PHRASE;
        seconds.set(id, next);
      }
    }
  }
  return { words, seconds };
}

/**
 * Whether a word of `raw` can become a concept that starts a persona term: a known word marked in
 * `starts` (followed by the right word, for IN_PHRASE), or one that may be "ex" glued to a title
 * (a word nobody knew when the persona was compiled).
 */
export function mayStartTerm(raw: TokenList, source: string, starts: TermStarts, vocabulary: Vocabulary): boolean {
  const words = starts.words;
  for (let k = 0; k < raw.n; k++) {
    const id = raw.id[k] as number;
    if (id >= 0 && id < words.length) {
      const how = words[id] as number;
      if (how === ALONE || (how === IN_PHRASE && phraseGoesOn(raw, k, starts.seconds.get(id) as ReadonlySet<number>, vocabulary))) return true;
      continue;
    }
    if (((raw.bits[k] as number) & KIND) !== Kind.Word) continue;
    const text = raw.text[k] ?? (id >= 0 ? vocabulary.text[id] : undefined);
    if (text !== undefined) {
      if (text.length > 4 && text.startsWith('ex')) return true;
    } else if (((raw.bits[k] as number) & FOLDED) !== 0) {
      if (foldStartsWithEx(source, raw.start[k] as number, raw.end[k] as number)) return true;
    } else {
      const start = raw.start[k] as number;
      if ((source.charCodeAt(start) | 32) === 101 && (source.charCodeAt(start + 1) | 32) === 120) return true;
    }
  }
  return false;
}

/** Whether the next word of the clause after scanned word `k` (fillers skipped) is one of `seconds`. */
function phraseGoesOn(raw: TokenList, k: number, seconds: ReadonlySet<number>, vocabulary: Vocabulary): boolean {
  const clause = raw.clause[k];
  for (let j = k + 1; j < raw.n; j++) {
    const id = raw.id[j] as number;
    if (((raw.bits[j] as number) & KIND) !== Kind.Word || raw.clause[j] !== clause) return false;
    if (id >= 0 && ((vocabulary.flags[id] as number) & FILLER) !== 0) continue;
    return id >= 0 && seconds.has(id);
  }
  return false;
}

