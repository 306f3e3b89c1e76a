import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import engage from '../jobs/engage.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import { performAction, reconcilePending, type EngageDeps } from '../src/engage/perform.ts';
import { silentLogger } from '../src/log.ts';
import { jobContext, openRuntime, type Runtime } from '../src/runtime.ts';
import { createScratchDatabase, ENGAGE_FIXTURE, type LoggedRequest, type ScratchDatabase } from './support/engage-child.ts';
import { startTestSandbox, T0, type TestSandbox } from './support/sandbox.ts';

/**
 * Fencing, on PostgreSQL (PGlite has one process and one session, which cannot be lost alone).
 *
 * Two runtimes share one database and one sandbox: the holder engages (mode auto, likes and
 * follows answered after 1.5 s, so one is always out), the taker only settles what it finds
 * orphaned. Mid-share, every backend of the database but the taker's lock session is terminated,
 * as an operator's `pg_terminate_backend` or a restarting server would do. The holder is then seen
 * as dead (its lock is free) while it lives. The sandbox's request log must show:
 *
 * - the taker takes nothing over: the holder's request in flight is its own (under its lease), and
 *   no target is accepted twice;
 * - no like or follow reaches X from the holder after the loss, while the lock is not its own again
 *   (the test holds the holder's lock key meanwhile, so the holder cannot take it back too soon);
 * - the holder records the request it had out (done, once), and takes its lock back with a new
 *   session once it can.
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const SKIP = 'skipped: set TEST_DATABASE_URL=postgres://… to run the fencing test against PostgreSQL';
const LATENCY_MS = 1500;

const suite = TEST_DATABASE_URL ? describe : describe.skip;
if (!TEST_DATABASE_URL) console.warn(`fencing test ${SKIP}`);

const isWrite = (r: LoggedRequest) => r.method === 'POST' && /^\/2\/users\/[0-9]+\/(likes|following)$/.test(r.path);
const accepted = (r: LoggedRequest) => r.status === 200 || r.fault === 'drop_after';
const targetOf = (r: LoggedRequest) => {
  const body = r.body as { tweet_id?: string; target_user_id?: string } | null;
  return `${r.user}:${body?.tweet_id ?? body?.target_user_id}`;
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

suite(`a worker that loses its database session${TEST_DATABASE_URL ? '' : ` (${SKIP})`}`, () => {
  let sb: TestSandbox;
  let scratch: ScratchDatabase;
  let config: LoadedConfig;
  let holder: Runtime;
  let taker: Runtime;
  let admin: pg.Client;

  beforeAll(async () => {
    config = await loadConfig({ file: join(ENGAGE_FIXTURE, 'config/prospector.yaml'), cwd: ENGAGE_FIXTURE });
    // A running clock: the request log's times say when each request arrived.
    sb = await startTestSandbox({ users: 8000, tokenLifetimeSeconds: 365 * 86_400, clock: { start: T0, mode: 'running' } });
    await sb.advance((14 * 60 + 40) * 60);
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const open = () => openRuntime({ config, databaseUrl: scratch.url, sandboxUrl: sb.url, announceSandbox: false });
    holder = await open();
    taker = await open();
    admin = new pg.Client({ connectionString: scratch.url });
    admin.on('error', (error) => console.warn(`the test's own connection failed: ${error.message}`));
    await admin.connect();
    const ctx = await jobContext(holder, 'search', { pacing: false });
    await search(ctx);
    await score({ ...ctx });
  }, 120_000);

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await holder?.close();
    await taker?.close();
    await sb?.close();
    await scratch?.drop();
  });

  it('sends nothing after the loss, takes its lock back, and nobody takes over its action in flight', async () => {
    const requests = async () => (await sb.admin<{ requests: LoggedRequest[] }>('/__sandbox/requests?since=0')).requests;
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'likes.create': { latency_ms: LATENCY_MS }, 'follows.create': { latency_ms: LATENCY_MS } } });
    const changes: Array<{ held: boolean; at: number }> = [];
    holder.lock.onChange((held) => changes.push({ held, at: sb.clock.now() }));

    const run = engage(await jobContext(holder, 'engage', { pacing: false })).then(
      (outcome) => ({ outcome, error: undefined }),
      (error: unknown) => ({ outcome: undefined, error: error as Error }),
    );
    // The holder's first like or follow is out (pending, under its id) and a second is done or out later.
    const inFlight = await until('a like or follow of the holder in flight', async () => {
      const { rows } = await admin.query<{ id: string; target: string; kind: string }>(`select id, target, kind from actions where status = 'pending' and worker_id = $1 limit 1`, [holder.workerId]);
      return rows[0];
    });

    // Every backend but the taker's lock session: the holder's lock, its pool, ours.
    const lossAt = sb.clock.now();
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and pid <> $1', [taker.lock.sessionPid]);

    // The taker looks at once: the holder's lock is free, but its request may be out.
    const door = await taker.x();
    const deps: EngageDeps = {
      db: taker.database.db,
      door,
      log: silentLogger(),
      now: () => taker.now(),
      workerId: taker.workerId,
      tier: config.worker.tier,
      personas: config.personas,
      engagement: config.worker.engagement,
    };
    const report = await reconcilePending(deps);
    expect(report).toMatchObject({ reconciled: 0, confirmed: 0, resent: 0, unsettled: 0 });

    // Keep the holder's lock from it for a while: it must not act in the meantime. Had it taken
    // its lock back already (a slow machine), its new session goes too, in the same statement.
    await until('the test to hold the holder lock', async () => {
      const { rows: grabbed } = await admin.query<{ locked: boolean }>(
        `with cut as materialized (select pg_terminate_backend(pid, 5000) from pg_stat_activity where pid = $2)
         select pg_try_advisory_lock(hashtextextended($1, 0)) as locked from (select count(*) from cut) c`,
        [holder.lock.key, holder.lock.sessionPid ?? 0],
      );
      return grabbed[0]?.locked ? true : undefined;
    });
    // The holder's share ends: refused by the fence, or failed by a statement a termination cut
    // (or done, had it taken its lock back and finished before the second cut).
    const ended = await run;
    if (ended.error) expect(`${ended.error.message} ${(ended.error.cause as Error | undefined)?.message}`).toMatch(/lost its database lock|terminating connection|Connection terminated|connection error|ECONNRESET|EPIPE/);
    expect(holder.lock.held).toBe(false);
    // Fenced, a like or follow is refused before anything is written or sent (the database answers again).
    const holderDeps: EngageDeps = { ...deps, db: holder.database.db, door: await holder.x(), workerId: holder.workerId, now: () => holder.now() };
    const { rows: planned } = await admin.query<{ id: string }>(`select id from actions where status = 'planned' order by id limit 1`);
    const next = Number(planned[0]!.id);
    await expect(performAction(holderDeps, next, 'engage')).rejects.toThrow(/lost its database lock/);
    await new Promise((r) => setTimeout(r, 300));
    const fencedUntil = sb.clock.now();
    await admin.query('select pg_advisory_unlock(hashtextextended($1, 0))', [holder.lock.key]);
    await until('the holder to take its lock back', async () => (holder.lock.held ? true : undefined), 15_000);
    expect(changes[0]).toMatchObject({ held: false });
    expect(changes.at(-1)).toMatchObject({ held: true });
    expect(holder.lock.losses).toBeGreaterThanOrEqual(1);
    // Its lock back on a new session, it acts again.
    expect((await performAction(holderDeps, next, 'engage')).status).toBe('done');

    const log = (await requests()).filter(isWrite);
    // Nothing arrived at X while the holder was without its lock: from the moment it learnt of a
    // loss (a request sent just before arrives a few milliseconds later: 100 ms of grace) to the
    // moment it had the lock again.
    expect(changes[0]!.at).toBeGreaterThanOrEqual(lossAt);
    const withoutLock: Array<[number, number]> = [];
    changes.forEach((c, i) => {
      if (!c.held) withoutLock.push([c.at + 100, changes.slice(i + 1).find((n) => n.held)?.at ?? fencedUntil]);
    });
    expect(withoutLock.some(([from, to]) => to - from >= 300), 'the holder was without its lock for a while').toBe(true);
    const during = log.filter((r) => withoutLock.some(([from, to]) => Date.parse(r.time) >= from && Date.parse(r.time) <= to));
    expect(during.map((r) => `${r.path} ${JSON.stringify(r.body)} at ${r.time}`)).toEqual([]);
    // No target accepted twice; the action in flight arrived once, before the loss, and is done.
    const perTarget = new Map<string, number>();
    for (const r of log.filter(accepted)) perTarget.set(targetOf(r), (perTarget.get(targetOf(r)) ?? 0) + 1);
    expect([...perTarget].filter(([, n]) => n > 1)).toEqual([]);
    // Done by the holder, or (when the termination cut its record) still its own under its lease:
    // nobody took it over, and it reached X once.
    const { rows: after } = await admin.query<{ status: string; worker_id: string | null; sends: number; reconcile_attempts: number }>('select status, worker_id, sends, reconcile_attempts from actions where id = $1', [inFlight.id]);
    expect([{ status: 'done', worker_id: null }, { status: 'pending', worker_id: holder.workerId }]).toContainEqual({ status: after[0]!.status, worker_id: after[0]!.worker_id });
    expect(after[0]).toMatchObject({ sends: 1, reconcile_attempts: 0 });
    expect(log.filter((r) => r.body && targetOf(r).endsWith(`:${inFlight.target}`))).toHaveLength(1);
    const { rows: taken } = await admin.query<{ n: number }>(`select count(*)::int as n from actions where reconcile_attempts > 0`);
    expect(taken[0]?.n).toBe(0);
  }, 90_000);
});
