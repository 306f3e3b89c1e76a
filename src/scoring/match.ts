/**
 * Does a bio fit a persona, and does a post show buying intent? Compile a persona once
 * (`compileMatcher`), then `matchProfile` and `matchIntent` do a few array look-ups per word.
 *
 * How a text is read (`analyse`):
 * 1. Scanned into words and clauses, links skipped, hashtags split, and folded (lower case,
 *    accents removed): see `scan.ts`.
 * 2. Filler words dropped ("of", "de", "des"…), then rewritten into concepts with the lexicon
 *    (`lexicon.ts`), longest phrase first: "Directrice des ressources humaines", "HR Director" and
 *    "DRH" all become the level `~director` and the function `hr`; "ex-Google", "former",
 *    "anciennement", "antes en" start a clause that is not the current role.
 *
 * A persona's terms go through the same steps, so they can be written in any language.
 *
 * Speed: the worker scores every prospect a search returns, at least 200,000 a second on one core
 * with the other components, and the results must not depend on how fast they came. So:
 * - a text is read in one pass into *word ids* (see `scan.ts`), and every later step is an array
 *   look-up by id, with nothing allocated per word;
 * - a compiled persona knows which words can lead to one of its terms (`wordsLeadingTo`): a post,
 *   name or bio with none of them is scanned and no more;
 * - hashtags and location fields, which come back all the time, are read once per persona;
 * - texts are expected as JSON parsing makes them, flat strings (see `flat` in `scan.ts`).
 */
import { COMPOUNDS, FILLER_WORDS, FLAG_PLACES, FUNCTION_WORDS, HASHTAG_WORDS, JOB_POST_PHRASES, LEVEL_TOKEN, LEVEL_WORDS, NEGATION_WORDS, NOT_CURRENT_WORDS, NOW_WORDS, PLACES, SENIORITY_LEVELS, SENIORITY_RANK, type Seniority } from './lexicon.ts';
import { formatNumber, parseXDate } from './components.ts';
import {
  ALNUM, CANON_ROOT, CANON_SINGLE, COMPANY, COMPANY_WORD, CURRENT, EMPLOYER, FILLER, FOLDED, GENERAL, HASHTAGS, KIND, Kind, MARKER, MENTION, NEGATED, NOT, NOW,
  TokenList, UNKNOWN, WORD_FLAGS, WORD_GLUED, WORD_ID, WORD_LANG, WORD_LEVEL, WORD_TEXT, asciiId, flat, fold, foldStartsWithEx, intern, plainWords, samePlainWords, scan, wordId,
  type CanonNode,
} from './scan.ts';
import type { ProfileInput, Reason } from './types.ts';

export type { Seniority } from './lexicon.ts';
export { fold } from './scan.ts';

// ---------------------------------------------------------------------------------------------
// Concepts

/** One word or concept of an analysed text. */
export interface Token {
  /** Folded word, `@handle`, or a concept (`hr`, `~director`, `~ex`). */
  text: string;
  /** Span in the original text, UTF-16 offsets. */
  start: number;
  end: number;
  clause: number;
  /** False inside "ex-…", "former …", "aspiring …", "looking for …" clauses, and for the markers themselves. */
  current: boolean;
  /** Preceded in its clause by "not", "pas", "sin"… within two words. */
  negated: boolean;
  mention: boolean;
  /** After "at", "chez" or a lone "@" in its clause: the employer's name, not the person's role. */
  company: boolean;
}

const FILLERS = new Set(FILLER_WORDS);
/** Every folded word of the lexicon, for splitting hashtags. */
const LEXICON_WORDS = new Set<string>();
HASHTAGS.set(LEXICON_WORDS, new Map());

// The words that say something by themselves (fillers, markers, levels) are flagged in `scan.ts`.
const EX = intern('~ex');
const OFFICER = intern('officer');
const C_LEVEL = intern(LEVEL_TOKEN.c_level);

/** Folded words of a phrase, fillers kept (the lexicon's and the persona's own spelling). */
function phraseWords(phrase: string): string[] {
  phrase = flat(phrase);
  const list = new TokenList();
  scan(phrase, undefined, list);
  const words: string[] = [];
  for (let k = 0; k < list.n; k++) words.push(list.textOf(k, phrase));
  return words;
}

function addCanon(phrase: string, concepts: readonly string[]): void {
  const all = phraseWords(phrase);
  for (const w of all) LEXICON_WORDS.add(w);
  const words = all.filter((w) => !FILLERS.has(w));
  if (words.length === 0) return;
  const ids = concepts.map(intern);
  let first = intern(words[0] as string);
  let node = (CANON_ROOT[first] ??= { next: undefined, value: undefined });
  for (let k = 1; k < words.length; k++) {
    const id = intern(words[k] as string);
    const next = (node.next ??= new Map());
    let child = next.get(id);
    if (!child) {
      child = { next: undefined, value: undefined };
      next.set(id, child);
    }
    node = child;
  }
  node.value ??= ids;
  if (words.length === 1) {
    first = intern(words[0] as string);
    WORD_FLAGS[first] = (WORD_FLAGS[first] as number) | CANON_SINGLE;
  }
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
for (const w of HASHTAG_WORDS) LEXICON_WORDS.add(fold(w));
for (const place of Object.values(FLAG_PLACES)) intern(place);

/** The concepts of "ex" glued to a one-word title ("exdirectora", "excmo"), or undefined. */
function exGlued(raw: TokenList, k: number, source: string): readonly number[] | undefined {
  const id = raw.id[k] as number;
  if (id >= 0) {
    let glued = WORD_GLUED[id] as number;
    if (glued === -2) {
      const text = WORD_TEXT[id] as string;
      glued = text.length > 4 && text.startsWith('ex') ? wordId(text.slice(2)) : -1;
      if (glued >= 0 && ((WORD_FLAGS[glued] as number) & CANON_SINGLE) === 0) glued = -1;
      WORD_GLUED[id] = glued;
    }
    return glued >= 0 ? (CANON_ROOT[glued]?.value ?? []) : undefined;
  }
  let rest: number;
  const folded = ((raw.bits[k] as number) & FOLDED) !== 0;
  // An unknown word read letter by letter is only worth folding whole when it starts with "ex".
  if (folded && (raw.id[k] as number) < 0 && !foldStartsWithEx(source, raw.start[k] as number, raw.end[k] as number)) return undefined;
  const text = raw.text[k] ?? ((raw.id[k] as number) >= 0 ? WORD_TEXT[raw.id[k] as number] : folded ? raw.textOf(k, source) : undefined);
  if (text !== undefined) {
    if (text.length <= 4 || !text.startsWith('ex')) return undefined;
    rest = wordId(text.slice(2));
  } else {
    // An unknown ASCII word: its text is its span in lower case.
    const start = raw.start[k] as number;
    const end = raw.end[k] as number;
    if (end - start <= 4 || (source.charCodeAt(start) | 32) !== 101 || (source.charCodeAt(start + 1) | 32) !== 120) return undefined;
    rest = asciiId(source, start + 2, end);
  }
  if (rest < 0 || ((WORD_FLAGS[rest] as number) & CANON_SINGLE) === 0) return undefined;
  return CANON_ROOT[rest]?.value ?? [];
}

/**
 * Rewrites scanned words (`raw`) into concepts (see the header), then marks not-current clauses
 * and negations, into `out`. `words` is scratch space.
 */
function canonicalise(raw: TokenList, source: string, out: TokenList, words: Int32Array): void {
  out.n = 0;
  let m = 0;
  let officers = 0;
  for (let k = 0; k < raw.n; k++) {
    const id = raw.id[k] as number;
    if (((raw.bits[k] as number) & KIND) !== Kind.Word || id < 0 || ((WORD_FLAGS[id] as number) & FILLER) === 0) words[m++] = k;
  }
  for (let i = 0; i < m; ) {
    const f = words[i] as number;
    const kind = (raw.bits[f] as number) & KIND;
    const id = raw.id[f] as number;
    const clause = raw.clause[f] as number;
    const start = raw.start[f] as number;
    if (kind !== Kind.Word) {
      out.push(id, raw.text[f], start, raw.end[f] as number, clause, kind === Kind.Mention ? MENTION : 0);
      i++;
      continue;
    }
    // Longest lexicon phrase starting here, within the clause.
    let node = id >= 0 ? CANON_ROOT[id] : undefined;
    let bestEnd = -1;
    let best: readonly number[] | undefined;
    for (let j = i; node; ) {
      if (node.value) {
        bestEnd = j;
        best = node.value;
      }
      j++;
      if (j >= m || !node.next) break;
      const next = words[j] as number;
      if (raw.clause[next] !== clause || ((raw.bits[next] as number) & KIND) !== Kind.Word) break;
      const nextId = raw.id[next] as number;
      node = nextId >= 0 ? node.next.get(nextId) : undefined;
    }
    if (best) {
      const end = raw.end[words[bestEnd] as number] as number;
      for (const c of best) {
        out.push(c, undefined, start, end, clause, 0);
        if (c === OFFICER) officers++;
      }
      i = bestEnd + 1;
      continue;
    }
    // Spanish and French glue "ex" to the title: "exdirectora", "excmo".
    const glued = exGlued(raw, f, source);
    if (glued) {
      const end = raw.end[f] as number;
      out.push(EX, undefined, start, end, clause, 0);
      for (const c of glued) {
        out.push(c, undefined, start, end, clause, 0);
        if (c === OFFICER) officers++;
      }
      i++;
      continue;
    }
    out.push(id, raw.text[f], start, raw.end[f] as number, clause, 0);
    if (id === OFFICER) officers++;
    i++;
  }
  // "Chief Growth Officer" is `~c_level growth`: "officer" after a c-level word says nothing more.
  for (let i = officers > 0 ? out.n - 1 : 0; i > 0; i--) {
    if (out.id[i] !== OFFICER) continue;
    for (let k = i - 1; k >= 0 && k >= i - 4 && out.clause[k] === out.clause[i]; k--) {
      if (out.id[k] === C_LEVEL) {
        out.remove(i);
        break;
      }
    }
  }
  // Not-current clauses and negations.
  let clause = -1;
  let scoped = false;
  let negateUntil = -1;
  let employer = false;
  for (let i = 0; i < out.n; i++) {
    if (out.clause[i] !== clause) {
      clause = out.clause[i] as number;
      scoped = false;
      negateUntil = -1;
      employer = false;
    }
    const id = out.id[i] as number;
    const flags = id >= 0 ? (WORD_FLAGS[id] as number) : 0;
    let bits = ((out.bits[i] as number) & MENTION) | (employer ? COMPANY : 0);
    if ((flags & EMPLOYER) !== 0) employer = true;
    if ((flags & MARKER) !== 0) {
      scoped = true;
    } else if ((flags & NOW) !== 0) {
      scoped = false;
    } else if ((flags & NOT) !== 0) {
      negateUntil = i + 2;
    } else {
      if (!scoped) bits |= CURRENT;
      if (i <= negateUntil) bits |= NEGATED;
    }
    out.bits[i] = bits;
  }
}

export type BioLanguage = 'en' | 'fr' | 'es';

export interface Analysis {
  tokens: Token[];
  /** The language of the text when the words say so clearly; undefined for "Head of Growth @acme". */
  language?: BioLanguage;
}

const EN = 1;
const FR = 2;
const ES = 4;
for (const [mask, words] of [
  [EN, 'the and of at for with my i to on is are im about from by your our we you who all things just helping building working love lover views own opinions based father husband wife mom dad proud here this that will into world'],
  [FR, 'le les des du et chez pour avec je sur une mes est dans au aux ou mon ma nos notre vous tout tous pas qu passionne passionnee fier fiere aussi entre sans plus ici toujours ce cette directeur directrice fondateur fondatrice cofondateur cofondatrice charge chargee ingenieur developpeur stagiaire alternant alternante maman papa metier'],
  [ES, 'el los las del y para con mi mis soy una por que es al lo amante apasionado apasionada vida todo como pero sin mas muy desde hincha padre madre esposo esposa mundo cuenta siempre aqui este esta hijo hija orgulloso orgullosa directora jefe jefa gerente fundador fundadora cofundador cofundadora ingeniero ingeniera desarrollador desarrolladora becario becaria licenciado licenciada estudiante'],
  [FR | ES, 'de la en un'],
] as const) {
  for (const w of words.split(' ')) {
    const id = intern(w);
    WORD_LANG[id] = (WORD_LANG[id] as number) | mask;
  }
}
/** What the characters of a text say about its language (bits below); see `languageMarks`. */
const ES_CHAR = 1;
const ES_ACCENT = 2;
const FR_CHAR = 4;
const LANGUAGE_MARK = new Uint8Array(0x2020);
for (const c of 'ñ¿¡') LANGUAGE_MARK[c.charCodeAt(0)] = ES_CHAR;
for (const c of 'áíóú') LANGUAGE_MARK[c.charCodeAt(0)] = ES_ACCENT;
for (const c of 'èêàùçœëîïÈÊÀÙÇŒËÎÏ') LANGUAGE_MARK[c.charCodeAt(0)] = FR_CHAR;
/** Letters before an elided vowel ("d’entreprise", "l'équipe", "qu'il") and the vowels after. */
const ELIDED = new Set([...'dljcnsqDLJCNSQ'].map((c) => c.charCodeAt(0)));
const ELIDED_BEFORE = new Set([...'aeiouhAEIOUHéèêÉÈÊ'].map((c) => c.charCodeAt(0)));

function isRegexWordChar(c: number): boolean {
  return c === 95 || (c < 128 && ALNUM[c] === 1);
}

/**
 * In one pass, what the regular expressions /[ñ¿¡]/ (ES_CHAR), /[áíóú]/ (ES_ACCENT) and
 * /[èêàùçœëîï]|\b[dljcnsq][’'][aeiouhéèê]/i (FR_CHAR) would find in the text.
 */
function languageMarks(raw: string): number {
  let marks = 0;
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    // Nothing below "¡" but the apostrophe counts.
    if (c < 0xa1) {
      if (c !== 39) continue;
    } else if (c < 0x2020) {
      marks |= LANGUAGE_MARK[c] as number;
      if (c !== 0x2019) continue;
    } else {
      continue;
    }
    if (i > 0 && i + 1 < n && ELIDED.has(raw.charCodeAt(i - 1)) && ELIDED_BEFORE.has(raw.charCodeAt(i + 1)) && (i < 2 || !isRegexWordChar(raw.charCodeAt(i - 2)))) {
      marks |= FR_CHAR;
    }
  }
  return marks;
}

function detectLanguage(raw: string, words: TokenList): BioLanguage | undefined {
  let en = 0;
  let fr = 0;
  let es = 0;
  for (let k = 0; k < words.n; k++) {
    const id = words.id[k] as number;
    if (id < 0) continue;
    const mask = WORD_LANG[id] as number;
    if (mask & EN) en++;
    if (mask & FR) fr++;
    if (mask & ES) es++;
  }
  const marks = languageMarks(raw);
  if (marks & ES_CHAR) es += 2;
  if (marks & ES_ACCENT) es++;
  if (marks & FR_CHAR) fr++;
  // The best (ties: en, fr, es), clearly ahead of the runner-up.
  const best = en >= fr && en >= es ? 'en' : fr >= es ? 'fr' : 'es';
  const top = best === 'en' ? en : best === 'fr' ? fr : es;
  const second = best === 'en' ? Math.max(fr, es) : best === 'fr' ? Math.max(en, es) : Math.max(en, fr);
  return top >= 2 && top >= second + 2 ? best : undefined;
}

/** Reads texts into token lists; one per text that must stay readable while another is read. */
class Reader {
  readonly raw = new TokenList();
  readonly tokens = new TokenList();
  private words = new Int32Array(64);

  /** Reads `text` into `tokens`; returns its language when asked for. */
  read(text: string, vocab: ReadonlySet<string> | undefined, language: boolean, oneClause = false): BioLanguage | undefined {
    scan(text, vocab, this.raw);
    const found = language ? detectLanguage(text, this.raw) : undefined;
    if (oneClause) this.raw.clause.fill(0, 0, this.raw.n);
    this.concepts(text);
    return found;
  }

  /**
   * Scans `text` into `raw`, and goes on to `tokens` only when a word of it can lead to a term
   * of the persona (`starts`, see `Matcher`); returns whether it did. When it does not, no hit
   * could be found, and most names and posts stop here.
   */
  readIfRelevant(text: string, vocab: ReadonlySet<string>, starts: TermStarts): boolean {
    scan(text, vocab, this.raw);
    if (!mayStartTerm(this.raw, text, starts)) return false;
    this.concepts(text);
    return true;
  }

  /** `readIfRelevant`, returning the text's language; `tokens` is left empty when no word is relevant. */
  readBio(text: string, vocab: ReadonlySet<string>, starts: TermStarts): BioLanguage | undefined {
    scan(text, vocab, this.raw);
    const language = detectLanguage(text, this.raw);
    if (mayStartTerm(this.raw, text, starts)) this.concepts(text);
    else this.tokens.n = 0;
    return language;
  }

  private concepts(text: string): void {
    if (this.words.length < this.raw.n) this.words = new Int32Array(this.raw.id.length);
    canonicalise(this.raw, text, this.tokens, this.words);
  }

  toTokens(text: string): Token[] {
    const t = this.tokens;
    const out: Token[] = [];
    for (let k = 0; k < t.n; k++) {
      const bits = t.bits[k] as number;
      out.push({
        text: t.textOf(k, text),
        start: t.start[k] as number,
        end: t.end[k] as number,
        clause: t.clause[k] as number,
        current: (bits & CURRENT) !== 0,
        negated: (bits & NEGATED) !== 0,
        mention: (bits & MENTION) !== 0,
        company: (bits & COMPANY) !== 0,
      });
    }
    return out;
  }
}

/**
 * Whether a word of `raw` can become a concept that starts a persona term: a known word marked in
 * `starts` (followed by the right word, for IN_PHRASE), or one that may be "ex" glued to a title
 * (a word nobody knew when the persona was compiled).
 */
function mayStartTerm(raw: TokenList, source: string, starts: TermStarts): boolean {
  const words = starts.words;
  for (let k = 0; k < raw.n; k++) {
    const id = raw.id[k] as number;
    if (id >= 0 && id < words.length) {
      const how = words[id] as number;
      if (how === ALONE || (how === IN_PHRASE && phraseGoesOn(raw, k, starts.seconds.get(id) as ReadonlySet<number>))) return true;
      continue;
    }
    if (((raw.bits[k] as number) & KIND) !== Kind.Word) continue;
    const text = raw.text[k] ?? (id >= 0 ? WORD_TEXT[id] : undefined);
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
function phraseGoesOn(raw: TokenList, k: number, seconds: ReadonlySet<number>): boolean {
  const clause = raw.clause[k];
  for (let j = k + 1; j < raw.n; j++) {
    const id = raw.id[j] as number;
    if (((raw.bits[j] as number) & KIND) !== Kind.Word || raw.clause[j] !== clause) return false;
    if (id >= 0 && ((WORD_FLAGS[id] as number) & FILLER) !== 0) continue;
    return id >= 0 && seconds.has(id);
  }
  return false;
}

/** A bio or a post. */
const MAIN = new Reader();
/** A name or a location, read while the bio's tokens are still in use. */
const AUX = new Reader();

/** Reads a text as the matcher does (see the header). `vocab` helps split lower-case hashtags. */
export function analyse(text: string, vocab: ReadonlySet<string> = LEXICON_WORDS): Analysis {
  if (!text) return { tokens: [] };
  text = flat(text);
  const reader = new Reader();
  const language = reader.read(text, vocab, true);
  const tokens = reader.toTokens(text);
  return language ? { tokens, language } : { tokens };
}

/**
 * The concepts a persona term stands for (`"Directrice des RH"` → `~director hr`); empty when the
 * term has no word to match (`"de"`, `"—"`). The config loader refuses such terms.
 */
export function termConcepts(term: string): string[] {
  term = flat(term);
  const reader = new Reader();
  reader.read(term, undefined, false, true);
  const concepts: string[] = [];
  for (let k = 0; k < reader.tokens.n; k++) concepts.push(reader.tokens.textOf(k, term));
  return concepts;
}

// ---------------------------------------------------------------------------------------------
// Compiling a persona

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

type Category = 'title' | 'function' | 'exclude' | 'industry' | 'interest' | 'education' | 'location' | 'question' | 'need' | 'pain' | 'jobpost';

interface Entry {
  category: Category;
  /** The persona's term as written. */
  term: string;
  /** For titles: the highest level the term names. */
  level?: Seniority;
  /** For titles and functions: concept tokens, to tell "marketing" from a general role. */
  concepts: readonly string[];
}

/** A persona's terms by their words, as built from its config. */
interface TrieNode<T> {
  next?: Map<string, TrieNode<T>>;
  values?: T[];
}

class Trie<T> {
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
interface CompiledEntry extends Entry {
  /** `fold(term)`. */
  foldedTerm: string;
  /** `plainWords(term)`. */
  plainTerm: string;
  /** `concepts` joined, and as plain words (the "mentions …" reason of a function). */
  conceptText: string;
  plainConcepts: string;
}

/** The same trie by word ids (see "Word ids"). */
interface IdNode {
  next: Map<number, IdNode> | undefined;
  values: CompiledEntry[] | undefined;
}

interface IdTrie {
  /** Word id → node; ids added after compiling are absent, and can match nothing here. */
  readonly root: ReadonlyArray<IdNode | undefined>;
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
  readonly vocab: ReadonlySet<string>;
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
}

function isLevel(token: string): boolean {
  const id = WORD_ID.get(token);
  return id !== undefined && (WORD_LEVEL[id] as number) >= 0;
}

function highestLevel(tokens: readonly string[]): Seniority | undefined {
  let best = -1;
  for (const t of tokens) {
    const id = WORD_ID.get(t);
    const rank = id === undefined ? -1 : (WORD_LEVEL[id] as number);
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
  const id = WORD_ID.get(word);
  return id !== undefined && CANON_ROOT[id] !== undefined;
}

/** The persona's trie by word ids; interns its words. */
function byIds(trie: Trie<Entry>): IdTrie {
  const convert = (node: TrieNode<Entry>): IdNode => {
    let next: Map<number, IdNode> | undefined;
    if (node.next) {
      next = new Map();
      for (const [word, child] of node.next) next.set(intern(word), convert(child));
    }
    const values = node.values?.map((entry): CompiledEntry => {
      const conceptText = entry.concepts.join(' ');
      return { ...entry, foldedTerm: fold(entry.term), plainTerm: plainWords(entry.term), conceptText, plainConcepts: plainWords(conceptText) };
    });
    return { next, values };
  };
  const nodes: Array<[number, IdNode]> = [];
  for (const [word, node] of trie.root) nodes.push([intern(word), convert(node)]);
  const root = new Array<IdNode | undefined>(WORD_TEXT.length).fill(undefined);
  for (const [id, node] of nodes) root[id] = node;
  return { root };
}

/** Points on the fit scale; `fit` is their sum over `maxPoints`. */
const POINTS = {
  title: 45,
  role: 30,
  generalRole: 25,
  functionOnly: 12,
  seniority: 20,
  seniorityWithoutRole: 5,
  seniorityRejected: -15,
  industryFirst: 10,
  industryMore: 5,
  industryMax: 15,
  interestFirst: 6,
  interestMore: 2,
  interestMax: 10,
  education: 5,
  location: 10,
  locationElsewhere: -5,
  language: 5,
  languageOther: -15,
  audienceBelow: -15,
  audienceAbove: -10,
  tooYoung: -15,
} as const;

/** Compiles a persona's terms into look-up tables. Do it once per persona, not per profile. */
export function compileMatcher(persona: MatcherPersona): Matcher {
  const who = persona.who;
  const profileTrie = new Trie<Entry>();
  const intentTrie = new Trie<Entry>();
  const vocab = new Set(LEXICON_WORDS);
  const functions = new Set<string>();
  const add = (trie: Trie<Entry>, category: Category, term: string, concepts: readonly string[], level?: Seniority) => {
    if (concepts.length === 0) return;
    trie.add(concepts, level ? { category, term, concepts, level } : { category, term, concepts });
  };
  const words = (term: string) => {
    for (const w of phraseWords(term)) vocab.add(w);
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
  const forms = wordForms(profileTrie, intentTrie);
  const compiledProfile = byIds(profileTrie);
  const compiledIntent = byIds(intentTrie);
  for (const [form, word] of forms) {
    intern(form);
    intern(word);
  }
  const aliases = new Int32Array(WORD_TEXT.length).fill(-1);
  for (const [form, word] of forms) aliases[intern(form)] = intern(word);
  HASHTAGS.set(vocab, new Map());
  const intentStarts = wordsLeadingTo(startsTerm(compiledIntent, aliases, () => true));
  const excludeStarts = wordsLeadingTo(startsTerm(compiledProfile, aliases, (entry) => entry.category === 'exclude'));
  const profileTerm = startsTerm(compiledProfile, aliases, () => true);
  const bioStarts = wordsLeadingTo((concept) => profileTerm(concept) || (WORD_LEVEL[concept] as number) >= 0);
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
    vocab,
    aliases,
    intentStarts,
    excludeStarts,
    bioStarts,
    places: new Map(),
  };
}

/** Whether a concept starts a term of `trie` with an entry `wanted`, read as the persona's own word when it is another form of one. */
function startsTerm(trie: IdTrie, aliases: Int32Array, wanted: (entry: CompiledEntry) => boolean): (concept: number) => boolean {
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
interface TermStarts {
  words: Uint8Array;
  seconds: Map<number, Set<number>>;
}

const ALONE = 1;
const IN_PHRASE = 2;

function wordsLeadingTo(leads: (concept: number) => boolean): TermStarts {
  const phrasesLead = (node: CanonNode | undefined): boolean => {
    if (!node) return false;
    if (node.value?.some(leads)) return true;
    if (node.next) for (const child of node.next.values()) if (phrasesLead(child)) return true;
    return false;
  };
  const words = new Uint8Array(WORD_TEXT.length);
  const seconds = new Map<number, Set<number>>();
  for (let id = 0; id < words.length; id++) {
    const text = WORD_TEXT[id] as string;
    const glued = text.length > 4 && text.startsWith('ex') ? wordId(text.slice(2)) : UNKNOWN;
    const gluable = glued >= 0 && ((WORD_FLAGS[glued] as number) & CANON_SINGLE) !== 0;
    const node = CANON_ROOT[id];
    if (leads(id) || node?.value?.some(leads) || (gluable && (leads(EX) || phrasesLead(CANON_ROOT[glued])))) {
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

function languageReasons(languages: ReadonlySet<string>): Record<BioLanguage, Reason> {
  const wanted = [...languages].join(', ');
  const reason = (language: BioLanguage): Reason =>
    languages.has(language)
      ? { points: POINTS.language, text: `bio in ${LANGUAGE_NAMES[language]}` }
      : { points: POINTS.languageOther, text: `bio in ${LANGUAGE_NAMES[language]}, persona wants ${wanted}` };
  return { en: reason('en'), fr: reason('fr'), es: reason('es') };
}

function isGeneralFunction(token: string): boolean {
  const id = WORD_ID.get(token);
  return id !== undefined && ((WORD_FLAGS[id] as number) & GENERAL) !== 0;
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Persona terms found in a text, token range [from, to], as parallel arrays reused from call to call. */
class HitList {
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

/** The bio's or the post's terms. */
const HITS = new HitList();
/** The name's or the location's. */
const AUX_HITS = new HitList();

/** The persona's own word that `id` is another form of, else `id`. */
function ownWord(aliases: Int32Array, id: number): number {
  if (id < 0 || id >= aliases.length) return id;
  const own = aliases[id] as number;
  return own >= 0 ? own : id;
}

function findHits(trie: IdTrie, aliases: Int32Array, t: TokenList, out: HitList): HitList {
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

export interface ProfileMatch {
  /** 0–1: how well the bio fits the persona's who. 0 when excluded. */
  fit: number;
  /** The persona's exclude term found in the bio or name. */
  excluded?: string;
  /** The persona's title term that matched, as written in the persona. */
  titleMatched?: string;
  /** The current role as the bio writes it ("Directrice marketing"). */
  role?: string;
  /** The current seniority read from the bio. */
  seniority?: Seniority;
  /** The employer after the role: "@acme", "Qonto" (from "chez Qonto"). */
  company?: string;
  language?: BioLanguage;
  /** Readable reasons; `points` are on the fit scale (their sum is about fit × 100). */
  reasons: Reason[];
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = { en: 'English', fr: 'French', es: 'Spanish' };
/** Levels as reasons write them: `c-level`. */
const LEVEL_NAMES = SENIORITY_LEVELS.map((level) => level.replace('_', '-'));
const SENIORITY_TEXT = LEVEL_NAMES.map((level) => `seniority: ${level}`);
const SENIORITY_REJECTED_TEXT = LEVEL_NAMES.map((level) => `seniority ${level} is not one the persona targets`);
const FOUNDER = SENIORITY_RANK.founder;
const MAX_QUOTE = 60;
const SPACES_RE = /\s+/g;

/** Whether `c` is white space to a regular expression's `\s` (beyond ASCII). */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `text` with runs of white space as one space, trimmed; the text itself when it already is. */
function squeeze(text: string): string {
  let space = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      if (space) return text.replace(SPACES_RE, ' ').trim();
      space = true;
    } else if (c < 32 || (c >= 128 && isUnicodeSpace(c))) {
      return text.replace(SPACES_RE, ' ').trim();
    } else {
      space = false;
    }
  }
  return space && text.length > 0 ? text.replace(SPACES_RE, ' ').trim() : text;
}

function quote(text: string): string {
  const clean = squeeze(text);
  return `'${clean.length > MAX_QUOTE ? clean.slice(0, MAX_QUOTE - 1) + '…' : clean}'`;
}

function spanText(text: string, t: TokenList, from: number, to: number): string {
  return text.slice(t.start[from], t.end[to]);
}

/** "said as" suffix when the bio's words differ from the persona's term (`plain` is the term's plain words). */
function asWritten(term: string, plain: string, written: string): string {
  return samePlainWords(plain, written) ? quote(written) : `${quote(written)} (persona: '${term}')`;
}

/** The employer named right after the role in its clause: "@acme", "at Acme", "chez Qonto", "en Acme". */
function companyAfter(text: string, t: TokenList, to: number): string | undefined {
  const clause = t.clause[to];
  let k = to + 1;
  if (k >= t.n || t.clause[k] !== clause) return undefined;
  if (((t.bits[k] as number) & MENTION) !== 0) return text.slice(t.start[k], t.end[k]);
  const id = t.id[k] as number;
  if (id < 0 || ((WORD_FLAGS[id] as number) & COMPANY_WORD) === 0) return undefined;
  k++;
  if (k >= t.n || t.clause[k] !== clause) return undefined;
  if (((t.bits[k] as number) & MENTION) !== 0) return text.slice(t.start[k], t.end[k]);
  let last = k;
  for (let m = k + 1; m < t.n && t.clause[m] === clause && m - k < 4; m++) last = m;
  const name = text.slice(t.start[k], t.end[last]).trim();
  return name.length > 0 && name.length <= 40 ? name : undefined;
}

export interface MatchOptions {
  /** The time to measure account age against (ms or Date); without it, age is not checked. */
  now?: number | Date;
}

/** Per clause of the bio: the highest current level (rank, or -1) and the tokens it spans. */
let clauseLevel = new Int32Array(32);
let clauseFrom = new Int32Array(32);
let clauseTo = new Int32Array(32);

/** How well a profile fits the persona, with reasons. Exclusions win over everything. */
export function matchProfile(matcher: Matcher, profile: ProfileInput, options: MatchOptions = {}): ProfileMatch {
  const bio = profile.description ?? '';
  // Without a word that can lead to a term or a level, a bio gives nothing but its language.
  const language = MAIN.readBio(bio, matcher.vocab, matcher.bioStarts);
  const t = MAIN.tokens;
  const hits = findHits(matcher.profileTrie, matcher.aliases, t, HITS);

  // Exclusions: in the current bio (not "ex-recruiter", not "no recruiters") or in the name.
  for (let h = 0; h < hits.n; h++) {
    const entry = hits.entry[h] as CompiledEntry;
    if (entry.category === 'exclude' && hits.bits[h] === CURRENT) {
      return excludedMatch(entry, spanText(bio, t, hits.from[h] as number, hits.to[h] as number), language);
    }
  }
  if (profile.name && AUX.readIfRelevant(profile.name, matcher.vocab, matcher.excludeStarts)) {
    const names = findHits(matcher.profileTrie, matcher.aliases, AUX.tokens, AUX_HITS);
    for (let h = 0; h < names.n; h++) {
      const entry = names.entry[h] as CompiledEntry;
      if (entry.category === 'exclude' && names.bits[h] === CURRENT) {
        return excludedMatch(entry, spanText(profile.name, AUX.tokens, names.from[h] as number, names.to[h] as number), language, 'name');
      }
    }
  }

  // The reasons' points add up to the fit's points (past roles count 0).
  const raw: Reason[] = [];

  // Levels per clause, current role only.
  const clauses = t.n > 0 ? (t.clause[t.n - 1] as number) + 1 : 0;
  if (clauseLevel.length < clauses) {
    clauseLevel = new Int32Array(clauses * 2);
    clauseFrom = new Int32Array(clauses * 2);
    clauseTo = new Int32Array(clauses * 2);
  }
  for (let c = 0; c < clauses; c++) clauseLevel[c] = -1;
  let anyLevel = -1;
  let firstPastLevel = -1;
  for (let i = 0; i < t.n; i++) {
    const id = t.id[i] as number;
    const level = id >= 0 ? (WORD_LEVEL[id] as number) : -1;
    if (level < 0) continue;
    if (((t.bits[i] as number) & CURRENT) === 0) {
      if (firstPastLevel < 0) firstPastLevel = i;
      continue;
    }
    const c = t.clause[i] as number;
    const seen = clauseLevel[c] as number;
    if (seen < 0) clauseFrom[c] = i;
    if (level > seen) clauseLevel[c] = level;
    clauseTo[c] = i;
    if (level > anyLevel) anyLevel = level;
  }

  // The role: an exact title, else a persona function with a level in the same clause, else a
  // general role (founder, CEO) at a level the persona accepts, else a function alone.
  let titleHit = -1;
  let roleHit = -1;
  let functionOnly = -1;
  let pastTitle = -1;
  for (let h = 0; h < hits.n; h++) {
    const from = hits.from[h] as number;
    if (((t.bits[from] as number) & COMPANY) !== 0) continue;
    const category = (hits.entry[h] as CompiledEntry).category;
    const current = ((hits.bits[h] as number) & CURRENT) !== 0;
    if (category === 'title') {
      if (!current) {
        if (pastTitle < 0) pastTitle = h;
      } else if (titleHit < 0 || (hits.to[h] as number) - from > (hits.to[titleHit] as number) - (hits.from[titleHit] as number)) {
        titleHit = h;
      }
    } else if (category === 'function' && current) {
      const level = clauseLevel[t.clause[from] as number] as number;
      if (level >= 0 && (!matcher.has.seniority || matcher.seniorityRanks[level])) {
        if (roleHit < 0) roleHit = h;
      } else if (functionOnly < 0) {
        functionOnly = h;
      }
    }
  }

  let seniority = -1;
  let roleText: string | undefined;
  let company: string | undefined;
  let titleMatched: string | undefined;
  let roleFound = false;
  if (titleHit >= 0) {
    const entry = hits.entry[titleHit] as CompiledEntry;
    const hitFrom = hits.from[titleHit] as number;
    const hitTo = hits.to[titleHit] as number;
    const clause = t.clause[hitFrom] as number;
    const level = clauseLevel[clause] as number;
    const from = level >= 0 ? Math.min(hitFrom, clauseFrom[clause] as number) : hitFrom;
    const to = level >= 0 ? Math.max(hitTo, clauseTo[clause] as number) : hitTo;
    roleText = spanText(bio, t, from, to);
    titleMatched = entry.term;
    seniority = level >= 0 ? level : entry.level !== undefined ? SENIORITY_RANK[entry.level] : -1;
    company = companyAfter(bio, t, to);
    roleFound = true;
    raw.push({ points: POINTS.title, text: `title ${asWritten(entry.term, entry.plainTerm, spanText(bio, t, hitFrom, hitTo))} matches` });
  } else if (roleHit >= 0) {
    const entry = hits.entry[roleHit] as CompiledEntry;
    const hitFrom = hits.from[roleHit] as number;
    const clause = t.clause[hitFrom] as number;
    const level = clauseLevel[clause] as number;
    const from = Math.min(hitFrom, clauseFrom[clause] as number);
    const to = Math.max(hits.to[roleHit] as number, clauseTo[clause] as number);
    roleText = spanText(bio, t, from, to);
    seniority = level;
    company = companyAfter(bio, t, to);
    roleFound = true;
    raw.push({ points: POINTS.role, text: `role ${quote(roleText)} fits '${entry.conceptText}' at ${LEVEL_NAMES[level]} level` });
  } else {
    // A founder or CEO fits when the persona accepts that level (clauses in order).
    for (let clause = 0; clause < clauses; clause++) {
      const level = clauseLevel[clause] as number;
      if (level < 0 || !matcher.seniorityRanks[level]) continue;
      if (level !== FOUNDER && !hasGeneralFunction(t, clause)) continue;
      roleText = spanText(bio, t, clauseFrom[clause] as number, clauseTo[clause] as number);
      seniority = level;
      company = companyAfter(bio, t, clauseTo[clause] as number);
      roleFound = true;
      raw.push({ points: POINTS.generalRole, text: `role ${quote(roleText)}: ${LEVEL_NAMES[level]}, a level the persona targets` });
      break;
    }
    if (!roleFound && functionOnly >= 0) {
      const entry = hits.entry[functionOnly] as CompiledEntry;
      const written = spanText(bio, t, hits.from[functionOnly] as number, hits.to[functionOnly] as number);
      raw.push({ points: POINTS.functionOnly, text: `mentions ${asWritten(entry.conceptText, entry.plainConcepts, written)}` });
    }
  }
  if (seniority < 0 && anyLevel >= 0) seniority = anyLevel;
  if (!roleFound && pastTitle >= 0) {
    raw.push({ points: 0, text: `${quote(spanText(bio, t, hits.from[pastTitle] as number, hits.to[pastTitle] as number))} is a past role, not counted` });
  } else if (!roleFound && firstPastLevel >= 0 && seniority < 0) {
    raw.push({ points: 0, text: `${quote(spanText(bio, t, firstPastLevel, firstPastLevel))} is a past role, not counted` });
  }

  // Seniority.
  if (matcher.has.seniority && seniority >= 0) {
    if (matcher.seniorityRanks[seniority]) {
      raw.push({ points: roleFound ? POINTS.seniority : POINTS.seniorityWithoutRole, text: SENIORITY_TEXT[seniority] as string });
    } else {
      raw.push({ points: POINTS.seniorityRejected, text: SENIORITY_REJECTED_TEXT[seniority] as string });
    }
  }

  // Industries, interests, education: anywhere in the bio, past roles included ("ex-SaaS").
  let industries: string[] | undefined;
  let interests: string[] | undefined;
  let education: string | undefined;
  let bioPlace = -1;
  for (let h = 0; h < hits.n; h++) {
    if (((hits.bits[h] as number) & NEGATED) !== 0) continue;
    const entry = hits.entry[h] as CompiledEntry;
    const term = entry.term;
    switch (entry.category) {
      case 'industry':
        if (!industries) industries = [term];
        else if (!industries.includes(term)) industries.push(term);
        break;
      case 'interest':
        if (!interests) interests = [term];
        else if (!interests.includes(term)) interests.push(term);
        break;
      case 'education':
        education ??= asWritten(term, entry.plainTerm, spanText(bio, t, hits.from[h] as number, hits.to[h] as number));
        break;
      case 'location':
        if (bioPlace < 0) bioPlace = h;
        break;
      default:
    }
  }
  if (industries) {
    raw.push({ points: Math.min(POINTS.industryMax, POINTS.industryFirst + (industries.length - 1) * POINTS.industryMore), text: `industry: ${industries.join(', ')}` });
  }
  if (interests) {
    raw.push({ points: Math.min(POINTS.interestMax, POINTS.interestFirst + (interests.length - 1) * POINTS.interestMore), text: `interested in ${interests.join(', ')}` });
  }
  if (education) raw.push({ points: POINTS.education, text: `education ${education}` });

  // Location: the profile's location field first, then the bio ("📍 Lyon", "based in Paris").
  if (matcher.has.locations) {
    const where = profile.location?.trim() ?? '';
    const place = where ? readPlace(matcher, where) : undefined;
    if (place?.found) raw.push({ points: POINTS.location, text: place.text });
    else if (bioPlace >= 0) raw.push({ points: POINTS.location, text: `bio mentions ${quote(spanText(bio, t, hits.from[bioPlace] as number, hits.to[bioPlace] as number))}` });
    else if (place) raw.push({ points: POINTS.locationElsewhere, text: place.text });
  }

  // Language of the bio, when it is clear.
  if (matcher.has.languages && language) {
    const reason = matcher.languageReasons[language];
    raw.push({ points: reason.points, text: reason.text });
  }

  // Audience and account age.
  const followers = profile.followers_count;
  if (followers !== undefined) {
    if (followers < matcher.minFollowers) {
      raw.push({ points: POINTS.audienceBelow, text: formatNumber(followers) + matcher.audienceTexts.below });
    } else if (matcher.maxFollowers !== undefined && followers > matcher.maxFollowers) {
      raw.push({ points: POINTS.audienceAbove, text: formatNumber(followers) + matcher.audienceTexts.above });
    }
  }
  if (options.now !== undefined && matcher.minAccountAgeDays > 0) {
    const created = parseXDate(profile.created_at);
    if (created !== undefined) {
      const now = typeof options.now === 'number' ? options.now : options.now.getTime();
      const days = Math.floor((now - created) / 86_400_000);
      if (days < matcher.minAccountAgeDays) raw.push({ points: POINTS.tooYoung, text: `account ${days} day${days === 1 ? '' : 's'} old, persona wants at least ${matcher.minAccountAgeDays}` });
    }
  }

  let points = 0;
  for (const r of raw) points += r.points;
  const fit = Math.max(0, Math.min(1, points / matcher.maxPoints));
  const scale = 100 / matcher.maxPoints;
  for (const r of raw) r.points = Math.round(r.points * scale);
  const result: ProfileMatch = { fit, reasons: raw };
  if (titleMatched !== undefined) result.titleMatched = titleMatched;
  if (roleText !== undefined) result.role = roleText;
  if (seniority >= 0) result.seniority = SENIORITY_LEVELS[seniority];
  if (company !== undefined) result.company = company;
  if (language !== undefined) result.language = language;
  return result;
}

/** Whether a current token of the clause names a general role (CEO, DG: `executive`). */
function hasGeneralFunction(t: TokenList, clause: number): boolean {
  for (let k = 0; k < t.n; k++) {
    const id = t.id[k] as number;
    if (t.clause[k] === clause && ((t.bits[k] as number) & CURRENT) !== 0 && id >= 0 && ((WORD_FLAGS[id] as number) & GENERAL) !== 0) return true;
  }
  return false;
}

/** Whether a profile's location field names one of the persona's places. */
/** A location field as a reason: "based in 'Paris, France'", or "…, not a persona location". */
interface PlaceRead {
  found: boolean;
  text: string;
}

function readPlace(matcher: Matcher, where: string): PlaceRead {
  // Locations repeat ("London", "Paris, France", "Remote"): each is read once per persona.
  const kept = matcher.places.get(where);
  if (kept !== undefined) return kept;
  let found = false;
  AUX.read(flat(where), matcher.vocab, false);
  const places = findHits(matcher.profileTrie, matcher.aliases, AUX.tokens, AUX_HITS);
  for (let h = 0; h < places.n && !found; h++) found = (places.entry[h] as CompiledEntry).category === 'location';
  const read = { found, text: found ? `based in ${quote(where)}` : `based in ${quote(where)}, not a persona location` };
  if (matcher.places.size >= MAX_KEPT_PLACES) matcher.places.clear();
  matcher.places.set(where, read);
  return read;
}

const MAX_KEPT_PLACES = 10_000;

function excludedMatch(entry: CompiledEntry, written: string, language: BioLanguage | undefined, where: 'bio' | 'name' = 'bio'): ProfileMatch {
  const term = entry.term;
  const text = entry.foldedTerm === fold(written) ? `excluded: '${term}'` : `excluded: '${term}' (${where} says ${quote(written)})`;
  const result: ProfileMatch = { fit: 0, excluded: term, reasons: [{ points: -100, text }] };
  if (language) result.language = language;
  return result;
}

export interface IntentMatch {
  /** 0–1: how clearly the post asks for what the persona sells. */
  intent: number;
  reasons: Reason[];
}

const INTENT_POINTS = { question: 35, need: 40, needMore: 10, pain: 25, questionMark: 10 } as const;
const JOB_POST_FACTOR = 0.3;

/** Whether an earlier hit than `h` is of the same persona term. */
function seenBefore(hits: HitList, h: number): boolean {
  const entry = hits.entry[h] as CompiledEntry;
  for (let k = 0; k < h; k++) {
    const other = hits.entry[k] as CompiledEntry;
    if (other === entry || (other.category === entry.category && other.term === entry.term)) return true;
  }
  return false;
}

/** Buying intent in a post: the persona's questions, needs and pains, in any of its languages. */
export function matchIntent(matcher: Matcher, postText: string): IntentMatch {
  if (!MAIN.readIfRelevant(postText, matcher.vocab, matcher.intentStarts)) return { intent: 0, reasons: [] };
  const t = MAIN.tokens;
  const hits = findHits(matcher.intentTrie, matcher.aliases, t, HITS);
  const reasons: Reason[] = [];
  let points = 0;
  let question = false;
  let need = 0;
  let pain = false;
  let jobpost = false;
  for (let h = 0; h < hits.n; h++) {
    if (seenBefore(hits, h)) continue;
    const entry = hits.entry[h] as CompiledEntry;
    const category = entry.category;
    if (category === 'question' && !question) {
      question = true;
      points += INTENT_POINTS.question;
      reasons.push({ points: INTENT_POINTS.question, text: `asks ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
    } else if (category === 'need' && ((hits.bits[h] as number) & NEGATED) === 0) {
      const p = need === 0 ? INTENT_POINTS.need : INTENT_POINTS.needMore;
      need++;
      if (need <= 2) {
        points += p;
        reasons.push({ points: p, text: `needs ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
      }
    } else if (category === 'pain' && !pain) {
      pain = true;
      points += INTENT_POINTS.pain;
      reasons.push({ points: INTENT_POINTS.pain, text: `pain: ${asWritten(entry.term, entry.plainTerm, spanText(postText, t, hits.from[h] as number, hits.to[h] as number))}` });
    } else if (category === 'jobpost') {
      jobpost = true;
    }
  }
  if (!question && (need > 0 || pain) && postText.includes('?')) {
    points += INTENT_POINTS.questionMark;
    reasons.push({ points: INTENT_POINTS.questionMark, text: 'asks a question' });
  }
  if (jobpost && points > 0) {
    const cut = Math.round(points * (1 - JOB_POST_FACTOR));
    points -= cut;
    reasons.push({ points: -cut, text: 'reads like a job post' });
  }
  return { intent: Math.max(0, Math.min(1, points / 100)), reasons };
}
