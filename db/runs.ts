import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import { jobRuns, type RunStatus } from './schema.ts';
import { deadWorkers } from './workers.ts';

export type JobRun = typeof jobRuns.$inferSelect;

export interface StartRunInput {
  job: string;
  persona?: string | null;
  /** The scheduled instant this run is for; none for a manual run. */
  tick?: Date | null;
  workerId: string;
  at?: Date;
}

/**
 * Records that a run starts and returns its id. A scheduled tick is run once per job and persona,
 * whatever the number of workers: when another worker already holds this tick, returns undefined
 * and the caller skips it.
 */
export async function startRun(db: Database, input: StartRunInput): Promise<number | undefined> {
  const at = (input.at ?? new Date()).toISOString();
  const tick = input.tick ? input.tick.toISOString() : null;
  const [row] = await rows<{ id: string | number }>(
    db,
    sql`insert into job_runs (job, persona, tick, started_at, status, worker_id)
        values (${input.job}, ${input.persona ?? null}, ${tick}::timestamptz, ${at}::timestamptz, 'running', ${input.workerId})
        on conflict (job, (coalesce(persona, '')), tick) where tick is not null do nothing
        returning id`,
  );
  return row === undefined ? undefined : Number(row.id);
}

export interface FinishRunInput {
  id: number;
  status: Exclude<RunStatus, 'running'>;
  /** What the run did, e.g. { posts: 212, prospects: 87 }. */
  counts?: Record<string, number>;
  error?: string | null;
  at?: Date;
}

/** Records how a run ended. */
export async function finishRun(db: Database, input: FinishRunInput): Promise<void> {
  const done = await db
    .update(jobRuns)
    .set({ status: input.status, finishedAt: input.at ?? new Date(), counts: input.counts ?? null, error: input.error ?? null })
    .where(eq(jobRuns.id, input.id))
    .returning({ id: jobRuns.id });
  if (done.length === 0) throw new Error(`finishRun: no job run with id ${input.id}`);
}

/** A run by id. */
export async function getRun(db: Database, id: number): Promise<JobRun | undefined> {
  const [run] = await db.select().from(jobRuns).where(eq(jobRuns.id, id));
  return run;
}

/** The pid in a worker id (`host:pid:tag`), or undefined when it does not carry one. */
function pidOf(workerId: string): number | undefined {
  const parts = workerId.split(':');
  const pid = Number(parts.at(-2));
  return parts.length >= 3 && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Marks failed the runs by hand (`prospector run`: no tick, so no share and no lease that a worker
 * would take over) still `running` whose process is gone: its liveness lock (db/workers.ts) is
 * free, so it was killed or lost its connection without recording how the run ended. Runs of
 * `workerId` (the caller's own process) are left alone. Returns the runs so marked.
 */
export async function failDeadRuns(db: Database, input: { workerId: string; at: Date }): Promise<JobRun[]> {
  const running = await db
    .select({ id: jobRuns.id, workerId: jobRuns.workerId })
    .from(jobRuns)
    .where(and(eq(jobRuns.status, 'running'), isNull(jobRuns.tick), ne(jobRuns.workerId, input.workerId)));
  if (running.length === 0) return [];
  const dead = await deadWorkers(db, running.map((r) => r.workerId));
  const marked: JobRun[] = [];
  for (const run of running) {
    if (!dead.has(run.workerId)) continue;
    const pid = pidOf(run.workerId);
    const error = `the process (${pid === undefined ? `worker ${run.workerId}` : `pid ${pid}`}) died before the run finished; found by ${input.workerId}`;
    const [row] = await db
      .update(jobRuns)
      .set({ status: 'failed', finishedAt: input.at, error })
      .where(and(eq(jobRuns.id, run.id), eq(jobRuns.status, 'running')))
      .returning();
    if (row) marked.push(row);
  }
  return marked;
}
