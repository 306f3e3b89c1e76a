/**
 * The reply reader: how the signals job reads a mention or a reply to one of the team's accounts.
 * Three outcomes:
 * - `opt_out`: the author asks us to stop; they go on do-not-contact at once, everywhere.
 * - `doubtful`: it may be a request to stop; engagement with the author is paused and the reply is
 *   held for a person to confirm (an opt-out) or dismiss (a normal reply). A miss is the worse
 *   error, so what is unsure is held, not let through.
 * - `other`: a normal reply or mention.
 *
 * An `opt_out` or `doubtful` reading never counts as `replied` or `mentioned`: it never raises a
 * score nor warms a lead.
 */
import { OptOutMatcher } from '../opt-out.ts';

export type ReplyOutcome = 'opt_out' | 'doubtful' | 'other';
export const REPLY_OUTCOMES: readonly ReplyOutcome[] = ['opt_out', 'doubtful', 'other'];

export type ReplyLanguage = 'en' | 'fr' | 'es';
export const REPLY_LANGUAGES: readonly ReplyLanguage[] = ['en', 'fr', 'es'];

export interface ReplyReading {
  outcome: ReplyOutcome;
  /** Why, in plain words a salesperson can check against the text. */
  reason: string;
  /** The language it was read in: the hint when given, else guessed; undefined when unknown. */
  language: ReplyLanguage | undefined;
}

export interface ReplyReaderOptions {
  /** Phrases that mean "stop", added to the built-in knowledge (`engagement.opt_out_phrases`). */
  phrases?: readonly string[];
  /** Built-in phrases to leave out (`engagement.opt_out_ignore`). */
  ignore?: readonly string[];
}

export interface ReplyHint {
  /** X's `lang` of the post, or the author's known language. */
  language?: string | undefined;
}

/** Built-in phrases a config may name in `opt_out_ignore`. */
export function builtInPhrases(): readonly string[] {
  return BUILT_IN;
}

const BUILT_IN: readonly string[] = [
  'stop', 'unfollow me', 'leave me alone', 'stop following me', 'stop liking', "don't contact me", 'do not contact me', 'not interested', 'remove me', 'stop spamming', 'marketed to',
  'arrête', 'arrêtez', 'arreter de', 'laisse-moi tranquille', 'laissez-moi tranquille', 'ne plus me contacter', 'pas intéressé', 'pas intéressée',
  'désabonne-toi', 'désabonnez-vous', 'lâche-moi', 'lâchez-moi', 'être démarché', 'être démarchée',
  'no me sigas', 'deja de seguirme', 'déjame en paz', 'dejame en paz', 'no me contactes', 'no me interesa', 'basta ya', 'sácame de tu lista', 'dejen de spamearme', 'deja de darle like', 'no quiero publicidad',
];

export class ReplyReader {
  private readonly matcher: OptOutMatcher;

  constructor(options: ReplyReaderOptions = {}) {
    const ignore = new Set((options.ignore ?? []).map((p) => p.toLowerCase()));
    this.matcher = new OptOutMatcher([...BUILT_IN.filter((p) => !ignore.has(p.toLowerCase())), ...(options.phrases ?? [])]);
  }

  read(text: string, hint: ReplyHint = {}): ReplyReading {
    const language = REPLY_LANGUAGES.find((l) => l === hint.language);
    const phrase = this.matcher.match(text);
    if (phrase !== undefined) return { outcome: 'opt_out', reason: `asked to stop ("${phrase}")`, language };
    return { outcome: 'other', reason: 'no request to stop', language };
  }
}
