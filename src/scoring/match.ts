/**
 * Does a bio fit a persona, and does a post show buying intent? Compile a persona once
 * (`compileMatcher`), then `matchProfile` and `matchIntent` do a few array look-ups per word.
 *
 * How a text is read (`reader.ts`):
 * 1. Scanned into words and clauses, links skipped, hashtags split, and folded (lower case,
 *    accents removed): `scan.ts`, `fold.ts`.
 * 2. Filler words dropped ("of", "de", "des"…), then rewritten into concepts with the lexicon
 *    (`lexicon.ts`), longest phrase first: "Directrice des ressources humaines", "HR Director" and
 *    "DRH" all become the level `~director` and the function `hr`; "ex-Google", "former",
 *    "anciennement", "antes en" start a clause that is not the current role (`concepts.ts`).
 *
 * A persona's terms go through the same steps, so they can be written in any language
 * (`compile-persona.ts`). Then a bio's concepts are looked up in the persona's terms
 * (`persona-terms.ts`) and the hits weighed into a fit with reasons (`match-profile.ts`); a
 * post's into an intent (`match-intent.ts`).
 *
 * Speed: the worker scores every prospect a search returns, at least 200,000 a second on one core
 * with the other components, and the results must not depend on how fast they came. So:
 * - a text is read in one pass into *word ids* of the matcher's vocabulary (`vocabulary.ts`), and
 *   every later step is an array look-up by id, with nothing allocated per word;
 * - a compiled persona knows which words can lead to one of its terms (`term-starts.ts`): a post,
 *   name or bio with none of them is scanned and no more;
 * - hashtags and location fields, which come back all the time, are read once per persona;
 * - texts are expected as JSON parsing makes them, flat strings (see `flat` in `fold.ts`).
 *
 * Memory: a compiled matcher owns its vocabulary (the lexicon's words, copied, and its persona's)
 * and its working space; nothing is added to a table of the process, so dropping the matcher
 * (a config reload) frees all of it.
 */
export { compileMatcher, type Matcher, type MatcherPersona } from './compile-persona.ts';
export { fold } from './fold.ts';
export type { BioLanguage } from './language.ts';
export type { Seniority } from './lexicon.ts';
export { matchIntent, type IntentMatch } from './match-intent.ts';
export { matchProfile, type MatchOptions, type ProfileMatch } from './match-profile.ts';
export { analyse, termConcepts, type Analysis, type Token } from './reader.ts';
