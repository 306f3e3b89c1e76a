import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { actions, jobRuns, jobWork } from '../db/schema.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import { XDoor } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import { createScratchDatabase, ENGAGE_FIXTURE, startProspector, writeRequests, type LoggedRequest, type ProspectorChild, type ScratchDatabase } from './support/engage-child.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { seededRandom } from './support/seed.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

/**
 * Stops within `worker.shutdown_seconds` whatever is queued, with real processes on PostgreSQL
 * and the sandbox (fixture `test/fixtures/engage/config/stop.yaml`): engage in mode auto for three
 * accounts, the whole day's cap due, paced as X's pay-per-use tier asks (18 s between two likes,
 * or two follows, of one account), and 5 s allowed for a stop.
 *
 * - `prospector worker`, SIGTERM once the first likes and follows are answered: it exits 0 within
 *   the 5 s, nothing left pending (the actions in flight were recorded), the rest still planned,
 *   its engage share handed back.
 * - `prospector run engage`, SIGTERM the same way: exits 143 within the 5 s, its run recorded
 *   failed "stopped by SIGTERM".
 * - `prospector run engage` killed with SIGKILL leaves its run `running`; the next `prospector run`
 *   marks it failed: "the process (pid N) died".
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const SKIP_REASON = 'skipped: set TEST_DATABASE_URL=postgres://… to stop engage processes on PostgreSQL';
const CONFIG = 'config/stop.yaml';
const SHUTDOWN_MS = 5_000;
const DAY_S = 86_400;

const suite = TEST_DATABASE_URL ? describe : describe.skip;
if (!TEST_DATABASE_URL) console.warn(`stop tests ${SKIP_REASON}`);

suite(`stops while engage paces its actions${TEST_DATABASE_URL ? '' : ` (${SKIP_REASON})`}`, () => {
  let config: LoadedConfig;
  let sb: TestSandbox;
  let door: XDoor;
  let scratch: ScratchDatabase;
  let handle: DatabaseHandle;
  const children: Array<ProspectorChild | WorkerProcess> = [];

  beforeAll(async () => {
    config = await loadConfig({ file: join(ENGAGE_FIXTURE, CONFIG), cwd: ENGAGE_FIXTURE });
    expect(config.worker.worker.shutdown_seconds * 1000).toBe(SHUTDOWN_MS);
  });
  beforeEach(async () => {
    sb = await startTestSandbox({ users: 5000, tokenLifetimeSeconds: 365 * DAY_S });
    // Monday 23:40 UTC: the personas' whole day's cap is due at once.
    await sb.advance((14 * 60 + 40) * 60);
    door = await XDoor.sandbox(sb.url);
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    handle = await openDatabase({ url: scratch.url, poolSize: 2 });
    await migrate(handle);
    const ctx = () => jobContext({ db: handle.db, x: door, now: () => new Date(sb.clock.now()), config }, { workerId: 'stop-test', random: seededRandom('jitter'), pacing: false });
    await search(ctx());
    await score(ctx());
  }, 120_000);
  afterEach(async () => {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited));
    children.length = 0;
    await handle?.close();
    await scratch?.drop();
    door?.close();
    await sb?.close();
  });

  /** Likes and follows the sandbox carried out so far. */
  const acted = async () => writeRequests((await sb.admin<{ requests: LoggedRequest[] }>('/__sandbox/requests?since=0&method=POST')).requests).filter((w) => w.acted);
  /** Waits until X has carried out `n` likes and follows (the first of each queue), or `exited` settles. */
  async function actedAtLeast(n: number, exited: Promise<unknown>): Promise<void> {
    let gone = false;
    void exited.then(() => (gone = true));
    for (const until = Date.now() + 60_000; Date.now() < until && !gone; await delay(50)) {
      if ((await acted()).length >= n) return;
    }
    throw new Error(gone ? 'the process exited before acting' : `fewer than ${n} likes and follows in 60 s`);
  }
  const statuses = async () => {
    const rows = await handle.db.select({ status: actions.status }).from(actions);
    const count: Record<string, number> = {};
    for (const r of rows) count[r.status] = (count[r.status] ?? 0) + 1;
    return count;
  };

  it('a worker pacing several actions far apart gets SIGTERM and exits 0 within worker.shutdown_seconds', { timeout: 180_000 }, async () => {
    const worker = startWorkerProcess({ cwd: ENGAGE_FIXTURE, databaseUrl: scratch.url, sandboxUrl: sb.url, env: { PROSPECTOR_CONFIG: CONFIG } });
    children.push(worker);
    await actedAtLeast(2, worker.exited);
    const sentAt = Date.now();
    worker.terminate();
    const exit = await worker.exited;
    const took = Date.now() - sentAt;
    expect(exit, worker.stderr.slice(-3000)).toEqual({ code: 0, signal: null });
    expect(took, worker.stderr.slice(-3000)).toBeLessThan(SHUTDOWN_MS);
    expect(worker.stderr).not.toContain('exiting anyway');

    // The actions in flight were recorded, the queued ones are still planned, and every like or
    // follow X carried out is a done action.
    const count = await statuses();
    expect(count.pending ?? 0).toBe(0);
    expect(count.planned ?? 0).toBeGreaterThan(0);
    expect(count.done).toBe((await acted()).length);
    // The engage shares (one per persona) went back for another worker.
    const shares = await handle.db.select().from(jobWork);
    expect(shares.length).toBeGreaterThan(0);
    expect(shares.map((s) => s.status)).toEqual(shares.map(() => 'pending'));
    console.info(`worker stop: SIGTERM to exit ${took} ms, ${count.done} done, ${count.planned} still planned`);
  });

  it('prospector run engage stops on SIGTERM within worker.shutdown_seconds, exit 143, its run recorded failed', { timeout: 180_000 }, async () => {
    const child = startProspector(['run', 'engage'], { databaseUrl: scratch.url, sandboxUrl: sb.url, config: CONFIG });
    children.push(child);
    await actedAtLeast(2, child.exited);
    const sentAt = Date.now();
    process.kill(child.pid, 'SIGTERM');
    const exit = await child.exited;
    const took = Date.now() - sentAt;
    expect(exit.code, exit.stderr.slice(-3000)).toBe(143);
    expect(took, exit.stderr.slice(-3000)).toBeLessThan(SHUTDOWN_MS);
    expect(exit.stderr).toContain('SIGTERM: stopping engage');
    expect(exit.stderr).toContain('engage: stopped by SIGTERM before it finished; the run is recorded as failed');

    const runs = await handle.db.select().from(jobRuns);
    expect(runs.map((r) => ({ job: r.job, status: r.status, error: r.error, tick: r.tick }))).toEqual([{ job: 'engage', status: 'failed', error: 'stopped by SIGTERM before it finished', tick: null }]);
    const count = await statuses();
    expect(count.pending ?? 0, JSON.stringify(await handle.db.select().from(actions).where(eq(actions.status, 'pending'))) + exit.stderr.slice(-3000)).toBe(0);
    expect(count.planned ?? 0).toBeGreaterThan(0);
    expect(count.done).toBe((await acted()).length);
    console.info(`run stop: SIGTERM to exit ${took} ms, ${count.done} done, ${count.planned} still planned`);
  });

  it('a SIGKILLed prospector run leaves its run running; the next run marks it failed, naming the pid', { timeout: 180_000 }, async () => {
    const child = startProspector(['run', 'engage'], { databaseUrl: scratch.url, sandboxUrl: sb.url, config: CONFIG });
    children.push(child);
    await actedAtLeast(1, child.exited);
    child.kill();
    expect((await child.exited).signal).toBe('SIGKILL');
    const [left] = await handle.db.select().from(jobRuns);
    expect(left).toMatchObject({ job: 'engage', status: 'running' });
    expect(left!.workerId).toContain(`:${child.pid}:`);

    const next = startProspector(['run', 'queue'], { databaseUrl: scratch.url, sandboxUrl: sb.url, config: CONFIG });
    children.push(next);
    const exit = await next.exited;
    expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
    const [marked] = await handle.db.select().from(jobRuns).where(eq(jobRuns.id, left!.id));
    expect(marked).toMatchObject({ status: 'failed' });
    expect(marked!.error).toMatch(new RegExp(`^the process \\(pid ${child.pid}\\) died before the run finished; found by .+:${next.pid}:`));
    expect(marked!.finishedAt).not.toBeNull();
  });
});
