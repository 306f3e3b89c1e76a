/**
 * Compiling a persona: its terms read into concepts (`reader.ts`), put in tries by word id of the
 * matcher's own vocabulary (`persona-terms.ts`), with the forms of its words and the words that
 * can lead to each kind of term (`term-starts.ts`). Do it once per persona, not per profile.
 * The compiled matcher owns everything it built: dropping it frees its words.
 */
import { formatNumber } from './components.ts';
import { flat } from './fold.ts';
import type { BioLanguage } from './language.ts';
import { SENIORITY_LEVELS, type Seniority } from './lexicon.ts';
import { LEXICON, LEXICON_WORDS } from './lexicon-vocabulary.ts';
import { HitList, Trie, byIds, type Category, type Entry, type IdTrie, type TrieNode } from './persona-terms.ts';
import { POINTS } from './points.ts';
import { Reader, termConcepts } from './reader.ts';
import { languageReasons } from './reasons.ts';
import { Hashtags, phraseWords } from './scan.ts';
import { startsTerm, wordsLeadingTo, type TermStarts } from './term-starts.ts';
import type { Reason } from './types.ts';
import { GENERAL, Vocabulary } from './vocabulary.ts';

/** What the matcher reads of a persona: `who` and `intent` (a loaded `Persona` fits). */
export interface MatcherPersona {
  id?: string;
  who: {
    titles: readonly string[];
    seniority?: readonly Seniority[];
    industries?: readonly string[];
    interests?: readonly string[];
    education?: readonly string[];
    locations?: readonly string[];
    languages?: readonly string[];
    audience?: { min_followers?: number; max_followers?: number | undefined };
    min_account_age_days?: number;
    exclude?: readonly string[];
  };
  intent?: { questions?: readonly string[]; needs?: readonly string[]; pains?: readonly string[] };
}

export interface Matcher {
  readonly id: string | undefined;
  readonly profileTrie: IdTrie;
  readonly intentTrie: IdTrie;
  readonly seniority: ReadonlySet<Seniority>;
  /** By level rank: whether the persona targets it. */
  readonly seniorityRanks: readonly boolean[];
  readonly languages: ReadonlySet<string>;
  readonly minFollowers: number;
  readonly maxFollowers: number | undefined;
  readonly minAccountAgeDays: number;
  /** Largest fit points this persona can give; fit = points / max. */
  readonly maxPoints: number;
  readonly has: { seniority: boolean; industries: boolean; interests: boolean; education: boolean; locations: boolean; languages: boolean };
  /** Every word this matcher knows: the lexicon's and its persona's. It owns it: dropping the matcher frees it. */
  readonly vocabulary: Vocabulary;
  /** How it reads hashtags (split with the lexicon's and the persona's words), and the ones it has read. */
  readonly hashtags: Hashtags;
  /** Word id → id of the persona's own word it is another form of ("administradora" → "administrador"), or -1. */
  readonly aliases: Int32Array;
  /** The words that can lead to an intent term (see `wordsLeadingTo`): a post without any has no intent. */
  readonly intentStarts: TermStarts;
  /** The same for exclude terms: a name is read for those only. */
  readonly excludeStarts: TermStarts;
  /** The same for any term of the profile, or a level: a bio without any says nothing but its language. */
  readonly bioStarts: TermStarts;
  /** Locations already read: whether each names a persona place, and the reason's text. */
  readonly places: Map<string, PlaceRead>;
  /** The reasons a bio's language gives. */
  readonly languageReasons: Readonly<Record<BioLanguage, Reason>>;
  /** What follows the follower count in the audience reasons: ", persona wants at least 150". */
  readonly audienceTexts: { below: string; above: string };
  /** Token and hit lists reused from one profile or post to the next. */
  readonly scratch: MatchScratch;
}

/** A matcher's working space: a text is read in place, nothing is allocated per word. */
export interface MatchScratch {
  /** A bio or a post. */
  readonly main: Reader;
  /** A name or a location, read while the bio's tokens are still in use. */
  readonly aux: Reader;
  /** The bio's or the post's terms. */
  readonly hits: HitList;
  /** The name's or the location's. */
  readonly auxHits: HitList;
  /** Per clause of the bio: the highest current level (rank, or -1) and the tokens it spans. */
  clauseLevel: Int32Array;
  clauseFrom: Int32Array;
  clauseTo: Int32Array;
}

function isLevel(token: string): boolean {
  const id = LEXICON.id(token);
  return id >= 0 && (LEXICON.level[id] as number) >= 0;
}

function highestLevel(tokens: readonly string[]): Seniority | undefined {
  let best = -1;
  for (const t of tokens) {
    const id = LEXICON.id(t);
    const rank = id < 0 ? -1 : (LEXICON.level[id] as number);
    if (rank > best) best = rank;
  }
  return best >= 0 ? SENIORITY_LEVELS[best] : undefined;
}

/**
 * Gendered and plural forms of the persona's own words (the lexicon lists its own): a persona
 * that says "administrador de empresas" or "consultant" also finds "Administradora de Empresas"
 * and "consultante". Words of four letters or fewer get no plural, so "cmo" never finds "cmos".
 */
const FORM_RULES: ReadonlyArray<readonly [from: string, to: string]> = [
  ['or', 'ora'], ['ora', 'or'], ['o', 'a'], ['a', 'o'], ['e', 'a'],
  ['eur', 'euse'], ['euse', 'eur'], ['teur', 'trice'], ['trice', 'teur'], ['eur', 'eure'], ['eure', 'eur'],
  ['ier', 'iere'], ['iere', 'ier'], ['e', 'ee'], ['ee', 'e'], ['ant', 'ante'], ['ante', 'ant'], ['ent', 'ente'], ['ente', 'ent'],
  ['ien', 'ienne'], ['ienne', 'ien'], ['el', 'elle'], ['elle', 'el'], ['if', 'ive'], ['ive', 'if'], ['al', 'ale'], ['ale', 'al'],
];

function wordForms(...tries: Trie<Entry>[]): Map<string, string> {
  const own = new Set<string>();
  const collect = (map: ReadonlyMap<string, TrieNode<Entry>>) => {
    for (const [word, node] of map) {
      if (!word.startsWith('~') && !word.startsWith('@') && /^[a-z]+$/.test(word)) own.add(word);
      if (node.next) collect(node.next);
    }
  };
  for (const trie of tries) collect(trie.root);
  const aliases = new Map<string, string>();
  for (const word of own) {
    if (word.length < 4 || LEXICON_WORDS.has(word)) continue;
    const forms: string[] = [];
    for (const [from, to] of FORM_RULES) if (word.endsWith(from) && word.length - from.length >= 3) forms.push(word.slice(0, -from.length) + to);
    if (word.length >= 5) forms.push(word + 's', word.endsWith('s') || word.endsWith('x') ? word + 'es' : word + 'es');
    for (const form of forms) {
      if (form === word || own.has(form) || LEXICON_WORDS.has(form) || startsCanon(form)) continue;
      for (const f of [form, ...(form.endsWith('s') ? [] : [form + 's'])]) if (!aliases.has(f) && !own.has(f)) aliases.set(f, word);
    }
  }
  return aliases;
}

/** Whether a lexicon phrase starts with this word. */
function startsCanon(word: string): boolean {
  const id = LEXICON.id(word);
  return id >= 0 && LEXICON.canonRoot[id] !== undefined;
}

/** Compiles a persona's terms into look-up tables. Do it once per persona, not per profile. */
export function compileMatcher(persona: MatcherPersona): Matcher {
  const who = persona.who;
  const profileTrie = new Trie<Entry>();
  const intentTrie = new Trie<Entry>();
  /** Words that lower-case hashtags split into. */
  const splitWords = new Set(LEXICON_WORDS);
  const functions = new Set<string>();
  const add = (trie: Trie<Entry>, category: Category, term: string, concepts: readonly string[], level?: Seniority) => {
    if (concepts.length === 0) return;
    trie.add(concepts, level ? { category, term, concepts, level } : { category, term, concepts });
  };
  const words = (term: string) => {
    for (const w of phraseWords(term, LEXICON)) splitWords.add(w);
    return termConcepts(term);
  };
  // Flat copies (see `flat`): entries keep them, and reasons quote them.
  const terms = (list: readonly string[] | undefined) => (list ?? []).map(flat);

  for (const title of terms(who.titles)) {
    const concepts = words(title);
    const level = highestLevel(concepts);
    add(profileTrie, 'title', title, concepts, level);
    // "Head of Growth" is also "Growth Head"; "Directeur marketing" also "Marketing Director".
    let lead = 0;
    while (lead < concepts.length && isLevel(concepts[lead] as string)) lead++;
    let trail = 0;
    while (trail < concepts.length - lead && isLevel(concepts[concepts.length - 1 - trail] as string)) trail++;
    const fn = concepts.slice(lead, concepts.length - trail);
    if (fn.length > 0 && (lead > 0 || trail > 0)) {
      const levels = [...concepts.slice(0, lead), ...concepts.slice(concepts.length - trail)];
      add(profileTrie, 'title', title, [...fn, ...levels], level);
      add(profileTrie, 'title', title, [...levels, ...fn], level);
    }
    const key = fn.join(' ');
    if (fn.length > 0 && !fn.every(isGeneralFunction) && !functions.has(key)) {
      functions.add(key);
      add(profileTrie, 'function', title, fn);
    }
  }
  for (const term of terms(who.exclude)) add(profileTrie, 'exclude', term, words(term));
  for (const term of terms(who.industries)) add(profileTrie, 'industry', term, words(term));
  for (const term of terms(who.interests)) add(profileTrie, 'interest', term, words(term));
  for (const term of terms(who.education)) add(profileTrie, 'education', term, words(term));
  for (const term of terms(who.locations)) add(profileTrie, 'location', term, words(term));
  for (const term of terms(persona.intent?.questions)) add(intentTrie, 'question', term, words(term));
  for (const term of terms(persona.intent?.needs)) add(intentTrie, 'need', term, words(term));
  for (const term of terms(persona.intent?.pains)) add(intentTrie, 'pain', term, words(term));
  intentTrie.add(['~jobpost'], { category: 'jobpost', term: 'job post', concepts: ['~jobpost'] });

  const has = {
    seniority: (who.seniority ?? []).length > 0,
    industries: (who.industries ?? []).length > 0,
    interests: (who.interests ?? []).length > 0,
    education: (who.education ?? []).length > 0,
    locations: (who.locations ?? []).length > 0,
    languages: (who.languages ?? []).length > 0,
  };
  const maxPoints =
    POINTS.title +
    (has.seniority ? POINTS.seniority : 0) +
    (has.industries ? POINTS.industryMax : 0) +
    (has.interests ? POINTS.interestMax : 0) +
    (has.education ? POINTS.education : 0) +
    (has.locations ? POINTS.location : 0) +
    (has.languages ? POINTS.language : 0);
  // The lexicon's words and the persona's: this matcher's own vocabulary.
  const vocabulary = new Vocabulary(LEXICON);
  const forms = wordForms(profileTrie, intentTrie);
  const compiledProfile = byIds(profileTrie, vocabulary);
  const compiledIntent = byIds(intentTrie, vocabulary);
  for (const [form, word] of forms) {
    vocabulary.intern(form);
    vocabulary.intern(word);
  }
  const aliases = new Int32Array(vocabulary.size).fill(-1);
  for (const [form, word] of forms) aliases[vocabulary.intern(form)] = vocabulary.intern(word);
  vocabulary.seal();
  const hashtags = new Hashtags(vocabulary, splitWords, true);
  const intentStarts = wordsLeadingTo(vocabulary, startsTerm(compiledIntent, aliases, () => true));
  const excludeStarts = wordsLeadingTo(vocabulary, startsTerm(compiledProfile, aliases, (entry) => entry.category === 'exclude'));
  const profileTerm = startsTerm(compiledProfile, aliases, () => true);
  const bioStarts = wordsLeadingTo(vocabulary, (concept) => profileTerm(concept) || (vocabulary.level[concept] as number) >= 0);
  const seniority = new Set(who.seniority ?? []);
  const languages = new Set((who.languages ?? []).map((l) => l.toLowerCase()));
  return {
    id: persona.id,
    profileTrie: compiledProfile,
    intentTrie: compiledIntent,
    seniority,
    seniorityRanks: SENIORITY_LEVELS.map((level) => seniority.has(level)),
    languages,
    languageReasons: languageReasons(languages),
    audienceTexts: {
      below: ` followers, persona wants at least ${formatNumber(who.audience?.min_followers ?? 0)}`,
      above: ` followers, persona wants at most ${formatNumber(who.audience?.max_followers ?? 0)}`,
    },
    minFollowers: who.audience?.min_followers ?? 0,
    maxFollowers: who.audience?.max_followers ?? undefined,
    minAccountAgeDays: who.min_account_age_days ?? 0,
    maxPoints,
    has,
    vocabulary,
    hashtags,
    aliases,
    intentStarts,
    excludeStarts,
    bioStarts,
    places: new Map(),
    scratch: {
      main: new Reader(vocabulary, hashtags),
      aux: new Reader(vocabulary, hashtags),
      hits: new HitList(),
      auxHits: new HitList(),
      clauseLevel: new Int32Array(32),
      clauseFrom: new Int32Array(32),
      clauseTo: new Int32Array(32),
    },
  };
}

function isGeneralFunction(token: string): boolean {
  const id = LEXICON.id(token);
  return id >= 0 && ((LEXICON.flags[id] as number) & GENERAL) !== 0;
}

/** A location field as a reason: "based in 'Paris, France'", or "…, not a persona location". */
export interface PlaceRead {
  found: boolean;
  text: string;
}
