import { beforeEach, expect, it } from 'vitest';
import { ensureAccounts, pauseAccount, recordStop, saveAccountUserId } from '../db/accounts.ts';
import { budgets } from '../db/schema.ts';
import { finishRun, startRun } from '../db/runs.ts';
import { pauseAll } from '../db/work.ts';
import { collectHealth, type Health } from '../src/observe/health.ts';
import { AT, describeEachDatabase, minutesAfter, xid } from './support/db.ts';
import { statusSource, workerConfig } from './support/observe.ts';

/**
 * What makes Prospector unhealthy (database down, config errors, an X stop, a failed last run) and
 * what only shows (pause, used-up budgets, paused accounts), on both databases.
 */

const config = workerConfig();

describeEachDatabase('health', (t) => {
  beforeEach(() => t.reset());

  const health = (over: Partial<Parameters<typeof collectHealth>[1]> = {}): Promise<Health> => collectHealth(t.db, { config, now: AT, ...over });

  it('is healthy on an empty database, with every job and its next tick from the config', async () => {
    const h = await health();
    expect(h).toMatchObject({ healthy: true, status: 'ok', problems: [], warnings: [], worker: null, x: null, at: AT.toISOString() });
    expect(h.checks.database.state).toBe('ok');
    expect(Object.values(h.checks).every((c) => c.state === 'ok')).toBe(true);
    const jobs = Object.fromEntries(h.checks.jobs.jobs.map((j) => [j.job, j]));
    expect(Object.keys(jobs).sort()).toEqual(['engage', 'queue', 'score', 'search', 'signals']);
    // AT is Monday 2026-11-02 09:00 UTC.
    expect(jobs.search).toMatchObject({ schedule: '*/30 8-18 * * 1-5 (UTC)', next: '2026-11-02T09:30:00.000Z', last: null, state: 'ok' });
    expect(jobs.engage?.next).toBe('2026-11-02T09:10:00.000Z');
    expect(jobs.queue?.next).toBe('2026-11-03T07:30:00.000Z');
    expect(jobs.score).toMatchObject({ schedule: 'after search', next: null });
    // The schedule's time zone counts: 07:30 in Paris is 06:30 UTC in November.
    const paris = await collectHealth(t.db, { config: workerConfig('time_zone: Europe/Paris\n'), now: AT });
    expect(paris.checks.jobs.jobs.find((j) => j.job === 'queue')?.next).toBe('2026-11-03T06:30:00.000Z');
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
  });

  it('takes the next ticks, worker and X counters from a running worker', async () => {
    const source = statusSource({
      schedules: [
        { job: 'search', cron: '0 * * * *', timeZone: 'UTC', enabled: true, next: new Date('2026-11-02T10:00:00Z') },
        { job: 'signals', cron: '5 * * * *', timeZone: 'UTC', enabled: false },
      ],
      running: [{ job: 'engage', persona: 'growth-saas-en', account: null, since: AT }],
    });
    const h = await health({ source, x: { requests: 12, responses429: 0 } });
    expect(h.worker).toMatchObject({ id: 'test-host:1:abc123', network: 'sandbox', stopping: false, running: [{ job: 'engage', since: AT.toISOString() }] });
    expect(h.x).toEqual({ requests: 12, responses429: 0 });
    const jobs = Object.fromEntries(h.checks.jobs.jobs.map((j) => [j.job, j]));
    expect(jobs.search).toMatchObject({ schedule: '0 * * * * (UTC)', next: '2026-11-02T10:00:00.000Z' });
    expect(jobs.signals).toMatchObject({ schedule: 'disabled', enabled: false, next: null });
  });

  it('the last run of a job failed: unhealthy, until a later run of that job succeeds', async () => {
    const tick = new Date('2026-11-02T08:30:00Z');
    const failed = (await startRun(t.db, { job: 'search', tick, workerId: 'w1', at: tick }))!;
    await finishRun(t.db, { id: failed, status: 'failed', error: 'X answered 503', at: minutesAfter(2, tick) });
    const ok = (await startRun(t.db, { job: 'signals', tick, workerId: 'w1', at: tick }))!;
    await finishRun(t.db, { id: ok, status: 'ok', counts: { mentions: 3 }, at: minutesAfter(1, tick) });

    const h = await health();
    expect(h.healthy).toBe(false);
    expect(h.status).toBe('unhealthy');
    expect(h.checks.jobs.state).toBe('fail');
    expect(h.problems).toEqual([expect.stringMatching(/^jobs: the last run failed: search \(tick 2026-11-02T08:30:00.000Z\): X answered 503/)]);
    const search = h.checks.jobs.jobs.find((j) => j.job === 'search');
    expect(search).toMatchObject({ state: 'fail', last: { status: 'failed', seconds: 120, error: 'X answered 503', tick: tick.toISOString() } });
    expect(h.checks.jobs.jobs.find((j) => j.job === 'signals')).toMatchObject({ state: 'ok', last: { status: 'ok', seconds: 60, counts: { mentions: 3 } } });

    // A manual run does not count; the next scheduled one does.
    const manual = (await startRun(t.db, { job: 'search', workerId: 'cli', at: AT }))!;
    await finishRun(t.db, { id: manual, status: 'ok', at: AT });
    expect((await health()).healthy).toBe(false);
    const next = (await startRun(t.db, { job: 'search', tick: minutesAfter(30, tick), workerId: 'w2', at: AT }))!;
    expect((await health()).checks.jobs.jobs.find((j) => j.job === 'search')?.last).toMatchObject({ status: 'running', finishedAt: null });
    await finishRun(t.db, { id: next, status: 'ok', at: minutesAfter(1) });
    expect((await health()).healthy).toBe(true);
  });

  it('an X stop in force is unhealthy; an expired one is not', async () => {
    await recordStop(t.db, { kind: 'usage_capped', detail: 'monthly post cap reached', at: minutesAfter(-60), until: new Date('2026-12-01T00:00:00Z') });
    let h = await health();
    expect(h.healthy).toBe(false);
    expect(h.checks.stops).toMatchObject({ state: 'fail', stops: [{ kind: 'usage_capped', until: '2026-12-01T00:00:00.000Z', detail: 'monthly post cap reached' }] });
    expect(h.problems[0]).toMatch(/^stops: X stopped every call: usage_capped .* until 2026-12-01T00:00:00.000Z: monthly post cap reached/);

    await recordStop(t.db, { kind: 'usage_capped', detail: 'monthly post cap reached', at: minutesAfter(-60), until: minutesAfter(-1) });
    h = await health();
    expect(h.healthy).toBe(true);
    expect(h.checks.stops.stops).toEqual([]);

    await recordStop(t.db, { kind: 'credits_depleted', detail: 'no credit left (402)', at: AT, until: null });
    h = await health();
    expect(h.healthy).toBe(false);
    expect(h.checks.stops.summary).toContain('until cleared (prospector stops clear credits_depleted)');
  });

  it('config errors of the running worker are unhealthy: it runs the last good config', async () => {
    const h = await health({ source: statusSource({ configErrors: ['config/prospector.yaml:12 schedules.search.cron: expected a cron expression'] }) });
    expect(h.healthy).toBe(false);
    expect(h.checks.config).toMatchObject({ state: 'fail', file: 'config/prospector.yaml', errors: ['config/prospector.yaml:12 schedules.search.cron: expected a cron expression'] });
    expect(h.problems[0]).toMatch(/^config: the config file has 1 error; running the last good config/);
  });

  it('persona files left out are degraded, not down: the other personas run; a broken worker config as well is unhealthy', async () => {
    const bomb = 'config/personas/bomb.yaml:3 the aliases (*name) here and after expand to more than 1,000 values';
    const typo = 'config/personas/growth.yaml:27 engagement.like.per_day: expected a whole number from 0 to 1000, got "ten"';
    const personasLeftOut = [
      { file: 'config/personas/bomb.yaml', id: null, lastGood: false, errors: [bomb] },
      { file: 'config/personas/growth.yaml', id: 'growth', lastGood: true, errors: [typo] },
    ];
    let h = await health({ source: statusSource({ configErrors: [bomb, typo], personasLeftOut }) });
    expect(h.healthy).toBe(true);
    expect(h.status).toBe('degraded');
    expect(h.checks.config).toMatchObject({ state: 'warn', errors: [bomb, typo], personasLeftOut });
    expect(h.warnings[0]).toBe(`config: 2 persona files left out for errors, the other personas run: config/personas/bomb.yaml (not running): ${bomb} | config/personas/growth.yaml (its last good version runs): ${typo}`);
    const cron = 'config/prospector.yaml:12 schedules.search.cron: expected a cron expression';
    h = await health({ source: statusSource({ configErrors: [cron, bomb, typo], personasLeftOut }) });
    expect(h.healthy).toBe(false);
    expect(h.checks.config.state).toBe('fail');
    // Without a worker (prospector status): the problems the command met reading the config.
    h = await health({ configErrors: [cron] });
    expect(h.checks.config).toMatchObject({ state: 'fail', errors: [cron] });
    expect(h.problems[0]).toMatch(/^config: the config file has 1 error; running without it, on the defaults and the database the environment names: /);
  });

  it('a pause, used-up budgets and paused accounts show, and health stays 200-healthy (degraded)', async () => {
    await pauseAll(t.db, { reason: 'deploying 1.4', by: 'ops', at: minutesAfter(-5) });
    await ensureAccounts(t.db, [{ handle: 'maya_sells', owner: 'maya' }, { handle: 'lucas_ventes', owner: 'lucas' }], AT);
    await saveAccountUserId(t.db, 'maya_sells', xid(1), AT);
    await pauseAccount(t.db, 'lucas_ventes', 'X refused the token (401)', AT);
    await t.db.insert(budgets).values([
      { account: xid(1), kind: 'like', scope: 'persona:growth-saas-en', window: 'day', windowStart: minutesAfter(-540), resetAt: minutesAfter(900), limit: 10, used: 10 },
      { account: xid(1), kind: 'follow', scope: 'x', window: '15min', windowStart: minutesAfter(-5), resetAt: minutesAfter(10), limit: 5, used: 2 },
      // Used up, but the window is over.
      { account: xid(1), kind: 'follow', scope: 'x', window: '15min', windowStart: minutesAfter(-30), resetAt: minutesAfter(-15), limit: 5, used: 5 },
    ]);
    const h = await health();
    expect(h).toMatchObject({ healthy: true, status: 'degraded', problems: [] });
    expect(h.checks.pause).toMatchObject({ state: 'warn', paused: true, reason: 'deploying 1.4', by: 'ops', since: minutesAfter(-5).toISOString() });
    expect(h.checks.budgets).toMatchObject({
      state: 'warn',
      exhausted: [{ account: xid(1), handle: 'maya_sells', kind: 'like', scope: 'persona:growth-saas-en', window: 'day', limit: 10, used: 10, resetsAt: minutesAfter(900).toISOString() }],
    });
    expect(h.checks.accounts).toMatchObject({ state: 'warn', paused: [{ handle: 'lucas_ventes', owner: 'lucas', reason: 'X refused the token (401)' }] });
    expect(h.warnings).toHaveLength(3);
    expect(h.warnings[0]).toMatch(/^pause: paused by ops since .*: deploying 1.4/);
  });

  it('a closed database: unhealthy with the check named, everything needing it unknown, no throw', async () => {
    const { handle } = await t.fresh();
    await handle.close();
    const h = await collectHealth(handle.db, { config, now: AT, source: statusSource({ database: 'somewhere' }) });
    expect(h.healthy).toBe(false);
    expect(h.checks.database).toMatchObject({ state: 'fail', where: 'somewhere', latencyMs: null });
    expect(h.problems).toEqual([expect.stringMatching(/^database: the database is unreachable: /)]);
    for (const name of ['stops', 'jobs', 'pause', 'budgets', 'accounts'] as const) expect(h.checks[name].state).toBe('unknown');
    expect(h.checks.pause.paused).toBeNull();
    // The schedules are still known.
    expect(h.checks.jobs.jobs.find((j) => j.job === 'search')).toMatchObject({ next: '2026-11-02T09:30:00.000Z', last: null, state: 'unknown' });
    expect(h.checks.config.state).toBe('ok');
  });

  // Only PGlite has a single connection that a transaction can hold; PostgreSQL has a pool.
  if (t.kind === 'pglite') {
    it('a database that does not answer in time is unhealthy (PGlite: a long transaction holds its one connection)', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const busy = t.db.transaction(async (tx) => {
        await tx.execute('select 1');
        await held;
      });
      try {
        const h = await health({ timeoutMs: 50 });
        expect(h.healthy).toBe(false);
        expect(h.checks.database.error).toBe('the database did not answer within 50 ms');
      } finally {
        release();
        await busy;
      }
    });
  }
});
