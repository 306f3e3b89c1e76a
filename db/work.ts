import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import { jobRuns, jobWork, workerPause, type RunStatus } from './schema.ts';

/**
 * Scheduled runs shared by every worker (invariant 5: exactly one run per tick).
 *
 * Each worker's cron fires at the same tick; the first to insert the `(job, tick)` row creates the
 * run and its work items in one transaction, the others find it. Then every worker claims items
 * (FOR UPDATE SKIP LOCKED), holding each with a lease it keeps extending while it works. An item
 * whose lease ran out — its worker died — is claimed again by whoever looks next. When no item is
 * left the run is finished, once.
 */

export type JobRunRow = typeof jobRuns.$inferSelect;
export type WorkItem = typeof jobWork.$inferSelect;

export interface WorkShare {
  persona?: string | null;
  account?: string | null;
}

/**
 * The run of `job` at `tick`: created with its items if nobody did yet, else the existing one.
 * `created` says which.
 */
export async function claimTick(
  db: Database,
  input: { job: string; tick: Date; workerId: string; shares: readonly WorkShare[]; at: Date; leaseMs: number },
): Promise<{ run: JobRunRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const [created] = await rows<{ id: string | number }>(
      tx,
      sql`insert into job_runs (job, persona, tick, started_at, status, worker_id, lease_until)
          values (${input.job}, null, ${input.tick.toISOString()}::timestamptz, ${input.at.toISOString()}::timestamptz, 'running', ${input.workerId},
                  ${new Date(input.at.getTime() + input.leaseMs).toISOString()}::timestamptz)
          on conflict (job, (coalesce(persona, '')), tick) where tick is not null do nothing
          returning id`,
    );
    if (created) {
      const id = Number(created.id);
      const shares = input.shares.length > 0 ? input.shares : [{}];
      await tx.insert(jobWork).values(shares.map((s) => ({ runId: id, persona: s.persona ?? null, account: s.account ?? null, status: 'pending' as const })));
      const [run] = await tx.select().from(jobRuns).where(eq(jobRuns.id, id));
      return { run: run!, created: true };
    }
    const [run] = await tx
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, input.job), sql`${jobRuns.persona} is null`, eq(jobRuns.tick, input.tick)));
    return { run: run!, created: false };
  });
}

/**
 * Claims one item of a run (or of any running run, without `runId`): pending, or running under a
 * lease that expired. Returns it with the lease set, or undefined when nothing is left to take.
 */
export async function claimWork(db: Database, input: { runId?: number; workerId: string; at: Date; leaseMs: number }): Promise<(WorkItem & { job: string; tick: Date | null }) | undefined> {
  const at = input.at.toISOString();
  const lease = new Date(input.at.getTime() + input.leaseMs).toISOString();
  const [row] = await rows<{ id: string | number }>(
    db,
    sql`update job_work w set status = 'running', worker_id = ${input.workerId}, lease_until = ${lease}::timestamptz,
          attempts = w.attempts + 1, started_at = coalesce(w.started_at, ${at}::timestamptz)
        where w.id = (
          select i.id from job_work i join job_runs r on r.id = i.run_id
          where r.status = 'running' ${input.runId === undefined ? sql`` : sql`and i.run_id = ${input.runId}`}
            and (i.status = 'pending' or (i.status = 'running' and i.lease_until < ${at}::timestamptz))
          order by i.id
          for update of i skip locked
          limit 1)
        returning w.id`,
  );
  if (!row) return undefined;
  const [item] = await db
    .select({ work: jobWork, job: jobRuns.job, tick: jobRuns.tick })
    .from(jobWork)
    .innerJoin(jobRuns, eq(jobRuns.id, jobWork.runId))
    .where(eq(jobWork.id, Number(row.id)));
  return item ? { ...item.work, job: item.job, tick: item.tick } : undefined;
}

/** Extends the lease of an item this worker holds; false when it no longer holds it. */
export async function heartbeat(db: Database, input: { id: number; workerId: string; at: Date; leaseMs: number }): Promise<boolean> {
  const done = await db
    .update(jobWork)
    .set({ leaseUntil: new Date(input.at.getTime() + input.leaseMs) })
    .where(and(eq(jobWork.id, input.id), eq(jobWork.workerId, input.workerId), eq(jobWork.status, 'running')))
    .returning({ id: jobWork.id });
  return done.length > 0;
}

/** Records how an item ended (only by the worker that holds it). */
export async function finishWork(
  db: Database,
  input: { id: number; workerId: string; status: 'done' | 'failed'; counts?: Record<string, number>; summary?: string | null; error?: string | null; at: Date },
): Promise<boolean> {
  const done = await db
    .update(jobWork)
    .set({ status: input.status, finishedAt: input.at, leaseUntil: null, counts: input.counts ?? null, summary: input.summary ?? null, error: input.error ?? null })
    .where(and(eq(jobWork.id, input.id), eq(jobWork.workerId, input.workerId), eq(jobWork.status, 'running')))
    .returning({ id: jobWork.id });
  return done.length > 0;
}

/** Gives an item back untouched (shutting down): another worker takes it at once. */
export async function releaseWork(db: Database, input: { id: number; workerId: string }): Promise<void> {
  await db
    .update(jobWork)
    .set({ status: 'pending', workerId: null, leaseUntil: null })
    .where(and(eq(jobWork.id, input.id), eq(jobWork.workerId, input.workerId), eq(jobWork.status, 'running')));
}

/**
 * Finishes a run whose items are all settled: ok, or failed when any item failed; counts summed.
 * Returns the run when this call finished it (exactly one caller does), else undefined.
 */
export async function finishRunIfDone(db: Database, input: { runId: number; at: Date }): Promise<JobRunRow | undefined> {
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(jobRuns).where(eq(jobRuns.id, input.runId)).for('update');
    if (!run || run.status !== 'running') return undefined;
    const items = await tx.select().from(jobWork).where(eq(jobWork.runId, input.runId)).orderBy(asc(jobWork.id));
    if (items.some((i) => i.status === 'pending' || i.status === 'running')) return undefined;
    const counts: Record<string, number> = {};
    for (const item of items) for (const [k, v] of Object.entries(item.counts ?? {})) counts[k] = (counts[k] ?? 0) + v;
    const failed = items.filter((i) => i.status === 'failed');
    const status: RunStatus = failed.length > 0 ? 'failed' : 'ok';
    const error = failed.length > 0 ? failed.map((i) => `${i.persona ?? i.account ?? 'all'}: ${i.error ?? 'failed'}`).join('; ') : null;
    const [finished] = await tx.update(jobRuns).set({ status, finishedAt: input.at, counts, error, leaseUntil: null }).where(eq(jobRuns.id, input.runId)).returning();
    return finished;
  });
}

/**
 * Scheduled runs still running that need someone: a share to take (pending, or a lease that ran
 * out), or every share settled but the run not finished (its last worker died in between).
 */
export async function runsWithWork(db: Database, at: Date): Promise<number[]> {
  const found = await rows<{ id: string | number }>(
    db,
    sql`select r.id from job_runs r
        where r.status = 'running' and r.tick is not null and (
          exists (select 1 from job_work i where i.run_id = r.id
                  and (i.status = 'pending' or (i.status = 'running' and i.lease_until < ${at.toISOString()}::timestamptz)))
          or not exists (select 1 from job_work i where i.run_id = r.id and i.status in ('pending', 'running')))
        order by r.id`,
  );
  return found.map((r) => Number(r.id));
}

/**
 * Ticks of `after` (a job scheduled after `job`) that are missing: `job` finished them since `since`
 * but no `after` run exists for the tick (its finishing worker died before starting it).
 */
export async function missingAfterTicks(db: Database, input: { job: string; after: string; since: Date }): Promise<Date[]> {
  const found = await db
    .select({ tick: jobRuns.tick })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, input.job),
        isNotNull(jobRuns.tick),
        sql`${jobRuns.status} <> 'running' and ${jobRuns.finishedAt} >= ${input.since.toISOString()}::timestamptz`,
        sql`not exists (select 1 from job_runs a where a.job = ${input.after} and a.persona is null and a.tick = ${jobRuns.tick})`,
      ),
    )
    .orderBy(asc(jobRuns.tick));
  return found.map((r) => r.tick!);
}

/** The scheduled run of `job` at `tick`, if anyone created it. */
export async function runAt(db: Database, input: { job: string; tick: Date }): Promise<JobRunRow | undefined> {
  const [run] = await db
    .select()
    .from(jobRuns)
    .where(and(eq(jobRuns.job, input.job), sql`${jobRuns.persona} is null`, eq(jobRuns.tick, input.tick)));
  return run;
}

/** The latest scheduled runs of each job (for health and status). */
export async function lastRuns(db: Database): Promise<JobRunRow[]> {
  return db.selectDistinctOn([jobRuns.job]).from(jobRuns).where(isNotNull(jobRuns.tick)).orderBy(jobRuns.job, desc(jobRuns.tick), desc(jobRuns.id));
}

export type Pause = typeof workerPause.$inferSelect;

/** Pauses every worker; returns the pause in force (the first one's reason is kept). */
export async function pauseAll(db: Database, input: { reason?: string | null; by: string; at: Date }): Promise<Pause> {
  await db.insert(workerPause).values({ id: 1, reason: input.reason ?? null, pausedAt: input.at, pausedBy: input.by }).onConflictDoNothing();
  const [pause] = await db.select().from(workerPause);
  return pause!;
}

/** Lifts the pause; returns whether there was one. */
export async function resumeAll(db: Database): Promise<boolean> {
  const gone = await db.delete(workerPause).returning({ id: workerPause.id });
  return gone.length > 0;
}

export async function currentPause(db: Database): Promise<Pause | undefined> {
  const [pause] = await db.select().from(workerPause);
  return pause;
}
