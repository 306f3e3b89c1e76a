/** How reasons write what a bio or a post says: quotes, spans, "said as", levels, languages. */
import { samePlainWords } from './fold.ts';
import type { BioLanguage } from './language.ts';
import { SENIORITY_LEVELS } from './lexicon.ts';
import { POINTS } from './points.ts';
import { MENTION, type TokenList } from './token-list.ts';
import type { Reason } from './types.ts';
import { COMPANY_WORD, type Vocabulary } from './vocabulary.ts';

export const LANGUAGE_NAMES: Readonly<Record<string, string>> = { en: 'English', fr: 'French', es: 'Spanish' };
/** Levels as reasons write them: `c-level`. */
export const LEVEL_NAMES = SENIORITY_LEVELS.map((level) => level.replace('_', '-'));
export const SENIORITY_TEXT = LEVEL_NAMES.map((level) => `seniority: ${level}`);
export const SENIORITY_REJECTED_TEXT = LEVEL_NAMES.map((level) => `seniority ${level} is not one the persona targets`);
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

export function quote(text: string): string {
  const clean = squeeze(text);
  return `'${clean.length > MAX_QUOTE ? clean.slice(0, MAX_QUOTE - 1) + '…' : clean}'`;
}

/** The text of tokens `from` to `to` (inclusive) as written. */
export function spanText(text: string, t: TokenList, from: number, to: number): string {
  return text.slice(t.start[from], t.end[to]);
}

/** "said as" suffix when the bio's words differ from the persona's term (`plain` is the term's plain words). */
export function asWritten(term: string, plain: string, written: string): string {
  return samePlainWords(plain, written) ? quote(written) : `${quote(written)} (persona: '${term}')`;
}

/** The employer named right after the role in its clause: "@acme", "at Acme", "chez Qonto", "en Acme". */
export function companyAfter(text: string, t: TokenList, to: number, vocabulary: Vocabulary): string | undefined {
  const clause = t.clause[to];
  let k = to + 1;
  if (k >= t.n || t.clause[k] !== clause) return undefined;
  if (((t.bits[k] as number) & MENTION) !== 0) return text.slice(t.start[k], t.end[k]);
  const id = t.id[k] as number;
  if (id < 0 || ((vocabulary.flags[id] as number) & COMPANY_WORD) === 0) return undefined;
  k++;
  if (k >= t.n || t.clause[k] !== clause) return undefined;
  if (((t.bits[k] as number) & MENTION) !== 0) return text.slice(t.start[k], t.end[k]);
  let last = k;
  for (let m = k + 1; m < t.n && t.clause[m] === clause && m - k < 4; m++) last = m;
  const name = text.slice(t.start[k], t.end[last]).trim();
  return name.length > 0 && name.length <= 40 ? name : undefined;
}

/** The reason each bio language gives a persona that wants `languages`. */
export function languageReasons(languages: ReadonlySet<string>): Record<BioLanguage, Reason> {
  const wanted = [...languages].join(', ');
  const reason = (language: BioLanguage): Reason =>
    languages.has(language)
      ? { points: POINTS.language, text: `bio in ${LANGUAGE_NAMES[language]}` }
      : { points: POINTS.languageOther, text: `bio in ${LANGUAGE_NAMES[language]}, persona wants ${wanted}` };
  return { en: reason('en'), fr: reason('fr'), es: reason('es') };
}
