/**
 * The lexicon (`lexicon.ts`) as a vocabulary: its words flagged with what they say by themselves
 * (fillers, markers, levels, languages), and its phrases as a trie by word id, longest first.
 * Built once and sealed: it never grows. A compiled persona copies it and adds its own words
 * (`compile-persona.ts`).
 */
import { fold } from './fold.ts';
import { LANGUAGE_WORDS } from './language.ts';
import {
  COMPANY_MARKERS, COMPOUNDS, DOTTED_ABBREVIATIONS, FILLER_WORDS, FLAG_PLACES, FUNCTION_WORDS, HASHTAG_WORDS, JOB_POST_PHRASES, LEVEL_TOKEN, LEVEL_WORDS, NEGATION_WORDS,
  NOT_CURRENT_WORDS, NOW_WORDS, PLACES, SENIORITY_LEVELS, SENIORITY_RANK,
} from './lexicon.ts';
import { phraseWords } from './scan.ts';
import { CANON_SINGLE, COMPANY_WORD, DOTTED_WORD, EMPLOYER, FILLER, GENERAL, MARKER, NOT, NOW, Vocabulary } from './vocabulary.ts';

const FILLERS = new Set(FILLER_WORDS);
const words = new Set<string>();
const vocabulary = new Vocabulary();

// Words that say something by themselves, flagged before any text is read (the scanner needs DOTTED_WORD).
vocabulary.flag(FILLER_WORDS, FILLER);
vocabulary.flag(DOTTED_ABBREVIATIONS, DOTTED_WORD);
vocabulary.flag(['~ex', '~aspiring', '~seeking'], MARKER);
vocabulary.flag(['~now'], NOW);
vocabulary.flag(['~not'], NOT);
vocabulary.flag(['at', 'chez', '@'], EMPLOYER);
vocabulary.flag(COMPANY_MARKERS, COMPANY_WORD);
vocabulary.flag(['executive'], GENERAL);
for (const level of SENIORITY_LEVELS) vocabulary.level[vocabulary.intern(LEVEL_TOKEN[level])] = SENIORITY_RANK[level];

/** Adds a lexicon phrase that stands for `concepts`; the first phrase listed wins. */
function addCanon(phrase: string, concepts: readonly string[]): void {
  const all = phraseWords(phrase, vocabulary);
  for (const w of all) words.add(w);
  const meaningful = all.filter((w) => !FILLERS.has(w));
  if (meaningful.length === 0) return;
  const ids = concepts.map((c) => vocabulary.intern(c));
  const first = vocabulary.intern(meaningful[0] as string);
  let node = (vocabulary.canonRoot[first] ??= { next: undefined, value: undefined });
  for (let k = 1; k < meaningful.length; k++) {
    const id = vocabulary.intern(meaningful[k] as string);
    const next = (node.next ??= new Map());
    let child = next.get(id);
    if (!child) {
      child = { next: undefined, value: undefined };
      next.set(id, child);
    }
    node = child;
  }
  node.value ??= ids;
  if (meaningful.length === 1) vocabulary.flags[first] = (vocabulary.flags[first] as number) | CANON_SINGLE;
}

for (const level of SENIORITY_LEVELS) for (const phrase of LEVEL_WORDS[level]) addCanon(phrase, [LEVEL_TOKEN[level]]);
for (const [concept, phrases] of Object.entries(FUNCTION_WORDS)) {
  const concepts = concept.split(' ');
  for (const phrase of phrases) addCanon(phrase, concepts);
}
for (const [concepts, phrases] of COMPOUNDS) for (const phrase of phrases) addCanon(phrase, concepts.split(' '));
for (const [concept, phrases] of Object.entries(NOT_CURRENT_WORDS)) for (const phrase of phrases) addCanon(phrase, [concept]);
for (const phrase of NEGATION_WORDS) addCanon(phrase, ['~not']);
for (const phrase of NOW_WORDS) addCanon(phrase, ['~now']);
for (const [concept, phrases] of Object.entries(PLACES)) for (const phrase of phrases) addCanon(phrase, concept.split(' '));
for (const phrase of JOB_POST_PHRASES) addCanon(phrase, ['~jobpost']);
for (const w of HASHTAG_WORDS) words.add(fold(w));
for (const place of Object.values(FLAG_PLACES)) vocabulary.intern(place);
for (const [mask, list] of LANGUAGE_WORDS) {
  for (const w of list.split(' ')) {
    const id = vocabulary.intern(w);
    vocabulary.lang[id] = (vocabulary.lang[id] as number) | mask;
  }
}

// Concepts the reading steps name; the same ids in every copy of the lexicon's vocabulary.
export const EX = vocabulary.intern('~ex');
export const OFFICER = vocabulary.intern('officer');
export const C_LEVEL = vocabulary.intern(LEVEL_TOKEN.c_level);

/** The lexicon's vocabulary, sealed. */
export const LEXICON: Vocabulary = vocabulary.seal();
/** Every folded word of the lexicon, for splitting hashtags. */
export const LEXICON_WORDS: ReadonlySet<string> = words;
