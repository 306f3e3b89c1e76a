import { AUTHENTICITY_THRESHOLD, scoreAuthenticity } from './authenticity.ts';
import { activity, authority, type ComponentResult } from './components.ts';
import { combine, type Component, type Scored, type Weights } from './combine.ts';
import { compileMatcher, matchIntent, matchProfile, type Matcher, type MatcherPersona } from './match.ts';
import type { ProfileInput, Reason } from './types.ts';

/**
 * Scores a prospect for a persona: fit (profile vs persona), intent (the post's words),
 * authority (audience in range), activity, authenticity (profile-only bot-likeness) and signals
 * (what they did back), weighted per persona into 0–100 with the reasons in plain words.
 */

export type SignalKind = 'followed_back' | 'liked_back' | 'replied' | 'mentioned' | 'opt_out';

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
  mentioned: { value: 0.4, text: 'mentioned us' },
  liked_back: { value: 0.3, text: 'liked one of our posts' },
  opt_out: { value: 0, text: 'asked to be left alone' },
};

/** Reasons on a 0–100 scale become shares of their component. */
const shares = (reasons: readonly Reason[]) => reasons.map((r) => ({ share: r.points / 100, text: r.text }));

function signalsPart(signals: readonly SignalKind[]): ComponentResult {
  let value = 0;
  const reasons: ComponentResult['reasons'] = [];
  for (const kind of new Set(signals)) {
    const s = SIGNAL_VALUE[kind];
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
    const { profile } = input;
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
      const components = Object.fromEntries(['fit', 'intent', 'authority', 'activity', 'authenticity', 'signals'].map((c) => [c, 0])) as Record<Component, number>;
      return { score: 0, components, reasons: [{ points: -100, text }], explanation: text, features };
    }

    const intent = input.post ? matchIntent(this.matcher, input.post.text) : { intent: 0, reasons: [] };
    const authenticityReasons = shares(auth.reasons);
    if (auth.botProbability >= AUTHENTICITY_THRESHOLD && authenticityReasons.length === 0) {
      authenticityReasons.push({ share: -0.5, text: 'looks automated' });
    }
    const scored = combine(
      {
        fit: { value: fit.fit, reasons: shares(fit.reasons) },
        intent: { value: intent.intent, reasons: shares(intent.reasons) },
        authority: authority(profile, this.persona.who.audience ?? {}),
        activity: activity(profile, now, input.post?.createdAt.getTime()),
        authenticity: { value: auth.score / 100, reasons: authenticityReasons },
        signals: signalsPart(input.signals),
      },
      this.persona.weights,
    );
    return { ...scored, features };
  }
}
