/** The language of a bio, when its words and letters say so clearly. */
import { ALNUM } from './fold.ts';
import type { TokenList } from './token-list.ts';
import type { Vocabulary } from './vocabulary.ts';

export type BioLanguage = 'en' | 'fr' | 'es';

// Bits of `Vocabulary.lang`.
const EN = 1;
const FR = 2;
const ES = 4;

/** Words that are evidence for a language, as bits of `Vocabulary.lang` (the lexicon's vocabulary marks them). */
export const LANGUAGE_WORDS: ReadonlyArray<readonly [mask: number, words: string]> = [
  [EN, 'the and of at for with my i to on is are im about from by your our we you who all things just helping building working love lover views own opinions based father husband wife mom dad proud here this that will into world'],
  [FR, 'le les des du et chez pour avec je sur une mes est dans au aux ou mon ma nos notre vous tout tous pas qu passionne passionnee fier fiere aussi entre sans plus ici toujours ce cette directeur directrice fondateur fondatrice cofondateur cofondatrice charge chargee ingenieur developpeur stagiaire alternant alternante maman papa metier'],
  [ES, 'el los las del y para con mi mis soy una por que es al lo amante apasionado apasionada vida todo como pero sin mas muy desde hincha padre madre esposo esposa mundo cuenta siempre aqui este esta hijo hija orgulloso orgullosa directora jefe jefa gerente fundador fundadora cofundador cofundadora ingeniero ingeniera desarrollador desarrolladora becario becaria licenciado licenciada estudiante'],
  [FR | ES, 'de la en un'],
];

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

/** The language of `raw`, whose scanned words are `words` (ids of `vocabulary`), or undefined when unclear. */
export function detectLanguage(raw: string, words: TokenList, vocabulary: Vocabulary): BioLanguage | undefined {
  const lang = vocabulary.lang;
  let en = 0;
  let fr = 0;
  let es = 0;
  for (let k = 0; k < words.n; k++) {
    const id = words.id[k] as number;
    if (id < 0) continue;
    const mask = lang[id] as number;
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
