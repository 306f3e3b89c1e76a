import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client.ts';
import { rows } from './rows.ts';

/**
 * Which workers are alive. Each worker holds a session advisory lock named after its id for as
 * long as it runs; the server drops the lock when the process or its connection dies. A worker is
 * dead when its lock can be taken. (On PGlite there is one process: every other id is dead.)
 */

const lockKey = (workerId: string) => `prospector.worker:${workerId}`;

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
