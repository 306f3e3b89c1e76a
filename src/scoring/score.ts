import { AUTHENTICITY_THRESHOLD, scoreAuthenticity } from './authenticity.ts';
import { activity, authority, type ComponentResult } from './components.ts';
import { combineScorerParts, type Component, type Scored, type Weights } from './combine.ts';
import { compileMatcher, matchIntent, matchProfile, type Matcher, type MatcherPersona } from './match.ts';
import type { ProfileInput, Reason } from './types.ts';

/**
 * Scores a prospect for a persona: fit (profile vs persona), intent (the post's words),
 * authority (audience in range), activity, authenticity (profile-only bot-likeness) and signals
 * (what they did back), weighted per persona into 0–100 with the reasons in plain words.
 */

export type SignalKind = 'followed_back' | 'follow_accepted' | 'liked_back' | 'replied' | 'mentioned' | 'opt_out';

/** What one prospect brings to scoring. */
export interface ScoringInput {
  profile: ProfileInput;
  post: { text: string; createdAt: Date } | null;
  signals: readonly SignalKind[];
}

export interface PersonaForScoring extends MatcherPersona {
  weights: Weights;
}

export interface ProspectScore extends Scored {
  /** What matching read from the bio, kept with the score for the queue and for learning. */
  features: {
    title?: string;
    role?: string;
    seniority?: string;
    company?: string;
    language?: string;
    excluded?: string;
    bot_probability: number;
  };
}

const SIGNAL_VALUE: Record<SignalKind, { value: number; text: string }> = {
  replied: { value: 0.7, text: 'replied to us' },
  followed_back: { value: 0.5, text: 'followed back' },
  follow_accepted: { value: 0.3, text: 'accepted our follow request' },
  mentioned: { value: 0.4, text: 'mentioned us' },
  liked_back: { value: 0.3, text: 'liked one of our posts' },
  opt_out: { value: 0, text: 'asked to be left alone' },
};

const NO_INTENT = Object.freeze({ intent: 0, reasons: Object.freeze([]) as readonly Reason[] });
const LOOKS_AUTOMATED: readonly Reason[] = Object.freeze([Object.freeze({ points: -50, text: 'looks automated' })]);
const NO_AUDIENCE = Object.freeze({});

const NO_SIGNALS: ComponentResult = Object.freeze({ value: 0, reasons: Object.freeze([]) as unknown as ComponentResult['reasons'] });

function signalsPart(signals: readonly SignalKind[]): ComponentResult {
  // Most prospects have done nothing yet.
  if (signals.length === 0) return NO_SIGNALS;
  let value = 0;
  const reasons: ComponentResult['reasons'] = [];
  for (const kind of new Set(signals)) {
    const s = SIGNAL_VALUE[kind];
    // A kind this scorer does not weigh (a newer database) counts for nothing rather than failing.
    if (!s) continue;
    value += s.value;
    if (s.value > 0) reasons.push({ share: s.value, text: s.text });
  }
  return { value: Math.min(1, value), reasons };
}

export class PersonaScorer {
  private readonly matcher: Matcher;

  constructor(private readonly persona: PersonaForScoring) {
    this.matcher = compileMatcher(persona);
  }

  score(input: ScoringInput, now: number): ProspectScore {
    const profile = input.profile;
    const fit = matchProfile(this.matcher, profile, { now });
    const auth = scoreAuthenticity(profile, now);
    const features: ProspectScore['features'] = { bot_probability: Math.round(auth.botProbability * 1000) / 1000 };
    if (fit.titleMatched) features.title = fit.titleMatched;
    if (fit.role) features.role = fit.role;
    if (fit.seniority) features.seniority = fit.seniority;
    if (fit.company) features.company = fit.company;
    if (fit.language) features.language = fit.language;

    if (fit.excluded !== undefined || input.signals.includes('opt_out')) {
      // Exclusions win over everything, and so does a request to be left alone.
      const text = fit.excluded !== undefined ? `excluded: '${fit.excluded}'` : 'asked to be left alone';
      if (fit.excluded !== undefined) features.excluded = fit.excluded;
      const components: Record<Component, number> = { fit: 0, intent: 0, authority: 0, activity: 0, authenticity: 0, signals: 0 };
      return { score: 0, components, reasons: [{ points: -100, text }], explanation: text, features };
    }

    const post = input.post;
    const intent = post ? matchIntent(this.matcher, post.text) : NO_INTENT;
    // Reasons in points on 100 are shares of their component: a plain "looks automated" is −0.5.
    const authenticityReasons = auth.botProbability >= AUTHENTICITY_THRESHOLD && auth.reasons.length === 0 ? LOOKS_AUTOMATED : auth.reasons;
    const scored = combineScorerParts(
      {
        fit: fit.fit,
        fitReasons: fit.reasons,
        intent: intent.intent,
        intentReasons: intent.reasons,
        authority: authority(profile, this.persona.who.audience ?? NO_AUDIENCE),
        activity: activity(profile, now, post ? post.createdAt.getTime() : undefined),
        authenticity: auth.score / 100,
        authenticityReasons,
        signals: signalsPart(input.signals),
      },
      this.persona.weights,
    );
    return { score: scored.score, components: scored.components, reasons: scored.reasons, explanation: scored.explanation, features };
  }
}
