import { asc, isNotNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import { accounts, type LeadState, type RunStatus } from './schema.ts';

/**
 * Read-only queries for health, metrics and `prospector status`. Nothing here writes: health is
 * asked every few seconds by monitors and must not change what it looks at. (X stops in force come
 * from `activeStops` in accounts.ts, read-only too.)
 */

/** `select 1`: the database answers. */
export async function ping(db: Database): Promise<void> {
  await db.execute(sql`select 1`);
}

/** Runs recorded per job and status, scheduled and manual. */
export async function jobRunCounts(db: Database): Promise<Array<{ job: string; status: RunStatus; count: number }>> {
  return rows(db, sql`select job, status, count(*)::int as count from job_runs group by job, status order by job, status`);
}

export interface FinishedRun {
  job: string;
  status: Exclude<RunStatus, 'running'>;
  startedAt: Date;
  finishedAt: Date;
  /** Seconds from start to finish. */
  seconds: number;
}

/** The latest finished run of each job (scheduled or manual), by when it finished. */
export async function lastFinishedRuns(db: Database): Promise<FinishedRun[]> {
  const found = await rows<{ job: string; status: Exclude<RunStatus, 'running'>; started_at: string | Date; finished_at: string | Date; seconds: number }>(
    db,
    sql`select distinct on (job) job, status, started_at, finished_at,
               extract(epoch from (finished_at - started_at))::float8 as seconds
        from job_runs where finished_at is not null
        order by job, finished_at desc, id desc`,
  );
  return found.map((r) => ({ job: r.job, status: r.status, startedAt: new Date(r.started_at), finishedAt: new Date(r.finished_at), seconds: Number(r.seconds) }));
}

/** Leads per persona and state. */
export async function leadCounts(db: Database): Promise<Array<{ persona: string; state: LeadState; count: number }>> {
  return rows(db, sql`select persona, state, count(*)::int as count from leads group by persona, state order by persona, state`);
}

export interface ReadTotals {
  persona: string;
  today: { posts: number; users: number; requests: number; costUsd: number };
  total: { posts: number; users: number; requests: number; costUsd: number };
}

/** Each persona's metered reads: on `day` ('YYYY-MM-DD') and since the beginning. */
export async function readTotals(db: Database, day: string): Promise<ReadTotals[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`readTotals: day must be 'YYYY-MM-DD', got '${day}'`);
  const found = await rows<Record<string, string | number>>(
    db,
    sql`select persona,
               coalesce(sum(posts_read) filter (where day = ${day}::date), 0)::float8 as posts_today,
               coalesce(sum(users_read) filter (where day = ${day}::date), 0)::float8 as users_today,
               coalesce(sum(requests) filter (where day = ${day}::date), 0)::float8 as requests_today,
               coalesce(sum(estimated_cost_usd) filter (where day = ${day}::date), 0)::float8 as cost_today,
               sum(posts_read)::float8 as posts_total, sum(users_read)::float8 as users_total,
               sum(requests)::float8 as requests_total, sum(estimated_cost_usd)::float8 as cost_total
        from read_meter group by persona order by persona`,
  );
  const n = (v: string | number | undefined) => Number(v ?? 0);
  return found.map((r) => ({
    persona: String(r.persona),
    today: { posts: n(r.posts_today), users: n(r.users_today), requests: n(r.requests_today), costUsd: n(r.cost_today) },
    total: { posts: n(r.posts_total), users: n(r.users_total), requests: n(r.requests_total), costUsd: n(r.cost_total) },
  }));
}

export interface PausedAccount {
  handle: string;
  owner: string | null;
  pausedAt: Date;
  reason: string | null;
}

/** Handles of the accounts whose X user id is known, by that id (budgets and actions name the id). */
export async function accountHandles(db: Database): Promise<Map<string, string>> {
  const found = await db.select({ id: accounts.xUserId, handle: accounts.handle }).from(accounts).where(isNotNull(accounts.xUserId));
  return new Map(found.map((a) => [a.id!, a.handle]));
}

/** Accounts a refusal from X paused (`prospector accounts resume <handle>` lifts it). */
export async function pausedAccounts(db: Database): Promise<PausedAccount[]> {
  const found = await db
    .select({ handle: accounts.handle, owner: accounts.owner, pausedAt: accounts.pausedAt, reason: accounts.pausedReason })
    .from(accounts)
    .where(isNotNull(accounts.pausedAt))
    .orderBy(asc(accounts.handle));
  return found.map((a) => ({ ...a, pausedAt: a.pausedAt! }));
}
