import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { recordStop, clearStop } from '../db/accounts.ts';
import { abandonAction, claimAction, finishAction, planActions, takeOrphan } from '../db/actions.ts';
import { upsertProspects } from '../db/prospects.ts';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { announceWorker } from '../db/workers.ts';
import { finishRun, startRun } from '../db/runs.ts';
import { registerStatusCommands } from '../src/commands/status.ts';
import type { Health } from '../src/observe/health.ts';
import type { RuntimeOptions } from '../src/runtime.ts';
import { pgliteDataDir, prospectInput, xid } from './support/db.ts';

/**
 * `prospector status`, `pause` and `resume` through commander, as an operator runs them: no
 * worker running, no X opened, the database in a temporary directory (PGlite) or a scratch
 * PostgreSQL database when TEST_DATABASE_URL is set.
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

interface Target {
  name: string;
  runtime: RuntimeOptions;
  open(): Promise<DatabaseHandle>;
  cleanup(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  // A migrated database from the test run's template: creating one takes seconds.
  const { dataDir, remove } = await pgliteDataDir();
  return { name: 'PGlite', runtime: { dataDir }, open: () => openDatabase({ dataDir }), cleanup: async () => remove() };
}

async function postgresTarget(url: string): Promise<Target> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `prospector_status_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database "${name}"`);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    name: 'PostgreSQL',
    runtime: { databaseUrl: dbUrl.toString() },
    open: () => openDatabase({ url: dbUrl.toString(), poolSize: 2 }),
    cleanup: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

const kinds = [{ kind: 'PGlite' }, ...(TEST_DATABASE_URL ? [{ kind: 'PostgreSQL' }] : [])];

describe.each(kinds)('prospector status / pause / resume [$kind]', ({ kind }) => {
  let target: Target;

  beforeAll(async () => {
    target = kind === 'PGlite' ? await pgliteTarget() : await postgresTarget(TEST_DATABASE_URL!);
  });
  afterAll(async () => {
    await target?.cleanup();
  });
  afterEach(() => {
    process.exitCode = undefined;
  });

  async function prospector(...args: string[]): Promise<{ out: string; said: string[]; code: number | undefined }> {
    let out = '';
    const said: string[] = [];
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerStatusCommands(program, { out: (text) => (out += text), say: (line) => said.push(line), runtime: target.runtime });
    await program.parseAsync(['node', 'prospector', ...args]);
    const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
    process.exitCode = undefined;
    return { out, said, code };
  }

  /** Writes to the database between commands (PGlite allows one handle at a time). */
  async function withDatabase(fn: (handle: DatabaseHandle) => Promise<void>): Promise<void> {
    const handle = await target.open();
    try {
      await migrate(handle);
      await fn(handle);
    } finally {
      await handle.close();
    }
  }

  it('status: says first that no worker runs (exit 1), then each job and its next tick; --json is /healthz with the workers', async () => {
    const shown = await prospector('status');
    expect(shown.code).toBe(1);
    expect(shown.out).toMatch(/^Prospector: NOT RUNNING — no worker is running, so no job runs on schedule; start one with `prospector worker` \(npm start\)\. The rest looks healthy \(at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\)/);
    expect(shown.out).toMatch(/^workers\s+none running$/m);
    expect(shown.out).toMatch(/^paused\s+no$/m);
    expect(shown.out).toMatch(/^job\s+last tick \(UTC\)\s+outcome\s+duration\s+next \(UTC\)\s+schedule/m);
    expect(shown.out).toMatch(/^search\s+never\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+\*\/30 8-18 \* \* 1-5 \(Europe\/Paris\)/m);
    expect(shown.out).toMatch(/^score\s+never\s+after search\s+after search/m);
    const json = JSON.parse((await prospector('status', '--json')).out) as Health & { workers: unknown[] };
    expect(json).toMatchObject({ healthy: true, worker: null, workers: [], checks: { database: { state: 'ok' }, pause: { paused: false } } });
    expect(json.checks.jobs.jobs.map((j) => j.job)).toEqual(['search', 'engage', 'signals', 'score', 'queue']);
  });

  it('pause says who and why, keeps the first pause, shows in status (still healthy); resume says whether there was one', async () => {
    const paused = await prospector('pause', '--reason', 'deploying 1.4', '--as', 'ops');
    expect(paused.code).toBeUndefined();
    expect(paused.out).toBe('Paused every worker (by ops: deploying 1.4). They stop acting within one tick; `prospector resume` lifts it.\n');
    const again = await prospector('pause', '--reason', 'something else', '--as', 'maya');
    expect(again.out).toMatch(/^Already paused since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC by ops: deploying 1\.4; that pause stays\./);

    const status = await prospector('status');
    expect(status.out).toMatch(/The rest looks healthy, with warnings/);
    expect(status.out).toMatch(/^paused\s+yes, since .* UTC by ops: deploying 1\.4$/m);

    const resumed = await prospector('resume');
    expect(resumed.out).toMatch(/^Resumed \(paused since .* UTC by ops: deploying 1\.4\): workers act again from their next tick\.\n$/);
    const nothing = await prospector('resume');
    expect(nothing.code).toBeUndefined();
    expect(nothing.out).toBe('Nothing to resume: no pause was in force.\n');
    expect((await prospector('status')).out).toMatch(/^paused\s+no$/m);
  });

  it('status exits 1 when a job last failed or X stopped every call, and says why', async () => {
    const tick = new Date(Date.now() - 30 * 60_000);
    await withDatabase(async ({ db }) => {
      const id = (await startRun(db, { job: 'search', tick, workerId: 'w1', at: tick }))!;
      await finishRun(db, { id, status: 'failed', error: "X answered 503 'Service Unavailable'", at: new Date(tick.getTime() + 90_000) });
    });
    const failed = await prospector('status');
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/^Prospector: NOT RUNNING .* The rest looks UNHEALTHY/);
    expect(failed.out).toMatch(/✗ jobs: the last run failed: search/);
    expect(failed.out).toMatch(/^search\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}\s+failed\s+1 min 30 s\s+.*X answered 503 'Service Unavailable'$/m);
    expect(JSON.parse((await prospector('status', '--json')).out)).toMatchObject({ healthy: false });

    await withDatabase(async ({ db }) => {
      const id = (await startRun(db, { job: 'search', tick: new Date(tick.getTime() + 60_000), workerId: 'w1', at: new Date() }))!;
      await finishRun(db, { id, status: 'ok', at: new Date() });
      await recordStop(db, { kind: 'credits_depleted', detail: 'X answered 402: no credit left', at: new Date(), until: null });
    });
    const stopped = await prospector('status');
    expect(stopped.code).toBe(1);
    expect(stopped.out).toMatch(/✗ stops: X stopped every call: credits_depleted/);
    expect(stopped.out).toContain('X stopped every call:\n  credits_depleted since');
    expect(stopped.out).toContain('until cleared (prospector stops clear credits_depleted): X answered 402: no credit left');

    await withDatabase(async ({ db }) => {
      await clearStop(db, 'credits_depleted');
    });
    expect((await prospector('status')).out).toMatch(/The rest looks healthy \(/);
  });

  it('status lists the likes and follows whose answer was lost, with their attempts, and warns when one stays unknown', async () => {
    const sent = new Date(Date.now() - 2 * 3_600_000);
    await withDatabase(async ({ db }) => {
      await upsertProspects(db, [prospectInput(1), prospectInput(2)]);
      const planned = await planActions(db, [1, 2].map((n) => ({ account: '1500000000000000001', kind: 'like' as const, target: xid(100 + n), prospectId: xid(n), persona: 'p' })), sent);
      for (const a of planned) await claimAction(db, { id: a.id, workerId: 'gone', actor: 'engage', checks: [], at: sent, leaseMs: 0 });
      await abandonAction(db, { id: planned[0]!.id, error: 'POST 127.0.0.1/2/users/1/likes: ECONNRESET; outcome unknown: settled by reading X' });
      // The second: read twice more, X unreachable each time.
      for (let i = 0; i < 3; i++) {
        await takeOrphan(db, { id: planned[1]!.id, workerId: 'w2', at: sent, leaseMs: 0 });
        await abandonAction(db, { id: planned[1]!.id, error: "could not read @maya_sells's likes on X to settle it: 503", workerId: 'w2' });
      }
    });
    const out = await prospector('status');
    expect(out.out).toContain('Likes and follows whose answer was lost (settled by reading X at the next engage run):');
    expect(out.out).toMatch(new RegExp(`^\\s*\\d+\\s+1500000000000000001\\s+like\\s+${xid(101)}\\s+\\S+ \\S+\\s+0\\s+POST 127.0.0.1`, 'm'));
    expect(out.out).toMatch(new RegExp(`^\\s*\\d+\\s+1500000000000000001\\s+like\\s+${xid(102)}\\s+\\S+ \\S+\\s+3\\s+could not read`, 'm'));
    expect(out.out).toMatch(/! outcomes: 2 likes or follows whose answer was lost.*2 still unknown after 3 attempts or an hour/);
    const json = JSON.parse((await prospector('status', '--json')).out) as Health;
    expect(json.checks.outcomes.unsettled.map((a) => a.attempts).sort()).toEqual([0, 3]);
    // Settled (X was read at last): the list is empty again, for the tests after this one.
    await withDatabase(async ({ db }) => {
      for (const id of json.checks.outcomes.unsettled.map((a) => a.id)) await finishAction(db, { id, status: 'done', at: new Date() });
    });
    expect((await prospector('status')).out).not.toContain('whose answer was lost');
  });

  // Another process holding the embedded database is impossible (one process at a time), so a
  // running worker seen from a command is a PostgreSQL case.
  if (kind === 'PostgreSQL') {
    it('status lists the workers running, and is healthy (exit 0) with one; a stopped worker leaves the list', async () => {
      const handle = await target.open();
      try {
        await migrate(handle);
        const stop = await announceWorker(handle, 'ops-host:4242:a1b2c3');
        const running = await prospector('status');
        expect(running.code).toBeUndefined();
        expect(running.out).toMatch(/^Prospector: healthy \(at /);
        expect(running.out).toMatch(/^workers\s+1 running: ops-host:4242:a1b2c3 since \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/m);
        const json = JSON.parse((await prospector('status', '--json')).out) as { workers: Array<{ id: string }> };
        expect(json.workers.map((w) => w.id)).toEqual(['ops-host:4242:a1b2c3']);
        await stop();
        const stopped = await prospector('status');
        expect(stopped.code).toBe(1);
        expect(stopped.out).toMatch(/^workers\s+none running$/m);
      } finally {
        await handle.close();
      }
    });
  }
});
