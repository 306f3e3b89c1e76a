import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client.ts';
import { rows } from './rows.ts';
import type { SessionLock } from './session-lock.ts';

/**
 * Which workers are alive. Each process that may act (a worker, or a command performing a click)
 * holds a session advisory lock named after its id for as long as it runs; the server drops the
 * lock when the process or its connection dies. A holder is dead when its lock can be taken. (On
 * PGlite there is one process: every other id is dead.)
 *
 * Fencing: a live process may lose its lock (its backend terminated, the server restarted, the
 * network cut) and be seen as dead by the others, which then take over its pending actions. So the
 * lock is watched (db/session-lock.ts), and before each like or follow the process proves it still
 * holds it twice: in the transaction that records the action as pending (`stillHolds`: the session
 * this process believes holds the lock is the one pg_locks shows holding it), and in memory right
 * before the request leaves (`assertLive`). A process that lost its lock sends nothing until it
 * has taken the lock back. Takers wait out the holder's lease on each action (db/actions.ts), so a
 * request already in flight when the lock went is never doubled.
 *
 * A scheduled worker (`prospector worker`) also announces itself: it holds a second lock on a
 * connection whose application name carries its id, so `prospector status` can list the workers
 * running without any of them writing a row.
 */

const lockKey = (workerId: string) => `prospector.worker:${workerId}`;
const announceKey = (workerId: string) => `prospector.scheduler:${workerId}`;
/** The application name of an announcing connection (PostgreSQL keeps 63 bytes: a long host name is cut at its start). */
const ANNOUNCE_PREFIX = 'prospector worker ';
const announceName = (workerId: string) => {
  const room = 63 - ANNOUNCE_PREFIX.length;
  return ANNOUNCE_PREFIX + (workerId.length <= room ? workerId : `…${workerId.slice(-(room - 3))}`);
};

/** The liveness locks this process holds, by worker id. */
const heldHere = new Map<string, SessionLock>();

/** Holds this worker's liveness lock (watched, taken back when lost); release it to end. */
export async function holdWorkerLock(handle: DatabaseHandle, workerId: string): Promise<SessionLock> {
  const lock = await handle.holdSessionLock(lockKey(workerId), { label: `the worker lock of ${workerId} (nothing is sent to X without it)` });
  heldHere.set(workerId, lock);
  const release = lock.release.bind(lock);
  return Object.assign(lock, {
    release: async () => {
      if (heldHere.get(workerId) === lock) heldHere.delete(workerId);
      await release();
    },
  });
}

/** Thrown instead of sending to X when this process has lost its liveness lock. */
export class FencedError extends Error {
  constructor(readonly workerId: string) {
    super(`worker ${workerId} lost its database lock: it sends nothing to X until the lock is taken back (other workers may now settle its pending actions)`);
    this.name = 'FencedError';
  }
}

/**
 * Throws FencedError when this process holds `workerId`'s lock and has lost it. A worker id this
 * process holds no lock for (a test calling the functions directly) is not fenced here.
 */
export function assertLive(workerId: string): void {
  const lock = heldHere.get(workerId);
  if (lock && !lock.held) throw new FencedError(workerId);
}

/**
 * In the transaction of a write record: whether this process's lock for `workerId` is held, by the
 * very session this process believes holds it. True on PGlite and for a worker id this process
 * holds no lock for.
 */
export async function stillHolds(tx: Database, workerId: string): Promise<boolean> {
  const lock = heldHere.get(workerId);
  if (!lock) return true;
  if (!lock.held) return false;
  if (lock.sessionPid === null) return true;
  const [row] = await rows<{ held: boolean }>(
    tx,
    sql`select exists (
          select 1 from pg_locks
           where locktype = 'advisory' and granted and objsubid = 1 and pid = ${lock.sessionPid}
             and ((classid::bigint << 32) | objid::bigint) = hashtextextended(${lock.key}, 0)) as held`,
  );
  return row?.held === true;
}

/** The ids among `workerIds` whose worker is gone. */
export async function deadWorkers(db: Database, workerIds: readonly string[]): Promise<Set<string>> {
  const dead = new Set<string>();
  for (const id of new Set(workerIds)) {
    // A transaction-level try-lock conflicts with the holder's session lock and ends with the transaction.
    const [row] = await db.transaction(async (tx) => rows<{ free: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtextextended(${lockKey(id)}, 0)) as free`));
    if (row?.free) dead.add(id);
  }
  return dead;
}

/** A scheduled worker that is running now. */
export interface LiveWorker {
  /** Its id (host:pid:tag), the start of a very long host name cut. */
  id: string;
  /** When it started (its announcing connection opened). */
  since: Date;
}

/** Workers announced in this process (PGlite: one process, no other session to see). */
const announcedHere = new WeakMap<DatabaseHandle, Map<string, Date>>();

/** Announces a scheduled worker until the returned release is called (or the process dies). */
export async function announceWorker(handle: DatabaseHandle, workerId: string, at: Date = new Date()): Promise<() => Promise<void>> {
  const release = await handle.holdLock(announceKey(workerId), { applicationName: announceName(workerId), label: `the announcement of worker ${workerId} (what prospector status lists)` });
  const here = announcedHere.get(handle) ?? new Map<string, Date>();
  announcedHere.set(handle, here);
  here.set(workerId, at);
  return async () => {
    here.delete(workerId);
    await release();
  };
}

/** The scheduled workers running now, oldest first. */
export async function liveWorkers(handle: DatabaseHandle): Promise<LiveWorker[]> {
  const here = [...(announcedHere.get(handle) ?? new Map<string, Date>())].map(([id, since]) => ({ id, since }));
  if (handle.kind === 'pglite') return here.sort((a, b) => a.since.getTime() - b.since.getTime());
  const found = await rows<{ name: string; since: Date | string | null }>(
    handle.db,
    sql`select a.application_name as name, a.backend_start as since
          from pg_stat_activity a join pg_locks l on l.pid = a.pid
         where l.locktype = 'advisory' and l.granted and a.datname = current_database()
           and a.application_name like ${`${ANNOUNCE_PREFIX}%`}
         order by a.backend_start`,
  );
  const seen = new Set<string>();
  const live: LiveWorker[] = [];
  for (const row of found) {
    const id = row.name.slice(ANNOUNCE_PREFIX.length);
    if (seen.has(id)) continue;
    seen.add(id);
    live.push({ id, since: row.since ? new Date(row.since) : new Date(0) });
  }
  return live;
}
