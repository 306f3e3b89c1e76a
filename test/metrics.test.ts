import { beforeEach, expect, it } from 'vitest';
import { recordStop } from '../db/accounts.ts';
import { planActions } from '../db/actions.ts';
import { upsertProspects } from '../db/prospects.ts';
import { finishRun, startRun } from '../db/runs.ts';
import { actions, budgets } from '../db/schema.ts';
import { addReads } from '../db/search.ts';
import { pauseAll } from '../db/work.ts';
import { eq } from 'drizzle-orm';
import { METRIC_NAMES, createMetrics } from '../src/observe/metrics.ts';
import type { XStats } from '../src/x/door.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';
import { seedLeads, statusSource } from './support/observe.ts';

/** The metrics read at scrape time from the database, and those the worker and the door feed. */

/** `name{labels} value` lines of an exposition text, by series (name and labels as written). */
function series(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    found.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return found;
}

describeEachDatabase('metrics', (t) => {
  beforeEach(() => t.reset());

  it('every metric is documented with HELP and TYPE; only real counters end in _total', async () => {
    const metrics = createMetrics({ db: t.db, now: () => AT });
    const text = await metrics.text();
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    for (const name of METRIC_NAMES) {
      expect(text).toMatch(new RegExp(`^# HELP ${name} \\S.{10,}$`, 'm'));
      expect(text).toMatch(new RegExp(`^# TYPE ${name} (gauge|counter|histogram)$`, 'm'));
    }
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    expect(types.map(([name]) => name).sort()).toEqual([...METRIC_NAMES].sort());
    for (const [name, type] of types) {
      expect(name).toMatch(/^prospector_/);
      expect(name.endsWith('_total'), `${name} is a ${type}`).toBe(type === 'counter');
    }
    const values = series(text);
    expect(values.get('prospector_database_up')).toBe(1);
    expect(values.get('prospector_paused')).toBe(0);
    expect(values.get('prospector_config_errors')).toBe(0);
    expect(values.get('prospector_x_stop{kind="usage_capped"}')).toBe(0);
  });

  it('values follow the rows: budgets remaining, leads by state, actions by status, reads, runs, pause, stops', async () => {
    await seedLeads(t.db, '2026-11-02', [{ n: 1 }, { n: 2 }, { n: 3, state: 'contacted' }, { n: 4, persona: 'rh-pme-fr' }]);
    await upsertProspects(t.db, [prospectInput(10)]);
    const planned = await planActions(
      t.db,
      [1, 2, 3].map((n) => ({ account: xid(900), kind: 'like' as const, target: xid(5000 + n), prospectId: xid(10), persona: 'growth-saas-en' })),
      AT,
    );
    await t.db.update(actions).set({ status: 'done' }).where(eq(actions.id, planned[0]!.id));
    await planActions(t.db, [{ account: xid(900), kind: 'follow', target: xid(10), prospectId: xid(10), persona: 'growth-saas-en' }], AT);
    await t.db.insert(budgets).values([
      { account: xid(900), kind: 'like', scope: 'x', window: '15min', windowStart: minutesAfter(-5), resetAt: minutesAfter(10), limit: 50, used: 7 },
      { account: xid(900), kind: 'like', scope: 'persona:growth-saas-en', window: 'day', windowStart: minutesAfter(-540), resetAt: minutesAfter(900), limit: 20, used: 20 },
      // Closed: not a budget any more.
      { account: xid(900), kind: 'follow', scope: 'x', window: '15min', windowStart: minutesAfter(-40), resetAt: minutesAfter(-25), limit: 50, used: 3 },
    ]);
    await addReads(t.db, { persona: 'growth-saas-en', day: '2026-11-01', posts: 300, users: 120, requests: 3, costUsd: 1.5 });
    await addReads(t.db, { persona: 'growth-saas-en', day: '2026-11-02', posts: 200, users: 80, requests: 2, costUsd: 1 });
    const tick = minutesAfter(-30);
    const run = (await startRun(t.db, { job: 'search', tick, workerId: 'w1', at: tick }))!;
    await finishRun(t.db, { id: run, status: 'failed', error: 'boom', at: minutesAfter(-28) });
    await startRun(t.db, { job: 'engage', tick, workerId: 'w1', at: tick });
    await pauseAll(t.db, { by: 'ops', at: AT });
    await recordStop(t.db, { kind: 'credits_depleted', detail: '402', at: AT, until: null });

    const door: { stats?: XStats } = {};
    const metrics = createMetrics({ db: t.db, now: () => AT, source: statusSource({ configErrors: ['a', 'b'] }), xStats: () => door.stats });
    metrics.observeJobRun('search', 'ok', 0.8);
    metrics.observeJobRun('search', 'ok', 45);
    metrics.observeJobRun('search', 'failed', 3);
    const values = series(await metrics.text());

    expect(values.get(`prospector_budget_remaining{account="${xid(900)}",kind="like",scope="x",window="15min"}`)).toBe(43);
    expect(values.get(`prospector_budget_limit{account="${xid(900)}",kind="like",scope="x",window="15min"}`)).toBe(50);
    expect(values.get(`prospector_budget_remaining{account="${xid(900)}",kind="like",scope="persona:growth-saas-en",window="day"}`)).toBe(0);
    expect([...values.keys()].filter((k) => k.startsWith('prospector_budget_remaining'))).toHaveLength(2);

    expect(values.get('prospector_leads{persona="growth-saas-en",state="new"}')).toBe(2);
    expect(values.get('prospector_leads{persona="growth-saas-en",state="contacted"}')).toBe(1);
    expect(values.get('prospector_leads{persona="rh-pme-fr",state="new"}')).toBe(1);

    expect(values.get('prospector_actions{kind="like",status="planned"}')).toBe(2);
    expect(values.get('prospector_actions{kind="like",status="done"}')).toBe(1);
    expect(values.get('prospector_actions{kind="follow",status="planned"}')).toBe(1);

    expect(values.get('prospector_posts_read{persona="growth-saas-en",period="today"}')).toBe(200);
    expect(values.get('prospector_posts_read{persona="growth-saas-en",period="all"}')).toBe(500);
    expect(values.get('prospector_users_read{persona="growth-saas-en",period="all"}')).toBe(200);
    expect(values.get('prospector_read_requests{persona="growth-saas-en",period="today"}')).toBe(2);
    expect(values.get('prospector_read_cost_usd{persona="growth-saas-en",period="all"}')).toBe(2.5);

    expect(values.get('prospector_job_runs{job="search",status="failed"}')).toBe(1);
    expect(values.get('prospector_job_runs{job="engage",status="running"}')).toBe(1);
    expect(values.get('prospector_job_last_run_duration_seconds{job="search"}')).toBe(120);
    expect(values.get('prospector_job_last_run_failed{job="search"}')).toBe(1);
    expect(values.get('prospector_job_last_run_finished_timestamp_seconds{job="search"}')).toBe(minutesAfter(-28).getTime() / 1000);
    expect(values.get('prospector_job_run_duration_seconds_count{job="search",status="ok"}')).toBe(2);
    expect(values.get('prospector_job_run_duration_seconds_bucket{le="1",job="search",status="ok"}')).toBe(1);
    expect(values.get('prospector_job_run_duration_seconds_sum{job="search",status="failed"}')).toBe(3);

    expect(values.get('prospector_paused')).toBe(1);
    expect(values.get('prospector_x_stop{kind="credits_depleted"}')).toBe(1);
    expect(values.get('prospector_x_stop{kind="usage_capped"}')).toBe(0);
    expect(values.get('prospector_config_errors')).toBe(2);

    // The door's counters: absent until X is open, then they follow it.
    expect(values.get('prospector_x_responses_429_total')).toBe(0);
    door.stats = { requests: 40, responses429: 2 };
    let again = series(await metrics.text());
    expect(again.get('prospector_x_requests_total')).toBe(40);
    expect(again.get('prospector_x_responses_429_total')).toBe(2);
    door.stats.requests = 45;
    again = series(await metrics.text());
    expect(again.get('prospector_x_requests_total')).toBe(45);
    expect(again.get('prospector_x_responses_429_total')).toBe(2);
  });

  it('a scrape survives a database that is gone: database_up 0, the database gauges left out or NaN', async () => {
    const { handle } = await t.fresh();
    const metrics = createMetrics({ db: handle.db, now: () => AT });
    await handle.close();
    const text = await metrics.text();
    const values = series(text);
    expect(values.get('prospector_database_up')).toBe(0);
    expect(values.get('prospector_paused')).toBeNaN();
    expect([...values.keys()].filter((k) => k.startsWith('prospector_x_stop'))).toEqual([]);
    expect(text).toContain('# HELP prospector_paused ');
  });

  it('process metrics are there when asked for, and registries are not shared', async () => {
    const a = createMetrics({ db: t.db, processMetrics: true });
    const b = createMetrics({ db: t.db });
    a.observeJobRun('queue', 'ok', 1);
    expect(await a.text()).toMatch(/^process_cpu_user_seconds_total /m);
    const other = await b.text();
    expect(other).not.toMatch(/^process_cpu/m);
    expect(other).not.toContain('job="queue"');
  });
});
