/**
 * Recognises a post that asks us to stop ("@maya_sells stop", "arrête de me suivre stp", "no me
 * sigas más"), from the phrases in `engagement.opt_out_phrases`. Its author then goes on the
 * global do-not-contact list, so a miss costs more than a false alarm: a false alarm leaves one
 * person alone, a miss keeps engaging someone who asked us not to.
 *
 * How text is compared: case, accents and punctuation do not count ("ARRETE!" is "arrête"), and
 * phrases match whole words only ("stop" is not in "nonstop" or "stopwatch"). @mentions and links
 * are left out, so the handles a reply starts with do not count as words. Apostrophes and hyphens
 * separate words on both sides ("don't contact me", "laisse-moi tranquille").
 *
 * Two rules keep everyday words from reading as requests:
 * - A phrase right after a negation does not count: "don't stop believing", "never stop
 *   learning", "n'arrête pas", "please don't leave me alone".
 * - A phrase of one word ("stop", "arrête", "arrêtez" by default) is a plain verb in most posts,
 *   so it counts only as an order addressed to us: when it opens the post (after the leading
 *   @mentions: "@maya_sells stop", "@x STOP!", "@x arrête de me suivre stp"), or when it stands
 *   in a clause of its own of at most three words, clauses being cut at . , ; : ! ? … and line
 *   breaks ("I don't want this. Stop.", "ok, just stop", "no thanks. stop it please").
 *   "Stop guessing, start measuring" addressed to us therefore counts; see the first paragraph.
 * Phrases of several words ("stop following me", "deja de seguirme") count anywhere else.
 */

/** Words after which a phrase means the opposite. "t" is what is left of "don't", "n" of "n'arrête". */
const NEGATIONS: ReadonlySet<string> = new Set([
  'not', 'never', 't', 'dont', 'doesnt', 'didnt', 'cant', 'cannot', 'wont', 'wouldnt', 'shouldnt', 'couldnt', 'isnt', 'aint',
  'n', 'ne', 'jamais',
  'nunca', 'ni',
]);

/** A one-word phrase in a clause of at most this many words is a request on its own. */
const SHORT_CLAUSE_WORDS = 3;

/** Lower case, accents and other combining marks removed: "Arrêtez" → "arretez". */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase();
}

/** The words of a piece of folded text: letters and digits, anything else separates. */
function words(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/**
 * A post cut into clauses of words: links and @mentions removed, clauses split at sentence and
 * clause punctuation, line breaks and free-standing dashes. Empty clauses are dropped.
 */
export function clauses(text: string): string[][] {
  const plain = fold(text)
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/\s[-–—]+\s/g, '.');
  return plain
    .split(/[.,;:!?¡¿…\n\r()[\]{}"“”«»|/\u2013\u2014]+/)
    .map(words)
    .filter((c) => c.length > 0);
}

interface Phrase {
  /** As configured, to say which one matched. */
  text: string;
  words: string[];
}

export class OptOutMatcher {
  private readonly phrases: Phrase[];

  constructor(phrases: readonly string[]) {
    const seen = new Set<string>();
    this.phrases = [];
    for (const text of phrases) {
      const w = words(fold(text));
      const key = w.join(' ');
      if (w.length === 0 || seen.has(key)) continue;
      seen.add(key);
      this.phrases.push({ text, words: w });
    }
  }

  /** The configured phrase the post asks to stop with, or undefined. */
  match(text: string): string | undefined {
    const parts = clauses(text);
    for (const phrase of this.phrases) {
      for (const [c, clause] of parts.entries()) {
        for (let i = indexOf(clause, phrase.words, 0); i >= 0; i = indexOf(clause, phrase.words, i + 1)) {
          if (i > 0 && NEGATIONS.has(clause[i - 1] as string)) continue;
          if (phrase.words.length > 1) return phrase.text;
          const opensPost = c === 0 && i === 0;
          if (opensPost || clause.length <= SHORT_CLAUSE_WORDS) return phrase.text;
        }
      }
    }
    return undefined;
  }
}

/** Where `needle` starts in `hay` at or after `from`, whole words; -1 if nowhere. */
function indexOf(hay: readonly string[], needle: readonly string[], from: number): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
