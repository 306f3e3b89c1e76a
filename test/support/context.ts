import type { Database } from '../../db/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { silentLogger } from '../../src/log.ts';
import type { XDoor } from '../../src/x/door.ts';

/**
 * A job's context for tests: the database, the door to the sandbox and its clock, the config;
 * silent logs, no real waiting, a fixed random draw, no abort. Anything can be overridden.
 */
export function jobContext(base: Pick<JobContext, 'config' | 'now'> & { db: Database; x: XDoor }, over: Partial<JobContext> = {}): JobContext {
  return {
    log: silentLogger(),
    signal: new AbortController().signal,
    workerId: 'test-worker',
    sleep: async () => {},
    random: () => 0.5,
    dryRun: false,
    ...base,
    ...over,
  };
}
