import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { actionCounts } from '../../db/actions.ts';
import { openBudgets } from '../../db/budgets.ts';
import { activeStops } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { jobRunCounts, lastFinishedRuns, leadCounts, pausedAccounts, readTotals } from '../../db/observe.ts';
import { currentPause } from '../../db/work.ts';
import type { StatusSource } from '../worker/status.ts';
import type { XStats } from '../x/door.ts';

/**
 * Prometheus metrics, in a registry of their own (never prom-client's global one).
 *
 * Two sources. Most gauges are read from the database when Prometheus scrapes, so they are the
 * same from every worker sharing it (aggregate them with max(), or scrape one worker). The rest
 * belong to this process and are summed across workers: the job run histogram the worker feeds
 * with `observeJobRun`, and the requests and 429 answers counted by the door to X.
 *
 * A scrape never fails because the database does: `prospector_database_up` goes to 0 and the
 * database gauges are left out (NaN for those without labels) until it answers again.
 */

/** Every metric this module defines (process metrics from prom-client aside). */
export const METRIC_NAMES = [
  'prospector_database_up',
  'prospector_job_runs',
  'prospector_job_last_run_duration_seconds',
  'prospector_job_last_run_finished_timestamp_seconds',
  'prospector_job_last_run_failed',
  'prospector_job_run_duration_seconds',
  'prospector_actions',
  'prospector_posts_read',
  'prospector_users_read',
  'prospector_read_requests',
  'prospector_read_cost_usd',
  'prospector_x_requests_total',
  'prospector_x_responses_429_total',
  'prospector_budget_remaining',
  'prospector_budget_limit',
  'prospector_leads',
  'prospector_paused',
  'prospector_x_stop',
  'prospector_accounts_paused',
  'prospector_config_errors',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricsOptions {
  db: Database;
  /** The worker in this process: its config errors. */
  source?: StatusSource | undefined;
  /** The door's counters, when X is open; a function, as the door may open later. */
  xStats?: (() => XStats | undefined) | undefined;
  /** Now, for open budget windows and today's reads (the UTC day). Default: the wall clock. */
  now?: () => Date;
  /** Also prom-client's process metrics (CPU, memory, event loop lag; standard names, unprefixed). Default false. */
  processMetrics?: boolean;
}

export interface Metrics {
  registry: Registry;
  /** The Content-Type of `text()`. */
  contentType: string;
  /** The exposition text: what `/metrics` answers. */
  text(): Promise<string>;
  /** The worker calls this once per finished run (or share of a run) it worked on. */
  observeJobRun(job: string, status: 'ok' | 'failed', seconds: number): void;
}

/** What one scrape read from the database. */
interface Snapshot {
  runs: Awaited<ReturnType<typeof jobRunCounts>>;
  lastRuns: Awaited<ReturnType<typeof lastFinishedRuns>>;
  actions: Awaited<ReturnType<typeof actionCounts>>;
  reads: Awaited<ReturnType<typeof readTotals>>;
  budgets: Awaited<ReturnType<typeof openBudgets>>;
  leads: Awaited<ReturnType<typeof leadCounts>>;
  paused: boolean;
  stops: Awaited<ReturnType<typeof activeStops>>;
  accountsPaused: number;
}

const STOP_KINDS = ['usage_capped', 'credits_depleted'] as const;

export function createMetrics(options: MetricsOptions): Metrics {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });

  // One read of the database per scrape, shared by every gauge's collect(). prom-client starts all
  // collect() calls of a scrape before awaiting any, so they all get the same promise.
  let pending: Promise<Snapshot | undefined> | undefined;
  const snapshot = (): Promise<Snapshot | undefined> => {
    if (!pending) {
      pending = load().finally(() => {
        pending = undefined;
      });
    }
    return pending;
  };
  const load = async (): Promise<Snapshot | undefined> => {
    const at = now();
    try {
      // Sequential: PGlite has one connection, and a scrape should not take a pool's worth.
      const runs = await jobRunCounts(db);
      const lastRuns = await lastFinishedRuns(db);
      const actions = await actionCounts(db);
      const reads = await readTotals(db, at.toISOString().slice(0, 10));
      const budgets = await openBudgets(db, at);
      const leads = await leadCounts(db);
      const paused = (await currentPause(db)) !== undefined;
      const stops = await activeStops(db, at);
      const accountsPaused = (await pausedAccounts(db)).length;
      return { runs, lastRuns, actions, reads, budgets, leads, paused, stops, accountsPaused };
    } catch {
      return undefined;
    }
  };

  /** A gauge set from the snapshot at each scrape (emptied first, so rows that went away go too). */
  const fromDb = <L extends string>(name: MetricName, help: string, labelNames: readonly L[], fill: (g: Gauge<L>, s: Snapshot) => void) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        if (s) fill(this, s);
        // A gauge without labels cannot be left out: NaN says "unknown" rather than a false 0.
        else if (labelNames.length === 0) (this as Gauge).set(Number.NaN);
      },
    });

  new Gauge({
    name: 'prospector_database_up',
    help: '1 when the database answered this scrape\'s queries, else 0 (and the database gauges are left out).',
    registers: [registry],
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });

  fromDb('prospector_job_runs', 'Job runs recorded in the database (job_runs), scheduled and manual, by job and status (running, ok, failed).', ['job', 'status'], (g, s) => {
    for (const r of s.runs) g.set({ job: r.job, status: r.status }, r.count);
  });
  fromDb('prospector_job_last_run_duration_seconds', 'Duration of the latest finished run of each job, in seconds.', ['job'], (g, s) => {
    for (const r of s.lastRuns) g.set({ job: r.job }, r.seconds);
  });
  fromDb('prospector_job_last_run_finished_timestamp_seconds', 'When the latest finished run of each job finished, in Unix seconds.', ['job'], (g, s) => {
    for (const r of s.lastRuns) g.set({ job: r.job }, r.finishedAt.getTime() / 1000);
  });
  fromDb('prospector_job_last_run_failed', '1 when the latest finished run of the job failed, 0 when it succeeded.', ['job'], (g, s) => {
    for (const r of s.lastRuns) g.set({ job: r.job }, r.status === 'failed' ? 1 : 0);
  });

  const runDurations = new Histogram({
    name: 'prospector_job_run_duration_seconds',
    help: 'Durations of the job runs this worker process worked on, by job and outcome (ok, failed).',
    labelNames: ['job', 'status'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });

  fromDb('prospector_actions', 'Likes and follows in the database by kind and status (planned, pending, done, failed, cancelled, skipped).', ['kind', 'status'], (g, s) => {
    for (const a of s.actions) g.set({ kind: a.kind, status: a.status }, a.count);
  });

  const reads = (name: MetricName, help: string, pick: (r: Snapshot['reads'][number]['today']) => number) =>
    fromDb(name, `${help}, by persona; period "today" (the UTC day) or "all" (since the first read).`, ['persona', 'period'], (g, s) => {
      for (const r of s.reads) {
        g.set({ persona: r.persona, period: 'today' }, pick(r.today));
        g.set({ persona: r.persona, period: 'all' }, pick(r.total));
      }
    });
  reads('prospector_posts_read', 'Posts read from X search (read meter)', (r) => r.posts);
  reads('prospector_users_read', 'Users read from X with the posts (read meter)', (r) => r.users);
  reads('prospector_read_requests', 'Read requests sent to X by search (read meter)', (r) => r.requests);
  reads('prospector_read_cost_usd', 'Estimated cost of the reads at pay-per-use prices, in US dollars', (r) => r.costUsd);

  // The door's counters only grow while the process lives: real counters, advanced by the difference.
  const fromDoor = (name: MetricName, help: string, pick: (s: XStats) => number) => {
    let seen = 0;
    return new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = options.xStats?.();
        if (!stats) return;
        const value = pick(stats);
        if (value < seen) seen = 0; // another door (reopened): count from its start
        if (value > seen) this.inc(value - seen);
        seen = value;
      },
    });
  };
  fromDoor('prospector_x_requests_total', 'Requests this process sent to X (each try counts), app and user context.', (s) => s.requests);
  fromDoor('prospector_x_responses_429_total', '429 (too many requests) answers this process received from X; budgets are meant to keep this at 0.', (s) => s.responses429);

  const budgetKey = ['account', 'kind', 'scope', 'window'] as const;
  /** The current window per (account, kind, scope, window): the one that resets last, as debits use. */
  const currentWindows = (s: Snapshot) => {
    const latest = new Map<string, Snapshot['budgets'][number]>();
    for (const b of s.budgets) {
      const key = `${b.account}\u0000${b.kind}\u0000${b.scope}\u0000${b.window}`;
      const had = latest.get(key);
      if (!had || had.resetAt < b.resetAt) latest.set(key, b);
    }
    return [...latest.values()];
  };
  fromDb('prospector_budget_remaining', 'Actions an account may still do in the open budget window (limit − used), by account (X user id), kind, scope (x or persona:<id>) and window (15min, day).', budgetKey, (g, s) => {
    for (const b of currentWindows(s)) g.set({ account: b.account, kind: b.kind, scope: b.scope, window: b.window }, Math.max(0, b.limit - b.used));
  });
  fromDb('prospector_budget_limit', 'The limit of the open budget window, by account, kind, scope and window.', budgetKey, (g, s) => {
    for (const b of currentWindows(s)) g.set({ account: b.account, kind: b.kind, scope: b.scope, window: b.window }, b.limit);
  });

  fromDb('prospector_leads', 'Leads by persona and state (new, contacted, replied, won, not_a_fit, snoozed, do_not_contact): the queue.', ['persona', 'state'], (g, s) => {
    for (const l of s.leads) g.set({ persona: l.persona, state: l.state }, l.count);
  });
  fromDb('prospector_paused', '1 while every worker is paused (prospector pause), else 0.', [], (g, s) => {
    g.set(s.paused ? 1 : 0);
  });
  fromDb('prospector_x_stop', '1 while X stops every call for this reason (usage_capped: the monthly cap; credits_depleted: no credit left), else 0.', ['kind'], (g, s) => {
    for (const kind of STOP_KINDS) g.set({ kind }, s.stops.some((x) => x.kind === kind) ? 1 : 0);
  });
  fromDb('prospector_accounts_paused', 'Accounts paused after X refused their token or actions (prospector accounts resume <handle>).', [], (g, s) => {
    g.set(s.accountsPaused);
  });

  new Gauge({
    name: 'prospector_config_errors',
    help: 'Errors in the config file at the last reload; above 0 the worker runs the last good config.',
    registers: [registry],
    collect() {
      let count = 0;
      try {
        count = options.source?.status().configErrors.length ?? 0;
      } catch {
        count = 0;
      }
      this.set(count);
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    observeJobRun(job, status, seconds) {
      if (Number.isFinite(seconds) && seconds >= 0) runDurations.observe({ job, status }, seconds);
    },
  };
}
