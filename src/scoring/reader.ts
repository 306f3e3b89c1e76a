/**
 * Reading a text as the matcher does: scanned into words (`scan.ts`), then rewritten into concepts
 * (`concepts.ts`), with its language when asked for (`language.ts`). A persona's terms go through
 * the same steps, so they can be written in any language.
 */
import { canonicalise } from './concepts.ts';
import { flat } from './fold.ts';
import { detectLanguage, type BioLanguage } from './language.ts';
import { LEXICON, LEXICON_WORDS } from './lexicon-vocabulary.ts';
import { Hashtags, scan } from './scan.ts';
import { mayStartTerm, type TermStarts } from './term-starts.ts';
import { COMPANY, CURRENT, MENTION, NEGATED, TokenList } from './token-list.ts';
import type { Vocabulary } from './vocabulary.ts';

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

export interface Analysis {
  tokens: Token[];
  /** The language of the text when the words say so clearly; undefined for "Head of Growth @acme". */
  language?: BioLanguage;
}

/**
 * Reads texts into token lists with one vocabulary; one reader per text that must stay readable
 * while another is read. `hashtags` splits lower-case hashtags (none: they stay whole).
 */
export class Reader {
  readonly raw = new TokenList();
  readonly tokens = new TokenList();
  private words = new Int32Array(64);

  constructor(
    readonly vocabulary: Vocabulary,
    private readonly hashtags: Hashtags | undefined,
  ) {}

  /** Reads `text` into `tokens`; returns its language when asked for. */
  read(text: string, language: boolean, oneClause = false): BioLanguage | undefined {
    scan(text, this.vocabulary, this.hashtags, this.raw);
    const found = language ? detectLanguage(text, this.raw, this.vocabulary) : undefined;
    if (oneClause) this.raw.clause.fill(0, 0, this.raw.n);
    this.concepts(text);
    return found;
  }

  /**
   * Scans `text` into `raw`, and goes on to `tokens` only when a word of it can lead to a term
   * of the persona (`starts`, see `term-starts.ts`); returns whether it did. When it does not, no
   * hit could be found, and most names and posts stop here.
   */
  readIfRelevant(text: string, starts: TermStarts): boolean {
    scan(text, this.vocabulary, this.hashtags, this.raw);
    if (!mayStartTerm(this.raw, text, starts, this.vocabulary)) return false;
    this.concepts(text);
    return true;
  }

  /** `readIfRelevant`, returning the text's language; `tokens` is left empty when no word is relevant. */
  readBio(text: string, starts: TermStarts): BioLanguage | undefined {
    scan(text, this.vocabulary, this.hashtags, this.raw);
    const language = detectLanguage(text, this.raw, this.vocabulary);
    if (mayStartTerm(this.raw, text, starts, this.vocabulary)) this.concepts(text);
    else this.tokens.n = 0;
    return language;
  }

  private concepts(text: string): void {
    if (this.words.length < this.raw.n) this.words = new Int32Array(this.raw.id.length);
    canonicalise(this.raw, text, this.vocabulary, this.tokens, this.words);
  }

  toTokens(text: string): Token[] {
    const t = this.tokens;
    const out: Token[] = [];
    for (let k = 0; k < t.n; k++) {
      const bits = t.bits[k] as number;
      out.push({
        text: t.textOf(k, text, this.vocabulary),
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

/** Lower-case hashtags split with the lexicon's words, nothing kept (analysing is not on a hot path). */
const LEXICON_HASHTAGS = new Hashtags(LEXICON, LEXICON_WORDS, false);

/** Reads a text as the matcher does (see the header), with the lexicon's words. */
export function analyse(text: string): Analysis {
  if (!text) return { tokens: [] };
  text = flat(text);
  const reader = new Reader(LEXICON, LEXICON_HASHTAGS);
  const language = reader.read(text, true);
  const tokens = reader.toTokens(text);
  return language ? { tokens, language } : { tokens };
}

/**
 * The concepts a persona term stands for (`"Directrice des RH"` → `~director hr`); empty when the
 * term has no word to match (`"de"`, `"—"`). The config loader refuses such terms.
 */
export function termConcepts(term: string): string[] {
  term = flat(term);
  const reader = new Reader(LEXICON, undefined);
  reader.read(term, false, true);
  const concepts: string[] = [];
  for (let k = 0; k < reader.tokens.n; k++) concepts.push(reader.tokens.textOf(k, term, LEXICON));
  return concepts;
}
