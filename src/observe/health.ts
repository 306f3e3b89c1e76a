import { Cron } from 'croner';
import { activeStops } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { unsettledActions } from '../../db/actions.ts';
import { openBudgets } from '../../db/budgets.ts';
import { accountHandles, pausedAccounts, ping } from '../../db/observe.ts';
import { currentPause, lastRuns } from '../../db/work.ts';
import { JOB_NAMES, type JobName, type WorkerConfig } from '../config/worker.ts';
import type { ScheduleStatus, StatusSource } from '../worker/status.ts';
import type { XStats } from '../x/door.ts';

/**
 * Is Prospector healthy, and if not, why: what `/healthz` answers and `prospector status` prints.
 *
 * Unhealthy (HTTP 503, exit code 1) means a person has to act, or the worker cannot do its work:
 *   - the database does not answer `select 1` within the timeout (every other check that needs
 *     it is then `unknown`);
 *   - the worker config file has errors: the worker keeps running the last good config, but what
 *     is in the file is not what runs;
 *   - X stopped every call (a stop in force: the monthly usage cap, or no credit left);
 *   - the last scheduled run of a job failed (until a later run of that job succeeds);
 *   - a check could not be read although the database answered.
 * Degraded but healthy (200, with warnings): persona files left out for their errors (the other
 * personas run; a persona's last good version runs in its place), the global pause (a person asked for it), budget
 * windows used up (normal: they reset), accounts paused after X refused them (the others go on;
 * `prospector accounts resume <handle>` once fixed), a worker that is stopping.
 *
 * Never throws: whatever fails becomes a failing or unknown check. Every instant is an ISO string,
 * so the object is the same as JSON (`/healthz`, `status --json`) and in memory.
 */

/** ok; warn: healthy but worth a look; fail: unhealthy; unknown: could not be checked (database down). */
export type CheckState = 'ok' | 'warn' | 'fail' | 'unknown';

export interface Check {
  state: CheckState;
  /** One sentence for people. */
  summary: string;
}

export interface DatabaseCheck extends Check {
  /** Where the data lives, when a running worker says (no password). */
  where: string | null;
  latencyMs: number | null;
  error: string | null;
}

export interface PauseCheck extends Check {
  paused: boolean | null;
  reason: string | null;
  since: string | null;
  by: string | null;
}

export interface JobRunHealth {
  tick: string | null;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'ok' | 'failed';
  /** Start to finish, or to now while it runs. */
  seconds: number;
  error: string | null;
  counts: Record<string, number> | null;
}

export interface JobHealth {
  job: string;
  /** `*\/30 8-18 * * 1-5 (Europe/Paris)`, `after search`, `disabled`. */
  schedule: string;
  enabled: boolean;
  /** The next tick; null for a job that runs after another, or disabled. */
  next: string | null;
  /** The latest scheduled run; null when it never ran (or the database is down). */
  last: JobRunHealth | null;
  state: CheckState;
}

export interface JobsCheck extends Check {
  jobs: JobHealth[];
}

export interface ExhaustedBudget {
  /** The acting account's X user id, and its handle when known. */
  account: string;
  handle: string | null;
  kind: string;
  scope: string;
  window: string;
  limit: number;
  used: number;
  resetsAt: string;
}

export interface BudgetsCheck extends Check {
  exhausted: ExhaustedBudget[];
}

/** A like or follow whose answer was lost, waiting to be settled by reading X. */
export interface UnsettledAction {
  id: number;
  account: string;
  handle: string | null;
  kind: string;
  target: string;
  sentAt: string | null;
  /** Reconciliations begun (each reads X first). */
  attempts: number;
  /** The worker settling it now, or null while it waits for the next engage run. */
  holder: string | null;
  error: string | null;
}

export interface OutcomesCheck extends Check {
  unsettled: UnsettledAction[];
}

export interface ConfigCheck extends Check {
  file: string | null;
  loadedAt: string | null;
  /** Every problem, "file:line path: message". */
  errors: string[];
  /** Persona files left out for their problems; the other personas run. */
  personasLeftOut: Array<{ file: string; id: string | null; lastGood: boolean; errors: string[] }>;
}

export interface StopsCheck extends Check {
  stops: Array<{ kind: string; detail: string; since: string; until: string | null }>;
}

export interface AccountsCheck extends Check {
  paused: Array<{ handle: string; owner: string | null; since: string; reason: string | null }>;
}

export interface Health {
  healthy: boolean;
  /** ok: nothing to see; degraded: healthy with warnings; unhealthy: see `problems`. */
  status: 'ok' | 'degraded' | 'unhealthy';
  at: string;
  /** Why it is unhealthy, one sentence per failing check. */
  problems: string[];
  /** Healthy, but worth a look. */
  warnings: string[];
  /** The worker answering, when there is one in this process. */
  worker: {
    id: string;
    startedAt: string;
    network: 'sandbox' | 'x';
    stopping: boolean;
    running: Array<{ job: string; persona: string | null; account: string | null; since: string }>;
  } | null;
  /** What this process has asked of X since it started. */
  x: XStats | null;
  checks: {
    database: DatabaseCheck;
    config: ConfigCheck;
    stops: StopsCheck;
    jobs: JobsCheck;
    pause: PauseCheck;
    budgets: BudgetsCheck;
    accounts: AccountsCheck;
    outcomes: OutcomesCheck;
  };
}

export interface HealthOptions {
  /** The worker running in this process; without one, schedules come from `config`. */
  source?: StatusSource | undefined;
  /** The worker config: its schedules give the next ticks when there is no source. */
  config: Pick<WorkerConfig, 'schedules' | 'file'>;
  now: Date;
  /** The door's counters (`door.stats`), when X is open in this process. */
  x?: XStats | undefined;
  /**
   * Without a worker in this process: the problems of the config files as this process read them
   * (a command running on a broken worker config says so here).
   */
  configErrors?: readonly string[] | undefined;
  /** How long the database may take to answer `select 1`. Default 2000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 2000;
/** A lost outcome still unknown after this many reconciliations, or this long, is worth a look. */
const STUCK_ATTEMPTS = 3;
const STUCK_MS = 3_600_000;

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Resolves with `promise`, or rejects after `ms` saying what took too long. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A job's schedule in words and its next tick, from the running worker or from the config. */
export function scheduleOf(job: JobName, config: Pick<WorkerConfig, 'schedules'>, now: Date, running?: ScheduleStatus): { schedule: string; enabled: boolean; next: Date | null } {
  const s = running ?? { job, ...config.schedules[job], timeZone: config.schedules[job].time_zone };
  if (!s.enabled) return { schedule: 'disabled', enabled: false, next: null };
  if (s.after) return { schedule: `after ${s.after}`, enabled: true, next: null };
  if (!s.cron) return { schedule: 'no schedule', enabled: true, next: null };
  const next = running ? (running.next ?? null) : new Cron(s.cron, { paused: true, timezone: s.timeZone }).nextRun(now);
  return { schedule: `${s.cron} (${s.timeZone})`, enabled: true, next };
}

export async function collectHealth(db: Database, options: HealthOptions): Promise<Health> {
  const { now } = options;
  const status = safeStatus(options.source);
  const problems: string[] = [];
  const warnings: string[] = [];

  // The database first: when it does not answer, the rest is unknown rather than wrong.
  const began = performance.now();
  let database: DatabaseCheck;
  try {
    await within(ping(db), options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'the database');
    const latencyMs = Math.round((performance.now() - began) * 10) / 10;
    database = { state: 'ok', summary: `the database answered in ${latencyMs} ms`, where: status?.database ?? null, latencyMs, error: null };
  } catch (error) {
    database = { state: 'fail', summary: `the database is unreachable: ${message(error)}`, where: status?.database ?? null, latencyMs: null, error: message(error) };
  }
  const up = database.state === 'ok';
  const unknown = { state: 'unknown' as const, summary: 'unknown: the database is unreachable' };

  /** Runs a database check; a query that fails while the database answers makes the check fail. */
  async function read<T extends Check>(what: string, fallback: Omit<T, keyof Check>, fn: () => Promise<T>): Promise<T> {
    if (!up) return { ...unknown, ...fallback } as T;
    try {
      return await fn();
    } catch (error) {
      return { state: 'fail', summary: `could not read ${what}: ${message(error)}`, ...fallback } as T;
    }
  }

  const config = configCheck(options, status);

  // Sequential on purpose: PGlite has one connection, and a monitor should not flood a pool.
  const stops = await read<StopsCheck>('X stops', { stops: [] }, async () => {
    const found = await activeStops(db, now);
    const list = found.map((s) => ({ kind: s.kind, detail: s.detail, since: s.at.toISOString(), until: iso(s.until) }));
    if (list.length === 0) return { state: 'ok', summary: 'X is answering: no stop in force', stops: list };
    const text = list.map((s) => `${s.kind} since ${s.since}${s.until ? ` until ${s.until}` : ' until cleared (prospector stops clear ' + s.kind + ')'}: ${s.detail}`);
    return { state: 'fail', summary: `X stopped every call: ${text.join('; ')}`, stops: list };
  });

  const jobs = await read<JobsCheck>('the last runs', { jobs: jobList(options, status, now, new Map()).map((j) => ({ ...j, state: 'unknown' as const })) }, async () => {
    const runs = new Map((await lastRuns(db)).map((r) => [r.job, r]));
    const list = jobList(options, status, now, runs);
    const failed = list.filter((j) => j.state === 'fail');
    if (failed.length === 0) return { state: 'ok', summary: 'no job\'s last run failed', jobs: list };
    return {
      state: 'fail',
      summary: `the last run failed: ${failed.map((j) => `${j.job} (tick ${j.last?.tick ?? '?'}): ${j.last?.error ?? 'failed'}`).join('; ')}`,
      jobs: list,
    };
  });

  const pause = await read<PauseCheck>('the pause', { paused: null, reason: null, since: null, by: null }, async () => {
    const p = await currentPause(db);
    if (!p) return { state: 'ok', summary: 'not paused', paused: false, reason: null, since: null, by: null };
    return {
      state: 'warn',
      summary: `paused by ${p.pausedBy} since ${p.pausedAt.toISOString()}${p.reason ? `: ${p.reason}` : ''} (prospector resume lifts it)`,
      paused: true,
      reason: p.reason,
      since: p.pausedAt.toISOString(),
      by: p.pausedBy,
    };
  });

  const budgets = await read<BudgetsCheck>('the budgets', { exhausted: [] }, async () => {
    const open = await openBudgets(db, now);
    const full = open.filter((b) => b.used >= b.limit);
    const handles = full.length > 0 ? await accountHandles(db) : new Map<string, string>();
    const exhausted = full.map((b) => ({
      account: b.account,
      handle: handles.get(b.account) ?? null,
      kind: b.kind,
      scope: b.scope,
      window: b.window,
      limit: b.limit,
      used: b.used,
      resetsAt: b.resetAt.toISOString(),
    }));
    if (exhausted.length === 0) return { state: 'ok', summary: 'no budget window is used up', exhausted };
    const text = exhausted.map((b) => `${b.handle ? `@${b.handle}` : b.account} ${b.kind} ${b.scope} ${b.window} until ${b.resetsAt}`);
    return { state: 'warn', summary: `used up: ${text.join('; ')}`, exhausted };
  });

  const accounts = await read<AccountsCheck>('the accounts', { paused: [] }, async () => {
    const paused = (await pausedAccounts(db)).map((a) => ({ handle: a.handle, owner: a.owner, since: a.pausedAt.toISOString(), reason: a.reason }));
    if (paused.length === 0) return { state: 'ok', summary: 'no account is paused', paused };
    const text = paused.map((a) => `@${a.handle} since ${a.since}${a.reason ? `: ${a.reason}` : ''}`);
    return { state: 'warn', summary: `accounts paused (prospector accounts resume <handle>): ${text.join('; ')}`, paused };
  });

  const outcomes = await read<OutcomesCheck>('the actions to settle', { unsettled: [] }, async () => {
    const found = await unsettledActions(db);
    const handles = found.length > 0 ? await accountHandles(db) : new Map<string, string>();
    const unsettled = found.map((a) => ({ ...a, handle: handles.get(a.account) ?? null, sentAt: iso(a.sentAt) }));
    if (unsettled.length === 0) return { state: 'ok', summary: 'every like and follow sent has a known outcome', unsettled };
    const stuck = unsettled.filter((a) => a.attempts >= STUCK_ATTEMPTS || (a.sentAt !== null && now.getTime() - Date.parse(a.sentAt) > STUCK_MS));
    const what = `${unsettled.length} like${unsettled.length === 1 ? '' : 's'} or follows whose answer was lost, settled by reading X at the next engage run (never sent twice, never failed while X may have done them)`;
    if (stuck.length === 0) return { state: 'ok', summary: what, unsettled };
    const text = stuck.slice(0, 5).map((a) => `${a.kind} ${a.id} by ${a.handle ? `@${a.handle}` : a.account} after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}${a.error ? `: ${a.error}` : ''}`);
    return { state: 'warn', summary: `${what}; ${stuck.length} still unknown after ${STUCK_ATTEMPTS} attempts or an hour: ${text.join('; ')}`, unsettled };
  });

  const checks = { database, config, stops, jobs, pause, budgets, accounts, outcomes };
  for (const [name, check] of Object.entries(checks)) {
    if (check.state === 'fail') problems.push(`${name}: ${check.summary}`);
    else if (check.state === 'warn') warnings.push(`${name}: ${check.summary}`);
  }
  if (status?.stopping) warnings.push('worker: stopping, finishing what is in flight');
  const healthy = problems.length === 0;
  return {
    healthy,
    status: !healthy ? 'unhealthy' : warnings.length > 0 ? 'degraded' : 'ok',
    at: now.toISOString(),
    problems,
    warnings,
    worker: status
      ? {
          id: status.workerId,
          startedAt: status.startedAt.toISOString(),
          network: status.network,
          stopping: status.stopping,
          running: status.running.map((r) => ({ job: r.job, persona: r.persona, account: r.account, since: r.since.toISOString() })),
        }
      : null,
    x: options.x ? { requests: options.x.requests, responses429: options.x.responses429 } : null,
    checks,
  };
}

/**
 * The config: unhealthy when the worker config on disk is broken (what runs is not what the file
 * says); degraded when only persona files are left out (the others run, each left-out persona on its
 * last good version if it had one).
 */
function configCheck(options: HealthOptions, status: ReturnType<StatusSource['status']> | undefined): ConfigCheck {
  const errors = [...(status ? status.configErrors : (options.configErrors ?? []))];
  const leftOut = (status?.personasLeftOut ?? []).map((p) => ({ ...p, errors: [...p.errors] }));
  const fromPersonas = new Set(leftOut.flatMap((p) => p.errors));
  const workerErrors = errors.filter((e) => !fromPersonas.has(e));
  const file = status ? (status.configFile ?? null) : (options.config.file ?? null);
  const loadedAt = iso(status?.configLoadedAt);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (workerErrors.length > 0) {
    const running = status ? `running the last good config (loaded ${status.configLoadedAt.toISOString()})` : 'running without it, on the defaults and the database the environment names';
    return { state: 'fail', summary: `the config file has ${plural(errors.length, 'error')}; ${running}: ${errors.join('; ')}`, file, loadedAt, errors, personasLeftOut: leftOut };
  }
  if (leftOut.length > 0) {
    const what = leftOut.map((p) => `${p.file} (${p.lastGood ? 'its last good version runs' : 'not running'}): ${p.errors.join('; ')}`);
    return { state: 'warn', summary: `${plural(leftOut.length, 'persona file')} left out for errors, the other personas run: ${what.join(' | ')}`, file, loadedAt, errors, personasLeftOut: leftOut };
  }
  return { state: 'ok', summary: status ? "the running config is the file's" : 'the config file loads without errors', file, loadedAt, errors: [], personasLeftOut: [] };
}

/** The worker's status, or undefined; a source that throws is treated as absent (health never throws). */
function safeStatus(source: StatusSource | undefined) {
  if (!source) return undefined;
  try {
    return source.status();
  } catch {
    return undefined;
  }
}

function jobList(
  options: HealthOptions,
  status: ReturnType<StatusSource['status']> | undefined,
  now: Date,
  runs: Map<string, Awaited<ReturnType<typeof lastRuns>>[number]>,
): JobHealth[] {
  const running = new Map((status?.schedules ?? []).map((s) => [s.job, s]));
  const names: string[] = [...JOB_NAMES, ...[...runs.keys()].filter((j) => !(JOB_NAMES as readonly string[]).includes(j)).sort()];
  return names.map((job) => {
    const known = (JOB_NAMES as readonly string[]).includes(job);
    const when = known ? scheduleOf(job as JobName, options.config, now, running.get(job as JobName)) : { schedule: 'not a known job', enabled: false, next: null };
    const run = runs.get(job);
    const last: JobRunHealth | null = run
      ? {
          tick: iso(run.tick),
          startedAt: run.startedAt.toISOString(),
          finishedAt: iso(run.finishedAt),
          status: run.status,
          seconds: Math.max(0, Math.round(((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) / 100) / 10),
          error: run.error,
          counts: run.counts,
        }
      : null;
    return { job, schedule: when.schedule, enabled: when.enabled, next: iso(when.next), last, state: last?.status === 'failed' ? 'fail' : 'ok' };
  });
}
