import { buildQueue } from '../db/leads.ts';
import { accountOwners } from '../src/config/worker.ts';
import { notifyQueueReady } from '../src/notify/outbox.ts';
import { joinLines, personasOf, utcDay, type JobContext, type JobResult } from './context.ts';

/**
 * queue: once a day per persona, the top `per_day` matches scoring at least `min_score` that were
 * never queued, decided or put on do-not-contact become `new` leads, dealt in turn to the persona's
 * owners (or to every account owner when the persona names none). Running it again the same day
 * adds nothing unless the day had too few.
 *
 * Then the webhooks (`web.notify`) get their message, written to the outbox and sent in the
 * background: the job never waits on them. Written from the day's leads, once per webhook, so a
 * run taken over after a crash still writes it and a second run writes nothing.
 */
export default async function queue(ctx: JobContext): Promise<JobResult> {
  const day = utcDay(ctx.now());
  const everyone = accountOwners(ctx.config.worker);
  const counts = { personas: 0, queued: 0 };
  const lines: Array<[string, string]> = [];
  for (const persona of personasOf(ctx)) {
    counts.personas++;
    const owners = persona.queue.owners.length ? [...persona.queue.owners] : everyone;
    if (ctx.dryRun) {
      lines.push([persona.id, `would queue up to ${persona.queue.per_day} (min score ${persona.queue.min_score}) for ${owners.join(', ') || 'nobody'}`]);
      continue;
    }
    const created = await buildQueue(ctx.db, { persona: persona.id, day, perDay: persona.queue.per_day, minScore: persona.queue.min_score, owners, at: ctx.now() });
    counts.queued += created.length;
    await notifyQueueReady(ctx.db, { persona: persona.id, day, recipients: ctx.config.worker.web.notify, at: ctx.now() });
    lines.push([persona.id, `${created.length} new leads`]);
  }
  return { summary: `${joinLines(lines, ctx.persona !== undefined) || 'no personas'} (day ${day})`, counts };
}
