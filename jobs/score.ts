import { saveScores, streamMatchesToScore, type ScoreInput } from '../db/matches.ts';
import { PersonaScorer, type SignalKind } from '../src/scoring/score.ts';
import { personasOf, type JobContext, type JobResult } from './context.ts';

/**
 * score: gives every new or changed match a score from 0 to 100 with its explanation. Matches are
 * streamed in batches and saved batch by batch, so memory stays flat however many are stored.
 */

const BATCH = 2000;

export default async function score(ctx: JobContext): Promise<JobResult> {
  const began = performance.now();
  const counts = { personas: 0, scored: 0 };
  const lines: string[] = [];
  const now = ctx.now();

  for (const persona of personasOf(ctx)) {
    counts.personas++;
    const scorer = new PersonaScorer(persona);
    let scored = 0;
    let total = 0;
    for await (const batch of streamMatchesToScore(ctx.db, persona.id, BATCH)) {
      ctx.signal.throwIfAborted();
      const rows: ScoreInput[] = batch.map((m) => {
        const s = scorer.score({ profile: m.profile, post: m.post, signals: m.signals as SignalKind[] }, now.getTime());
        total += s.score;
        return {
          persona: persona.id,
          prospectId: m.prospectId,
          score: s.score,
          components: s.components,
          explanation: s.explanation,
          features: s.features,
          scoredAt: now,
        };
      });
      if (!ctx.dryRun) await saveScores(ctx.db, rows);
      scored += rows.length;
      ctx.progress?.(`score ${persona.id}: ${scored} scored`);
    }
    counts.scored += scored;
    lines.push(`${persona.id}: ${scored} scored${scored ? `, mean ${Math.round(total / scored)}` : ''}`);
  }

  const seconds = ((performance.now() - began) / 1000).toFixed(2);
  const summary = `score${ctx.dryRun ? ' (dry run)' : ''}: ${lines.join('; ') || 'no personas'} in ${seconds} s`;
  ctx.log.info({ job: 'score', ...counts, seconds: Number(seconds) }, summary);
  return { summary, counts };
}
