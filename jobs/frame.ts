import { activeStops, recordStop } from '../db/accounts.ts';
import type { StopKind } from '../db/schema.ts';
import { XCallError } from '../src/x/errors.ts';
import type { JobContext, JobHandler, JobResult } from './context.ts';

/**
 * The frame every run of a job goes through, whoever starts it (`runJob` for a run by hand, the
 * worker for each share of a scheduled run), so that jobs keep only their work:
 * - a job that calls X does not start while X's stop is in force (monthly cap, no credit);
 * - a stop X answers mid-run is recorded (it then holds for every job and worker), and the error
 *   goes on to the caller, which records the run as failed;
 * - the run is timed, and its outcome is one log line, human text and structured fields:
 *   `search growth-saas-en: 212 posts (180 new), 87 new prospects, 3 pages, ~$1.94, 0.96 s`.
 */

/** What the frame needs to know of a job. */
export interface FramedJob {
  name: string;
  handler: JobHandler;
  /** Whether the job calls X: while an X stop is in force it does not start. */
  callsX: boolean;
}

/** A run's outcome: the job's counts, and the frame's line as `summary`. */
export interface JobOutcome extends JobResult {
  /** `ok`: the job ran; `stopped`: an X stop in force kept it from starting. */
  status: 'ok' | 'stopped';
  seconds: number;
}

/** How a run is named in its line: `search`, `search growth-saas-en`, `signals @maya_sells`, `… (dry run)`. */
export function runLabel(job: string, ctx: Pick<JobContext, 'persona' | 'accounts' | 'dryRun'>): string {
  const scope = ctx.persona ? ` ${ctx.persona}` : ctx.accounts?.length ? ` ${ctx.accounts.map((a) => `@${a}`).join(' ')}` : '';
  return `${job}${scope}${ctx.dryRun ? ' (dry run)' : ''}`;
}

/** Runs one job (or a share of it) in the frame; see above. Rethrows what the job throws, once logged. */
export async function runFramed(job: FramedJob, ctx: JobContext): Promise<JobOutcome> {
  const began = performance.now();
  const seconds = () => Math.round(performance.now() - began) / 1000;
  const label = runLabel(job.name, ctx);
  const fields = {
    job: job.name,
    ...(ctx.persona ? { persona: ctx.persona } : {}),
    ...(ctx.accounts?.length ? { accounts: [...ctx.accounts] } : {}),
    ...(ctx.dryRun ? { dryRun: true } : {}),
  };

  if (job.callsX) {
    const stops = await activeStops(ctx.db, ctx.now());
    if (stops.length > 0) {
      const s = seconds();
      const summary = `${label}: stopped — ${stops.map((stop) => stop.detail).join('; ')}, ${s.toFixed(2)} s`;
      ctx.log.error({ ...fields, status: 'stopped', stops: stops.map((stop) => stop.kind), seconds: s }, summary);
      return { status: 'stopped', summary, counts: {}, seconds: s };
    }
  }

  let result: JobResult;
  try {
    result = await job.handler(ctx);
  } catch (error) {
    // Aborted by whoever started it (a worker stopping, a lost lease): the caller says what happens.
    if (ctx.signal.aborted) throw error;
    const s = seconds();
    const message = (error as Error)?.message ?? String(error);
    if (error instanceof XCallError && error.stopsAll) {
      if (!ctx.dryRun) await recordStop(ctx.db, { kind: error.kind as StopKind, detail: error.message, at: ctx.now() });
      ctx.log.error({ ...fields, status: 'stopped', stop: error.kind, err: message, seconds: s }, `${label}: stopped by X — ${message}, ${s.toFixed(2)} s`);
    } else {
      ctx.log.error({ ...fields, status: 'failed', err: message, seconds: s }, `${label}: failed — ${message}, ${s.toFixed(2)} s`);
    }
    throw error;
  }
  const s = seconds();
  const summary = `${label}: ${result.summary}, ${s.toFixed(2)} s`;
  ctx.log.info({ ...fields, status: 'ok', ...result.counts, seconds: s }, summary);
  return { status: 'ok', summary, counts: result.counts, seconds: s };
}
