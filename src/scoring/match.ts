/**
 * Does a bio fit a persona, and does a post show buying intent? Compile a persona once
 * (`compileMatcher`), then `matchProfile` and `matchIntent` do a few map look-ups per word.
 *
 * How a text is read (`analyse`):
 * 1. Scanned into words with their spans in the original text: letters and digits form words;
 *    emoji, `|`, `·`, `,`, `/`, `&`, `(`, a spaced dash, a full stop ending a sentence… end a
 *    *clause* (phrases never match across clauses); spaces, apostrophes and inner hyphens do not
 *    (`co-founder` is `co founder`). Links and e-mail addresses are skipped. `@acme` is a mention
 *    (never a word: `@cto_weekly` is not a CTO). `#GrowthMarketing` is its own clause, then again
 *    as `growth marketing`; an all-lower-case `#recursoshumanos` is split with known words.
 *    Inclusive and gendered spellings lose their suffix: `directeur·rice`, `director/a`,
 *    `director(a)`. A flag (🇫🇷) is a place.
 * 2. Folded: lower case, accents removed (`é` → `e`, `ñ` → `n`), so matching is on whole words:
 *    `cmo` never matches `cmos`, `cto` never matches `doctor`.
 * 3. Filler words dropped ("of", "de", "des"…), then rewritten into concepts with the lexicon
 *    (`lexicon.ts`), longest phrase first: "Directrice des ressources humaines", "HR Director" and
 *    "DRH" all become the level `~director` and the function `hr`; "ex-Google", "former",
 *    "anciennement", "antes en" start a clause that is not the current role.
 *
 * A persona's terms go through the same steps, so they can be written in any language.
 */
import { FLAG_PLACES, COMPANY_MARKERS, COMPOUNDS, DOTTED_ABBREVIATIONS, FILLER_WORDS, FUNCTION_WORDS, HASHTAG_WORDS, JOB_POST_PHRASES, LEVEL_TOKEN, LEVEL_WORDS, NEGATION_WORDS, NOT_CURRENT_WORDS, NOW_WORDS, PLACES, SENIORITY_LEVELS, SENIORITY_RANK, type Seniority } from './lexicon.ts';
import type { ProfileInput, Reason } from './types.ts';

export type { Seniority } from './lexicon.ts';

// ---------------------------------------------------------------------------------------------
// Folding

const MARKS_RE = /\p{M}+/gu;
const SPECIAL_FOLDS: Readonly<Record<string, string>> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };
const SPECIAL_RE = /[œæßøłđı]/g;

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Lower case, compatibility forms, accents removed: `Équipe` → `equipe`, `Ｃｒｍ` → `crm`. */
export function fold(text: string): string {
  if (isAscii(text)) return text.toLowerCase();
  return text.normalize('NFKD').toLowerCase().replace(MARKS_RE, '').replace(SPECIAL_RE, (c) => SPECIAL_FOLDS[c] ?? c);
}

// ---------------------------------------------------------------------------------------------
// Scanning

const enum Kind {
  Word = 0,
  Mention = 1,
  /** A lone `@` as in "Head of Growth @ Acme". */
  At = 2,
  /** A flag, already a place concept. */
  Place = 3,
}

interface RawToken {
  text: string;
  start: number;
  end: number;
  clause: number;
  kind: Kind;
}

const WORD_RE = /^[\p{L}\p{N}\p{M}]$/u;
const RI_START = 0x1f1e6;
const wordClass = new Map<number, boolean>();

function isWordCp(cp: number): boolean {
  if (cp < 128) return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || (cp >= 97 && cp <= 122);
  let w = wordClass.get(cp);
  if (w === undefined) {
    w = WORD_RE.test(String.fromCodePoint(cp));
    wordClass.set(cp, w);
  }
  return w;
}

function cpAt(s: string, i: number): number {
  return s.codePointAt(i) ?? 0;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x202f || c === 0x2009;
}

function isHandleChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const DOTTED = new Set(DOTTED_ABBREVIATIONS);
/** Inclusive/gendered suffixes dropped after `·`, `.`, `/` or inside `()`: `directeur·rice`, `director/a`. */
const DOT_SUFFIXES = new Set(['e', 'es', 'rice', 'rices', 'trice', 'euse', 'euses', 'ice', 'ere', 'ère', 'ne', 'le', 'se', 'fe']);
const SLASH_SUFFIXES = new Set(['a', 'as', 'o', 'e', 'es', 'rice', 'trice', 'euse', 'ice', 'ère', 'ere', 'ne']);

/** End of a gendered suffix that starts at `i` (a separator), or -1. */
function genderSuffixEnd(raw: string, i: number): number {
  const sep = raw[i];
  const slash = sep === '/' || sep === '(';
  if (!(slash || sep === '·' || sep === '•' || sep === '.' || sep === '∙')) return -1;
  let j = i + 1;
  while (j < raw.length && j - i <= 6 && /\p{Ll}/u.test(raw[j] ?? '')) j++;
  const suffix = raw.slice(i + 1, j);
  if (!(slash ? SLASH_SUFFIXES : DOT_SUFFIXES).has(suffix)) return -1;
  if (sep === '(') return raw[j] === ')' ? j + 1 : -1;
  const after = raw.codePointAt(j);
  return after !== undefined && isWordCp(after) ? -1 : j;
}

/** Splits `GrowthMarketing`, `B2BMarketing`, `OpenToWork` at case changes. */
function camelParts(written: string): string[] {
  // "SaaS", "PaaS" are one word whatever their capitals.
  const tag = written.replace(/([SPIDB])aaS/g, '$1aas');
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < tag.length; i++) {
    const prev = tag[i - 1] as string;
    const cur = tag[i] as string;
    const next = tag[i + 1] ?? '';
    const lowerToUpper = /\p{Ll}/u.test(prev) && /\p{Lu}/u.test(cur);
    const acronymEnd = /\p{Lu}/u.test(prev) && /\p{Lu}/u.test(cur) && /\p{Ll}/u.test(next);
    const digitToUpper = /\p{N}/u.test(prev) && /\p{Lu}/u.test(cur) && /\p{Ll}/u.test(next);
    if (lowerToUpper || acronymEnd || digitToUpper) {
      parts.push(written.slice(start, i));
      start = i;
    }
  }
  parts.push(written.slice(start));
  return parts;
}

/** Splits a folded hashtag into known words (`recursoshumanos` → `recursos humanos`), or null. */
function wordBreak(tag: string, vocab: ReadonlySet<string>): string[] | null {
  const n = tag.length;
  if (n < 5 || n > 40) return null;
  // best[i]: fewest words covering tag[0..i), with the split point.
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    if (best[i] === Infinity) continue;
    for (let j = i + 2; j <= n && j - i <= 20; j++) {
      if (vocab.has(tag.slice(i, j)) && (best[i] as number) + 1 < (best[j] as number)) {
        best[j] = (best[i] as number) + 1;
        from[j] = i;
      }
    }
  }
  if (best[n] === Infinity || (best[n] as number) < 2) return null;
  const words: string[] = [];
  for (let j = n; j > 0; j = from[j] as number) words.unshift(tag.slice(from[j] as number, j));
  return words;
}

function skipToSpace(raw: string, i: number): number {
  while (i < raw.length && !isSpace(raw.charCodeAt(i)) && raw[i] !== '\n') i++;
  return i;
}

/** Words of a text with spans and clause numbers (see the header). */
function scan(raw: string, vocab: ReadonlySet<string> | undefined, out: RawToken[]): RawToken[] {
  const n = raw.length;
  let clause = 0;
  let open = false;
  const cut = () => {
    if (open) {
      clause++;
      open = false;
    }
  };
  const push = (text: string, start: number, end: number, kind: Kind) => {
    out.push({ text, start, end, clause, kind });
    open = true;
  };
  let i = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    const cp = c >= 0xd800 && c <= 0xdbff ? cpAt(raw, i) : c;
    const width = cp > 0xffff ? 2 : 1;
    if (isWordCp(cp)) {
      const start = i;
      let end = i + width;
      while (end < n) {
        const d = cpAt(raw, end);
        if (!isWordCp(d)) break;
        end += d > 0xffff ? 2 : 1;
      }
      const word = raw.slice(start, end);
      // Links and e-mail addresses carry no words of the person.
      if (
        ((word === 'http' || word === 'https') && raw.startsWith('://', end)) ||
        (word.toLowerCase() === 'www' && raw[end] === '.') ||
        (raw[end] === '@' && /^@[\w.+-]+\.[a-z]{2,}/i.test(raw.slice(end, end + 64))) ||
        (raw[end] === '.' && /^[a-z]{2,}\/\S/i.test(raw.slice(end + 1, end + 12)))
      ) {
        i = skipToSpace(raw, end);
        cut();
        continue;
      }
      const prev = raw[start - 1];
      if (prev === '#' || prev === '＃') {
        // A hashtag is a clause of its own, then again split into words.
        cut();
        const folded = fold(word);
        push(folded, start - 1, end, Kind.Word);
        let parts = camelParts(word).map(fold);
        if (parts.length < 2 && vocab) parts = wordBreak(folded, vocab) ?? [];
        if (parts.length >= 2) {
          cut();
          for (const part of parts) push(part, start - 1, end, Kind.Word);
        }
        cut();
        i = end;
        continue;
      }
      const suffixEnd = end < n ? genderSuffixEnd(raw, end) : -1;
      push(fold(word), start, end, Kind.Word);
      i = suffixEnd > 0 ? suffixEnd : end;
      continue;
    }
    if (c === 64 /* @ */ || c === 0xff20) {
      const prevCp = i > 0 ? raw.charCodeAt(i - 1) : 32;
      let j = i + 1;
      while (j < n && j - i <= 15 && isHandleChar(raw.charCodeAt(j))) j++;
      if (j > i + 1 && !isHandleChar(prevCp)) {
        push('@' + raw.slice(i + 1, j).toLowerCase(), i, j, Kind.Mention);
        i = j;
      } else {
        push('@', i, i + 1, Kind.At);
        i++;
      }
      continue;
    }
    if (isSpace(c) || c === 39 || c === 0x2019 || c === 96 || c === 95 /* _ */) {
      i++;
      continue;
    }
    if (c === 38 /* & */ && i > 0 && isWordCp(raw.charCodeAt(i - 1)) && isWordCp(cpAt(raw, i + 1))) {
      // "R&D", "P&L": one term, not two roles.
      i++;
      continue;
    }
    if (c === 45 /* - */ || c === 0x2010 || c === 0x2011) {
      const before = i > 0 ? raw.charCodeAt(i - 1) : 32;
      const after = i + 1 < n ? raw.charCodeAt(i + 1) : 32;
      if (isSpace(before) || isSpace(after) || after === 10 || before === 10) cut();
      i++;
      continue;
    }
    if (c === 46 /* . */) {
      const last = out[out.length - 1];
      const afterCp = i + 1 < n ? cpAt(raw, i + 1) : 32;
      const glued = last !== undefined && last.end === i;
      // "Dir. Marketing", "node.js", "U.K." go on; "Children.A new clause" and "London. Coffee" do not.
      const lowerAfter = afterCp < 128 ? (afterCp >= 97 && afterCp <= 122) || (afterCp >= 48 && afterCp <= 57) : isWordCp(afterCp) && String.fromCodePoint(afterCp).toLowerCase() === String.fromCodePoint(afterCp);
      if (!(glued && (DOTTED.has(last.text) || lowerAfter || (last.text.length === 1 && isWordCp(afterCp))))) cut();
      i++;
      continue;
    }
    if (cp >= RI_START && cp <= RI_START + 25) {
      const next = cpAt(raw, i + 2);
      if (next >= RI_START && next <= RI_START + 25) {
        const code = String.fromCharCode(65 + cp - RI_START, 65 + next - RI_START);
        const place = FLAG_PLACES[code];
        cut();
        if (place) push(place, i, i + 4, Kind.Place);
        cut();
        i += 4;
        continue;
      }
    }
    // Any other punctuation, symbol or emoji ends the clause.
    cut();
    i += width;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Concepts

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
const CANON = new Trie<readonly string[]>();
const CANON_SINGLE = new Set<string>();
/** Every folded word of the lexicon, for splitting hashtags. */
const LEXICON_WORDS = new Set<string>();
const LEVEL_OF = new Map<string, Seniority>(SENIORITY_LEVELS.map((level) => [LEVEL_TOKEN[level], level]));
const MARKERS = new Set(['~ex', '~aspiring', '~seeking']);
const COMPANY = new Set(COMPANY_MARKERS);
/** Markers after which the clause names an employer ("Directrice artistique chez Tandem RH" is not HR). */
const EMPLOYER_MARKERS = new Set(['at', 'chez', '@']);
/** Functions that fit any persona whose levels accept the role: a CEO, a DG. */
const GENERAL_FUNCTIONS = new Set(['executive']);

/** Folded words of a phrase, fillers kept (the lexicon's and the persona's own spelling). */
function phraseWords(phrase: string): string[] {
  return scan(phrase, undefined, []).map((t) => t.text);
}

function addCanon(phrase: string, concepts: readonly string[]): void {
  const words = phraseWords(phrase).filter((w) => !FILLERS.has(w));
  for (const w of phraseWords(phrase)) LEXICON_WORDS.add(w);
  if (words.length === 0) return;
  CANON.add(words, concepts);
  if (words.length === 1) CANON_SINGLE.add(words[0] as string);
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

function concept(text: string, from: RawToken, to: RawToken): Token {
  return { text, start: from.start, end: to.end, clause: from.clause, current: true, negated: false, mention: false, company: false };
}

/** Rewrites scanned words into concepts (see the header), then marks not-current clauses and negations. */
function canonicalise(raw: readonly RawToken[]): Token[] {
  const words = raw.filter((t) => t.kind !== Kind.Word || !FILLERS.has(t.text));
  const out: Token[] = [];
  for (let i = 0; i < words.length; ) {
    const first = words[i] as RawToken;
    if (first.kind === Kind.Mention || first.kind === Kind.At || first.kind === Kind.Place) {
      out.push({ text: first.text, start: first.start, end: first.end, clause: first.clause, current: true, negated: false, mention: first.kind === Kind.Mention, company: false });
      i++;
      continue;
    }
    // Longest lexicon phrase starting here, within the clause.
    let node = CANON.root.get(first.text);
    let bestEnd = -1;
    let bestValue: readonly string[] | undefined;
    for (let j = i; node; ) {
      if (node.values) {
        bestEnd = j;
        bestValue = node.values[0];
      }
      j++;
      const next = words[j];
      if (!next || next.clause !== first.clause || next.kind !== Kind.Word || !node.next) break;
      node = node.next.get(next.text);
    }
    if (bestValue) {
      const last = words[bestEnd] as RawToken;
      for (const c of bestValue) out.push(concept(c, first, last));
      i = bestEnd + 1;
      continue;
    }
    // Spanish and French glue "ex" to the title: "exdirectora", "excmo".
    if (first.text.length > 4 && first.text.startsWith('ex') && CANON_SINGLE.has(first.text.slice(2))) {
      const rest = CANON.root.get(first.text.slice(2))?.values?.[0] ?? [];
      out.push(concept('~ex', first, first));
      for (const c of rest) out.push(concept(c, first, first));
      i++;
      continue;
    }
    out.push(concept(first.text, first, first));
    i++;
  }
  // "Chief Growth Officer" is `~c_level growth`: "officer" after a c-level word says nothing more.
  for (let i = out.length - 1; i > 0; i--) {
    const t = out[i] as Token;
    if (t.text !== 'officer') continue;
    for (let k = i - 1; k >= 0 && k >= i - 4 && (out[k] as Token).clause === t.clause; k--) {
      if ((out[k] as Token).text === '~c_level') {
        out.splice(i, 1);
        break;
      }
    }
  }
  // Not-current clauses and negations.
  let clause = -1;
  let scoped = false;
  let negateUntil = -1;
  let employer = false;
  for (let i = 0; i < out.length; i++) {
    const t = out[i] as Token;
    if (t.clause !== clause) {
      clause = t.clause;
      scoped = false;
      negateUntil = -1;
      employer = false;
    }
    t.company = employer;
    if (EMPLOYER_MARKERS.has(t.text)) employer = true;
    if (MARKERS.has(t.text)) {
      scoped = true;
      t.current = false;
      continue;
    }
    if (t.text === '~now') {
      scoped = false;
      t.current = false;
      continue;
    }
    if (t.text === '~not') {
      negateUntil = i + 2;
      t.current = false;
      continue;
    }
    t.current = !scoped;
    t.negated = i <= negateUntil;
  }
  return out;
}

export type BioLanguage = 'en' | 'fr' | 'es';

export interface Analysis {
  tokens: Token[];
  /** The language of the text when the words say so clearly; undefined for "Head of Growth @acme". */
  language?: BioLanguage;
}

const LANG_WORDS = new Map<string, number>();
const EN = 1;
const FR = 2;
const ES = 4;
for (const [mask, words] of [
  [EN, 'the and of at for with my i to on is are im about from by your our we you who all things just helping building working love lover views own opinions based father husband wife mom dad proud here this that will into world'],
  [FR, 'le les des du et chez pour avec je sur une mes est dans au aux ou mon ma nos notre vous tout tous pas qu passionne passionnee fier fiere aussi entre sans plus ici toujours ce cette directeur directrice fondateur fondatrice cofondateur cofondatrice charge chargee ingenieur developpeur stagiaire alternant alternante maman papa metier'],
  [ES, 'el los las del y para con mi mis soy una por que es al lo amante apasionado apasionada vida todo como pero sin mas muy desde hincha padre madre esposo esposa mundo cuenta siempre aqui este esta hijo hija orgulloso orgullosa directora jefe jefa gerente fundador fundadora cofundador cofundadora ingeniero ingeniera desarrollador desarrolladora becario becaria licenciado licenciada estudiante'],
  [FR | ES, 'de la en un'],
] as const) {
  for (const w of words.split(' ')) LANG_WORDS.set(w, (LANG_WORDS.get(w) ?? 0) | mask);
}
const ES_CHARS_RE = /[ñ¿¡]/;
const ES_ACCENTS_RE = /[áíóú]/;
const FR_CHARS_RE = /[èêàùçœëîï]|\b[dljcnsq][’'][aeiouhéèê]/i;

function detectLanguage(raw: string, words: readonly RawToken[]): BioLanguage | undefined {
  let en = 0;
  let fr = 0;
  let es = 0;
  for (const w of words) {
    const mask = LANG_WORDS.get(w.text);
    if (mask === undefined) continue;
    if (mask & EN) en++;
    if (mask & FR) fr++;
    if (mask & ES) es++;
  }
  if (ES_CHARS_RE.test(raw)) es += 2;
  if (ES_ACCENTS_RE.test(raw)) es++;
  if (FR_CHARS_RE.test(raw)) fr++;
  const ranked = ([['en', en], ['fr', fr], ['es', es]] as const).slice().sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked as unknown as [[BioLanguage, number], [BioLanguage, number]];
  if (best[1] >= 2 && best[1] >= second[1] + 2) return best[0];
  return undefined;
}

/** Reads a text as the matcher does (see the header). `vocab` helps split lower-case hashtags. */
export function analyse(text: string, vocab: ReadonlySet<string> = LEXICON_WORDS): Analysis {
  if (!text) return { tokens: [] };
  const raw = scan(text, vocab, []);
  const language = detectLanguage(text, raw);
  const tokens = canonicalise(raw);
  return language ? { tokens, language } : { tokens };
}

/**
 * The concepts a persona term stands for (`"Directrice des RH"` → `~director hr`); empty when the
 * term has no word to match (`"de"`, `"—"`). The config loader refuses such terms.
 */
export function termConcepts(term: string): string[] {
  return canonicalise(scan(term, undefined, []).map((t) => ({ ...t, clause: 0 }))).map((t) => t.text);
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

export interface Matcher {
  readonly id: string | undefined;
  readonly profileTrie: Trie<Entry>;
  readonly intentTrie: Trie<Entry>;
  readonly seniority: ReadonlySet<Seniority>;
  readonly languages: ReadonlySet<string>;
  readonly minFollowers: number;
  readonly maxFollowers: number | undefined;
  readonly minAccountAgeDays: number;
  /** Largest fit points this persona can give; fit = points / max. */
  readonly maxPoints: number;
  readonly has: { seniority: boolean; industries: boolean; interests: boolean; education: boolean; locations: boolean; languages: boolean };
  readonly vocab: ReadonlySet<string>;
  /** Other forms of the persona's own words ("administradora" for "administrador"). */
  readonly aliases: ReadonlyMap<string, string>;
}

function isLevel(token: string): boolean {
  return LEVEL_OF.has(token);
}

function highestLevel(tokens: readonly string[]): Seniority | undefined {
  let best: Seniority | undefined;
  for (const t of tokens) {
    const level = LEVEL_OF.get(t);
    if (level && (best === undefined || SENIORITY_RANK[level] > SENIORITY_RANK[best])) best = level;
  }
  return best;
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
      if (form === word || own.has(form) || LEXICON_WORDS.has(form) || CANON.root.has(form)) continue;
      for (const f of [form, ...(form.endsWith('s') ? [] : [form + 's'])]) if (!aliases.has(f) && !own.has(f)) aliases.set(f, word);
    }
  }
  return aliases;
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

  for (const title of who.titles) {
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
    if (fn.length > 0 && !fn.every((t) => GENERAL_FUNCTIONS.has(t)) && !functions.has(key)) {
      functions.add(key);
      add(profileTrie, 'function', title, fn);
    }
  }
  for (const term of who.exclude ?? []) add(profileTrie, 'exclude', term, words(term));
  for (const term of who.industries ?? []) add(profileTrie, 'industry', term, words(term));
  for (const term of who.interests ?? []) add(profileTrie, 'interest', term, words(term));
  for (const term of who.education ?? []) add(profileTrie, 'education', term, words(term));
  for (const term of who.locations ?? []) add(profileTrie, 'location', term, words(term));
  for (const term of persona.intent?.questions ?? []) add(intentTrie, 'question', term, words(term));
  for (const term of persona.intent?.needs ?? []) add(intentTrie, 'need', term, words(term));
  for (const term of persona.intent?.pains ?? []) add(intentTrie, 'pain', term, words(term));
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
  return {
    id: persona.id,
    profileTrie,
    intentTrie,
    seniority: new Set(who.seniority ?? []),
    languages: new Set((who.languages ?? []).map((l) => l.toLowerCase())),
    minFollowers: who.audience?.min_followers ?? 0,
    maxFollowers: who.audience?.max_followers ?? undefined,
    minAccountAgeDays: who.min_account_age_days ?? 0,
    maxPoints,
    has,
    vocab,
    aliases: wordForms(profileTrie, intentTrie),
  };
}

// ---------------------------------------------------------------------------------------------
// Matching

interface Hit {
  entry: Entry;
  /** Token range [from, to]. */
  from: number;
  to: number;
  current: boolean;
  negated: boolean;
}

function findHits(trie: Trie<Entry>, aliases: ReadonlyMap<string, string>, tokens: readonly Token[], out: Hit[] = []): Hit[] {
  for (let i = 0; i < tokens.length; i++) {
    const first = tokens[i] as Token;
    let node = trie.root.get(aliases.get(first.text) ?? first.text);
    let current = first.current;
    let j = i;
    while (node) {
      if (node.values) for (const entry of node.values) out.push({ entry, from: i, to: j, current, negated: first.negated });
      j++;
      const next = tokens[j];
      if (!next || next.clause !== first.clause || !node.next) break;
      current &&= next.current;
      node = node.next.get(aliases.get(next.text) ?? next.text);
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
const MAX_QUOTE = 60;

function quote(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return `'${clean.length > MAX_QUOTE ? clean.slice(0, MAX_QUOTE - 1) + '…' : clean}'`;
}

function spanText(text: string, tokens: readonly Token[], from: number, to: number): string {
  return text.slice((tokens[from] as Token).start, (tokens[to] as Token).end);
}

/** "said as" suffix when the bio's words differ from the persona's term. */
function asWritten(term: string, written: string): string {
  return fold(term).replace(/[^\p{L}\p{N}]+/gu, ' ').trim() === fold(written).replace(/[^\p{L}\p{N}]+/gu, ' ').trim() ? quote(written) : `${quote(written)} (persona: '${term}')`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function parseCreatedAt(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The employer named right after the role in its clause: "@acme", "at Acme", "chez Qonto", "en Acme". */
function companyAfter(text: string, tokens: readonly Token[], to: number): string | undefined {
  const clause = (tokens[to] as Token).clause;
  let k = to + 1;
  const next = tokens[k];
  if (!next || next.clause !== clause) return undefined;
  if (next.mention) return text.slice(next.start, next.end);
  if (!COMPANY.has(next.text)) return undefined;
  k++;
  const first = tokens[k];
  if (!first || first.clause !== clause) return undefined;
  if (first.mention) return text.slice(first.start, first.end);
  let last = first;
  for (let m = k + 1; m < tokens.length && (tokens[m] as Token).clause === clause && m - k < 4; m++) last = tokens[m] as Token;
  const name = text.slice(first.start, last.end).trim();
  return name.length > 0 && name.length <= 40 ? name : undefined;
}

export interface MatchOptions {
  /** The time to measure account age against (ms or Date); without it, age is not checked. */
  now?: number | Date;
}

/** How well a profile fits the persona, with reasons. Exclusions win over everything. */
export function matchProfile(matcher: Matcher, profile: ProfileInput, options: MatchOptions = {}): ProfileMatch {
  const bio = profile.description ?? '';
  const analysis = analyse(bio, matcher.vocab);
  const tokens = analysis.tokens;
  const hits = findHits(matcher.profileTrie, matcher.aliases, tokens);

  // Exclusions: in the current bio (not "ex-recruiter", not "no recruiters") or in the name.
  for (const hit of hits) {
    if (hit.entry.category === 'exclude' && hit.current && !hit.negated) {
      return excludedMatch(hit.entry.term, spanText(bio, tokens, hit.from, hit.to), analysis.language);
    }
  }
  if (profile.name) {
    const nameTokens = analyse(profile.name, matcher.vocab).tokens;
    for (const hit of findHits(matcher.profileTrie, matcher.aliases, nameTokens)) {
      if (hit.entry.category === 'exclude' && hit.current && !hit.negated) {
        return excludedMatch(hit.entry.term, spanText(profile.name, nameTokens, hit.from, hit.to), analysis.language, 'name');
      }
    }
  }

  const raw: Reason[] = [];
  let points = 0;
  const give = (p: number, text: string) => {
    points += p;
    raw.push({ points: p, text });
  };

  // Levels per clause, current role only.
  const clauseLevel = new Map<number, { level: Seniority; from: number; to: number }>();
  let anyLevel: { level: Seniority; index: number } | undefined;
  const pastRoles: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const level = LEVEL_OF.get(t.text);
    if (!level) continue;
    if (!t.current) {
      pastRoles.push(spanText(bio, tokens, i, i));
      continue;
    }
    const seen = clauseLevel.get(t.clause);
    if (!seen || SENIORITY_RANK[level] > SENIORITY_RANK[seen.level]) clauseLevel.set(t.clause, { level, from: seen?.from ?? i, to: i });
    else seen.to = i;
    if (!anyLevel || SENIORITY_RANK[level] > SENIORITY_RANK[anyLevel.level]) anyLevel = { level, index: i };
  }

  // The role: an exact title, else a persona function with a level in the same clause, else a
  // general role (founder, CEO) at a level the persona accepts, else a function alone.
  let titleHit: Hit | undefined;
  let roleHit: Hit | undefined;
  let functionOnly: Hit | undefined;
  let pastTitle: Hit | undefined;
  for (const hit of hits) {
    const cat = hit.entry.category;
    if ((tokens[hit.from] as Token).company) continue;
    if (cat === 'title') {
      if (!hit.current) pastTitle ??= hit;
      else if (!titleHit || hit.to - hit.from > titleHit.to - titleHit.from) titleHit = hit;
    } else if (cat === 'function' && hit.current) {
      const level = clauseLevel.get((tokens[hit.from] as Token).clause);
      if (level && (!matcher.has.seniority || matcher.seniority.has(level.level))) roleHit ??= hit;
      else functionOnly ??= hit;
    }
  }

  let seniority: Seniority | undefined;
  let roleText: string | undefined;
  let company: string | undefined;
  let titleMatched: string | undefined;
  let roleFound = false;
  if (titleHit) {
    const clause = (tokens[titleHit.from] as Token).clause;
    const level = clauseLevel.get(clause);
    const from = Math.min(titleHit.from, level?.from ?? titleHit.from);
    const to = Math.max(titleHit.to, level?.to ?? titleHit.to);
    roleText = spanText(bio, tokens, from, to);
    titleMatched = titleHit.entry.term;
    seniority = level?.level ?? titleHit.entry.level;
    company = companyAfter(bio, tokens, to);
    roleFound = true;
    give(POINTS.title, `title ${asWritten(titleHit.entry.term, spanText(bio, tokens, titleHit.from, titleHit.to))} matches`);
  } else if (roleHit) {
    const level = clauseLevel.get((tokens[roleHit.from] as Token).clause) as { level: Seniority; from: number; to: number };
    const from = Math.min(roleHit.from, level.from);
    const to = Math.max(roleHit.to, level.to);
    roleText = spanText(bio, tokens, from, to);
    seniority = level.level;
    company = companyAfter(bio, tokens, to);
    roleFound = true;
    give(POINTS.role, `role ${quote(roleText)} fits '${roleHit.entry.concepts.join(' ')}' at ${level.level.replace('_', '-')} level`);
  } else {
    // A founder or CEO fits when the persona accepts that level.
    for (const [clause, level] of clauseLevel) {
      if (!matcher.seniority.has(level.level)) continue;
      const general = level.level === 'founder' || tokens.some((t) => t.clause === clause && t.current && GENERAL_FUNCTIONS.has(t.text));
      if (!general) continue;
      roleText = spanText(bio, tokens, level.from, level.to);
      seniority = level.level;
      company = companyAfter(bio, tokens, level.to);
      roleFound = true;
      give(POINTS.generalRole, `role ${quote(roleText)}: ${level.level.replace('_', '-')}, a level the persona targets`);
      break;
    }
    if (!roleFound && functionOnly) {
      give(POINTS.functionOnly, `mentions ${asWritten(functionOnly.entry.concepts.join(' '), spanText(bio, tokens, functionOnly.from, functionOnly.to))}`);
    }
  }
  if (!seniority && anyLevel) seniority = anyLevel.level;
  if (!roleFound && pastTitle) {
    raw.push({ points: 0, text: `${quote(spanText(bio, tokens, pastTitle.from, pastTitle.to))} is a past role, not counted` });
  } else if (!roleFound && pastRoles.length > 0 && !seniority) {
    raw.push({ points: 0, text: `${quote(pastRoles[0] as string)} is a past role, not counted` });
  }

  // Seniority.
  if (matcher.has.seniority && seniority) {
    if (matcher.seniority.has(seniority)) {
      give(roleFound ? POINTS.seniority : POINTS.seniorityWithoutRole, `seniority: ${seniority.replace('_', '-')}`);
    } else {
      give(POINTS.seniorityRejected, `seniority ${seniority.replace('_', '-')} is not one the persona targets`);
    }
  }

  // Industries, interests, education: anywhere in the bio, past roles included ("ex-SaaS").
  const industries: string[] = [];
  const interests: string[] = [];
  let education: string | undefined;
  let bioPlace: Hit | undefined;
  for (const hit of hits) {
    if (hit.negated) continue;
    const { category, term } = hit.entry;
    if (category === 'industry') {
      if (!industries.includes(term)) industries.push(term);
    } else if (category === 'interest') {
      if (!interests.includes(term)) interests.push(term);
    } else if (category === 'education') {
      education ??= asWritten(term, spanText(bio, tokens, hit.from, hit.to));
    } else if (category === 'location') {
      bioPlace ??= hit;
    }
  }
  if (industries.length > 0) {
    give(Math.min(POINTS.industryMax, POINTS.industryFirst + (industries.length - 1) * POINTS.industryMore), `industry: ${industries.join(', ')}`);
  }
  if (interests.length > 0) {
    give(Math.min(POINTS.interestMax, POINTS.interestFirst + (interests.length - 1) * POINTS.interestMore), `interested in ${interests.join(', ')}`);
  }
  if (education) give(POINTS.education, `education ${education}`);

  // Location: the profile's location field first, then the bio ("📍 Lyon", "based in Paris").
  if (matcher.has.locations) {
    const where = profile.location?.trim() ?? '';
    const placeTokens = where ? analyse(where, matcher.vocab).tokens : [];
    const placeHit = findHits(matcher.profileTrie, matcher.aliases, placeTokens).find((h) => h.entry.category === 'location');
    if (placeHit) give(POINTS.location, `based in ${quote(where)}`);
    else if (bioPlace) give(POINTS.location, `bio mentions ${quote(spanText(bio, tokens, bioPlace.from, bioPlace.to))}`);
    else if (where) give(POINTS.locationElsewhere, `based in ${quote(where)}, not a persona location`);
  }

  // Language of the bio, when it is clear.
  const language = analysis.language;
  if (matcher.has.languages && language) {
    if (matcher.languages.has(language)) give(POINTS.language, `bio in ${LANGUAGE_NAMES[language]}`);
    else give(POINTS.languageOther, `bio in ${LANGUAGE_NAMES[language]}, persona wants ${[...matcher.languages].join(', ')}`);
  }

  // Audience and account age.
  const followers = profile.followers_count;
  if (followers !== undefined) {
    if (followers < matcher.minFollowers) give(POINTS.audienceBelow, `${formatCount(followers)} followers, persona wants at least ${formatCount(matcher.minFollowers)}`);
    else if (matcher.maxFollowers !== undefined && followers > matcher.maxFollowers) give(POINTS.audienceAbove, `${formatCount(followers)} followers, persona wants at most ${formatCount(matcher.maxFollowers)}`);
  }
  const created = parseCreatedAt(profile.created_at);
  if (options.now !== undefined && created !== undefined && matcher.minAccountAgeDays > 0) {
    const now = typeof options.now === 'number' ? options.now : options.now.getTime();
    const days = Math.floor((now - created) / 86_400_000);
    if (days < matcher.minAccountAgeDays) give(POINTS.tooYoung, `account ${days} day${days === 1 ? '' : 's'} old, persona wants at least ${matcher.minAccountAgeDays}`);
  }

  const fit = Math.max(0, Math.min(1, points / matcher.maxPoints));
  const scale = 100 / matcher.maxPoints;
  const reasons = raw.map((r) => ({ points: Math.round(r.points * scale), text: r.text }));
  const result: ProfileMatch = { fit, reasons };
  if (titleMatched !== undefined) result.titleMatched = titleMatched;
  if (roleText !== undefined) result.role = roleText;
  if (seniority !== undefined) result.seniority = seniority;
  if (company !== undefined) result.company = company;
  if (language !== undefined) result.language = language;
  return result;
}

function excludedMatch(term: string, written: string, language: BioLanguage | undefined, where: 'bio' | 'name' = 'bio'): ProfileMatch {
  const text = fold(term) === fold(written) ? `excluded: '${term}'` : `excluded: '${term}' (${where} says ${quote(written)})`;
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

/** Buying intent in a post: the persona's questions, needs and pains, in any of its languages. */
export function matchIntent(matcher: Matcher, postText: string): IntentMatch {
  const tokens = analyse(postText, matcher.vocab).tokens;
  const hits = findHits(matcher.intentTrie, matcher.aliases, tokens);
  const reasons: Reason[] = [];
  let points = 0;
  const found = { question: false, need: 0, pain: false, jobpost: false };
  const seen = new Set<string>();
  for (const hit of hits) {
    const { category, term } = hit.entry;
    if (seen.has(category + '\0' + term)) continue;
    seen.add(category + '\0' + term);
    const written = spanText(postText, tokens, hit.from, hit.to);
    if (category === 'question' && !found.question) {
      found.question = true;
      points += INTENT_POINTS.question;
      reasons.push({ points: INTENT_POINTS.question, text: `asks ${asWritten(term, written)}` });
    } else if (category === 'need' && !hit.negated) {
      const p = found.need === 0 ? INTENT_POINTS.need : INTENT_POINTS.needMore;
      found.need++;
      if (found.need <= 2) {
        points += p;
        reasons.push({ points: p, text: `needs ${asWritten(term, written)}` });
      }
    } else if (category === 'pain' && !found.pain) {
      found.pain = true;
      points += INTENT_POINTS.pain;
      reasons.push({ points: INTENT_POINTS.pain, text: `pain: ${asWritten(term, written)}` });
    } else if (category === 'jobpost') {
      found.jobpost = true;
    }
  }
  if (!found.question && (found.need > 0 || found.pain) && postText.includes('?')) {
    points += INTENT_POINTS.questionMark;
    reasons.push({ points: INTENT_POINTS.questionMark, text: 'asks a question' });
  }
  if (found.jobpost && points > 0) {
    const cut = Math.round(points * (1 - JOB_POST_FACTOR));
    points -= cut;
    reasons.push({ points: -cut, text: 'reads like a job post' });
  }
  return { intent: Math.max(0, Math.min(1, points / 100)), reasons };
}
