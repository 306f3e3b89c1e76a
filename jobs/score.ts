import { saveScores, streamMatchesToScore, type MatchToScore, type ScoreInput } from '../db/matches.ts';
import { PersonaScorer } from '../src/scoring/score.ts';
import { joinLines, personasOf, type JobContext, type JobResult } from './context.ts';

/**
 * score: gives every new or changed match a score from 0 to 100 with its explanation. Matches are
 * streamed in batches and saved batch by batch, so memory stays flat however many are stored.
 */

const BATCH = 2000;

/**
 * The score of a stored match as of `at`: its profile, its post and every signal the person gave,
 * weighed as the scorer weighs them (a follow request accepted counts, as the README says signals
 * do). Every job that scores a stored match (score, signals) goes through here, so a match's score
 * does not depend on which job ran last.
 */
export function scoreStoredMatch(scorer: PersonaScorer, match: MatchToScore, at: Date): ScoreInput {
  const s = scorer.score({ profile: match.profile, post: match.post, signals: match.signals }, at.getTime());
  return { persona: match.persona, prospectId: match.prospectId, score: s.score, components: s.components, explanation: s.explanation, features: s.features, scoredAt: at };
}

export default async function score(ctx: JobContext): Promise<JobResult> {
  const counts = { personas: 0, scored: 0 };
  const lines: Array<[string, string]> = [];
  const now = ctx.now();

  for (const persona of personasOf(ctx)) {
    counts.personas++;
    const scorer = new PersonaScorer(persona);
    let scored = 0;
    let total = 0;
    for await (const batch of streamMatchesToScore(ctx.db, persona.id, BATCH)) {
      ctx.signal.throwIfAborted();
      const rows = batch.map((m) => scoreStoredMatch(scorer, m, now));
      for (const r of rows) total += r.score;
      if (!ctx.dryRun) await saveScores(ctx.db, rows);
      scored += rows.length;
      ctx.progress?.(`score ${persona.id}: ${scored} scored`);
    }
    counts.scored += scored;
    lines.push([persona.id, `${scored} scored${scored ? `, mean ${Math.round(total / scored)}` : ''}`]);
  }
  return { summary: joinLines(lines, ctx.persona !== undefined) || 'no personas', counts };
}
