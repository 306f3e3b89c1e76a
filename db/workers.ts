import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client.ts';
import { rows } from './rows.ts';

/**
 * Which workers are alive. Each process that may act (a worker, or a command performing a click)
 * holds a session advisory lock named after its id for as long as it runs; the server drops the
 * lock when the process or its connection dies. A holder is dead when its lock can be taken. (On
 * PGlite there is one process: every other id is dead.)
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

/** Holds this worker's liveness lock; returns its release. */
export function holdWorkerLock(handle: DatabaseHandle, workerId: string): Promise<() => Promise<void>> {
  return handle.holdLock(lockKey(workerId));
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
  const release = await handle.holdLock(announceKey(workerId), { applicationName: announceName(workerId) });
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
