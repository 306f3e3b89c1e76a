import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureAccounts, getAccount, saveAccountTokens, saveAccountUserId, withRefreshLock } from '../db/accounts.ts';
import { holdWorkerLock } from '../db/workers.ts';
import { automationWarning } from './engage/rules.ts';
import type { RetryPolicy } from './x/errors.ts';
import { failDeadRuns, finishRun, startRun } from '../db/runs.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import type { SessionLock } from '../db/session-lock.ts';
import { jobNamed } from '../jobs/index.ts';
import type { JobContext } from '../jobs/context.ts';
import { runFramed, type JobOutcome } from '../jobs/frame.ts';
import { readEnvironment } from './config/env.ts';
import { ConfigError, fallbackConfig, formatIssue, readConfig, type ConfigIssue, type LoadedConfig } from './config/load.ts';
import { silentLogger, type Logger } from './log.ts';
import { Releasers } from './releasers.ts';
import { startSandbox, type Sandbox } from './sandbox/index.ts';
import { XDoor, sandboxClock, type AccountStore, type DoorOptions } from './x/door.ts';

/**
 * What a command needs, opened in order and closed in reverse: config, database (migrated), and
 * the door to X — the real API, a sandbox named by `PROSPECTOR_SANDBOX_URL`, or a sandbox started
 * in this process when nothing is configured.
 */
export interface Runtime {
  /** Replaced as a whole when the worker reloads a valid config. */
  config: LoadedConfig;
  /**
   * Problems of the config files as read at start: persona files left out, or (with
   * `configFallback`) a broken worker config that the runtime runs without.
   */
  configIssues: readonly ConfigIssue[];
  /** This process, as workers know each other: host, pid and a random tag (pids are reused). */
  workerId: string;
  /** This process's liveness lock: others take over its pending actions only when it is gone (db/workers.ts). */
  lock: SessionLock;
  database: DatabaseHandle;
  /** Opened on first use: reading the queue needs no X. */
  x(): Promise<XDoor>;
  /**
   * Now, in the world the runtime talks to: a sandbox named by URL has its own clock (frozen or
   * moved in tests and simulations); otherwise the wall clock. Does not start a sandbox.
   */
  worldNow(): Promise<Date>;
  /**
   * The runtime's clock: the world's time as last synchronised (`syncClock`), moving with the wall
   * clock in between. Token expiry and jobs follow it.
   */
  now(): Date;
  /** Reads the world's time again (a sandbox's clock may have been moved); returns it. */
  syncClock(): Promise<Date>;
  /** The in-process sandbox, when one was started. */
  sandbox: Sandbox | undefined;
  log: Logger;
  /** A line for people (progress, where things are); the default writes to stderr. */
  say: (line: string) => void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** The worker config file; default PROSPECTOR_CONFIG, else `config/prospector.yaml`. */
  configFile?: string;
  /** A config already loaded (the worker command reads it first, for its log's secrets): not read again. */
  config?: LoadedConfig;
  /**
   * For commands that only read or pause (`status`, `pause`, `resume`, `queue`, `lead`): a broken
   * worker config does not stop them. They run on the defaults with the database the environment,
   * or the broken file if it can still be parsed, names, say that the config is broken with each
   * problem's file and line, and find the problems in `configIssues`.
   */
  configFallback?: boolean;
  log?: Logger;
  say?: (line: string) => void;
  /** Open this database instead of the config's (tests); null: the embedded one in `dataDir`, whatever is configured (the demo). */
  databaseUrl?: string | null;
  dataDir?: string;
  /** Use this running sandbox (overrides config and environment). */
  sandboxUrl?: string;
  /** How X calls are retried (tests and benchmarks pass a faster one). */
  retry?: RetryPolicy;
  /** Say where an in-process sandbox listens (default true; the worker says it its own way). */
  announceSandbox?: boolean;
}

export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? silentLogger();
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const releasers = new Releasers();
  const close = () => releasers.release('closing the runtime');
  try {
    const { config, issues: configIssues } = options.config ? { config: options.config, issues: options.config.skipped?.flatMap((s) => s.issues) ?? [] } : await loadRuntimeConfig(options, say);
    // The config carries the environment's overrides (DATABASE_URL, PROSPECTOR_DATA_DIR: see config/env.ts).
    const url = options.databaseUrl ?? config.worker.database.url?.reveal();
    const database = await openDatabase({ ...(options.databaseUrl === null ? { url: null } : url ? { url } : {}), dataDir: options.dataDir ?? config.worker.database.data_dir, log });
    releasers.push(() => database.close());
    await migrate(database);
    const workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    const lock = await holdWorkerLock(database, workerId);
    releasers.push(() => lock.release());
    if (config.worker.network === 'x' && !options.sandboxUrl) {
      const warning = automationWarning(config.personas);
      if (warning) say(warning);
    }

    let sandbox: Sandbox | undefined;
    let door: XDoor | undefined;
    const store: AccountStore = {
      load: (handle) => getAccount(database.db, handle),
      saveUserId: (handle, userId) => saveAccountUserId(database.db, handle, userId),
      saveTokens: (handle, tokens, origin) => saveAccountTokens(database.db, handle, { ...tokens, origin }),
      withRefreshLock: (handle, refresh) => withRefreshLock(database.db, handle, refresh),
    };
    let offsetMs = 0;
    const runtime: Runtime = {
      config,
      configIssues,
      workerId,
      lock,
      now: () => new Date(Date.now() + offsetMs),
      async syncClock() {
        const world = await runtime.worldNow();
        offsetMs = world.getTime() - Date.now();
        return world;
      },
      database,
      log,
      say,
      get sandbox() {
        return sandbox;
      },
      async worldNow() {
        if (door) return (await door.worldTime()) ?? new Date();
        const sandboxUrl = options.sandboxUrl ?? (config.worker.network === 'sandbox' ? config.worker.sandbox.url : undefined);
        if (!sandboxUrl) return new Date();
        return (await sandboxClock(sandboxUrl)) ?? new Date();
      },
      async x() {
        if (door) return door;
        const doorOptions: DoorOptions = {
          store,
          now: () => runtime.now(),
          ...(options.retry ? { retry: options.retry } : {}),
          onRefreshError: (handle, error) => log.warn({ account: handle, err: error.message }, `refreshing @${handle}'s token failed`),
        };
        const opened = await openDoor(config, { ...(options.sandboxUrl ? { sandboxUrl: options.sandboxUrl } : {}), say: options.announceSandbox === false ? () => {} : say, door: doorOptions });
        releasers.push(opened.release);
        const since = new Map(config.worker.accounts.map((a) => [a.handle.toLowerCase(), a.engaging_since]));
        const worldNow = (await opened.door.worldTime()) ?? new Date();
        await ensureAccounts(
          database.db,
          opened.door.handles.map((handle) => {
            const day = since.get(handle.toLowerCase());
            return { handle, owner: opened.door.ownerOf(handle) ?? '', engagingSince: day ? new Date(`${day}T00:00:00Z`) : undefined };
          }),
          worldNow,
        );
        door = opened.door;
        sandbox = opened.sandbox;
        return door;
      },
      close,
    };
    return runtime;
  } catch (error) {
    // The error that stopped the opening is the one to report; a failing release is secondary.
    await close().catch(() => undefined);
    throw error;
  }
}

/**
 * The config for a runtime: loaded once, with the environment's overrides. Persona files with
 * problems are left out, each problem said; a broken worker config is an error, unless
 * `configFallback` lets the command run on the database it can still find.
 */
async function loadRuntimeConfig(options: RuntimeOptions, say: (line: string) => void): Promise<{ config: LoadedConfig; issues: readonly ConfigIssue[] }> {
  // PROSPECTOR_CONFIG names another worker config file (its personas_dir is relative to the working directory).
  const file = options.configFile ?? readEnvironment().value.configFile;
  const { value, issues } = await readConfig(file === undefined ? {} : { file });
  if (value) {
    for (const skipped of value.skipped ?? []) {
      say(`${skipped.file}: persona left out until fixed:`);
      for (const issue of skipped.issues) say(`  ${formatIssue(issue)}`);
    }
    return { config: value, issues };
  }
  if (!options.configFallback) throw new ConfigError(issues);
  const fallback = await fallbackConfig(file);
  if (!fallback.value) throw new ConfigError([...issues.filter((i) => i.file === 'environment'), ...fallback.issues.filter((i) => i.file !== 'environment')]);
  const where = fallback.value.database.url ? 'DATABASE_URL' : fallback.value.database.data_dir;
  say(`the config is broken (${issues.length} problem${issues.length === 1 ? '' : 's'}); going on without it, with the database at ${where}:`);
  for (const issue of issues) say(`  ${formatIssue(issue)}`);
  return { config: Object.freeze({ worker: fallback.value, personas: [] }), issues };
}

/**
 * Opens the door to X the config asks for: the real API (`network: x`), a running sandbox
 * (`sandboxUrl`, else the config's `sandbox.url` or PROSPECTOR_SANDBOX_URL), or a sandbox started
 * in this process.
 */
export async function openDoor(
  config: LoadedConfig,
  options: { sandboxUrl?: string; say: (line: string) => void; door?: DoorOptions },
): Promise<{ door: XDoor; sandbox: Sandbox | undefined; release: () => Promise<void> }> {
  const url = options.sandboxUrl ?? config.worker.sandbox.url;
  const doorOptions: DoorOptions = { accounts: config.worker.accounts, ...options.door };
  if (config.worker.network === 'x' && !options.sandboxUrl) {
    const door = XDoor.real(config.worker, doorOptions);
    return { door, sandbox: undefined, release: async () => door.close() };
  }
  if (url) {
    const door = await XDoor.sandbox(url, doorOptions);
    return { door, sandbox: undefined, release: async () => door.close() };
  }
  const { seed, users } = config.worker.sandbox;
  const sandbox = await startSandbox({ seed, users, clock: { mode: 'running' } });
  options.say(`X: the sandbox, in this process (seed ${seed}, ${users.toLocaleString('en')} users), on ${sandbox.url}`);
  const door = await XDoor.sandbox(sandbox.url, doorOptions);
  return {
    door,
    sandbox,
    release: async () => {
      door.close();
      await sandbox.stop();
    },
  };
}

export interface RunJobOptions {
  persona?: string | undefined;
  dryRun?: boolean;
  now?: () => Date;
  signal?: AbortSignal;
  progress?: (line: string) => void;
  /** Pauses between actions (jitter); the default waits for real. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  pacing?: boolean;
}

/** A job's context on this runtime: its database, door, clock (the sandbox's when X is one), config. */
export async function jobContext(runtime: Runtime, name: string, options: RunJobOptions & { accounts?: readonly string[] } = {}): Promise<JobContext> {
  jobNamed(name); // an unknown name fails here, before any work
  const x = await runtime.x();
  // Against a sandbox, the job lives on the sandbox's clock (frozen in tests, moved in simulations).
  if (!options.now) await runtime.syncClock();
  return {
    db: runtime.database.db,
    x,
    // Handlers name their job in each line they log.
    log: runtime.log,
    now: options.now ?? (() => runtime.now()),
    signal: options.signal ?? new AbortController().signal,
    workerId: runtime.workerId,
    sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined)),
    random: options.random ?? Math.random,
    ...(options.pacing === undefined ? {} : { pacing: options.pacing }),
    config: runtime.config,
    persona: options.persona,
    ...(options.accounts ? { accounts: options.accounts } : {}),
    dryRun: options.dryRun ?? false,
    progress: options.progress,
  };
}

/**
 * Runs one job by name now (not a scheduled tick) in the job frame (stops, timing, the outcome
 * line), recorded in `job_runs` (outcome, counts, error). Returns the outcome; its summary is the line.
 * First, runs by hand whose process died (killed, never recorded) are marked failed, saying so.
 * Aborted through `signal` (a stop), the run is recorded failed with the signal's reason, and that
 * reason is what it throws.
 */
export async function runJob(runtime: Runtime, name: string, options: RunJobOptions = {}): Promise<JobOutcome> {
  const job = jobNamed(name);
  const ctx = await jobContext(runtime, name, options);
  const db = runtime.database.db;
  if (!ctx.dryRun) {
    for (const dead of await failDeadRuns(db, { workerId: runtime.workerId, at: ctx.now() })) {
      runtime.log.warn({ job: dead.job, run: dead.id, worker: dead.workerId }, `${dead.job} run ${dead.id} of ${dead.startedAt.toISOString()} marked failed: ${dead.error}`);
    }
  }
  const runId = ctx.dryRun ? undefined : await startRun(db, { job: job.name, persona: options.persona ?? null, workerId: runtime.workerId, at: ctx.now() });
  try {
    const outcome = await runFramed(job, ctx);
    if (runId !== undefined) await finishRun(db, { id: runId, status: 'ok', counts: outcome.counts, at: ctx.now() });
    return outcome;
  } catch (caught) {
    // A stop shows as whatever the job was waiting on when aborted: the stop's own reason says more.
    const error = ctx.signal.aborted ? stopReason(ctx.signal) : caught;
    if (runId !== undefined) await finishRun(db, { id: runId, status: 'failed', error: (error as Error).message, at: ctx.now() });
    throw error;
  }
}

/** The reason a signal was aborted with, as an error. */
function stopReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`stopped: ${String(reason)}`);
}
