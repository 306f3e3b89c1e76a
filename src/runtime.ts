import { hostname } from 'node:os';
import { finishRun, startRun } from '../db/runs.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { jobNamed } from '../jobs/index.ts';
import type { JobContext, JobResult } from '../jobs/context.ts';
import { loadConfig, type LoadedConfig } from './config/load.ts';
import { silentLogger, type Logger } from './log.ts';
import { startSandbox, type Sandbox } from './sandbox/index.ts';
import { XDoor } from './x/door.ts';

/**
 * What a command needs, opened in order and closed in reverse: config, database (migrated), and
 * the door to X — the real API, a sandbox named by `PROSPECTOR_SANDBOX_URL`, or a sandbox started
 * in this process when nothing is configured.
 */
export interface Runtime {
  config: LoadedConfig;
  database: DatabaseHandle;
  /** Opened on first use: reading the queue needs no X. */
  x(): Promise<XDoor>;
  /** The in-process sandbox, when one was started. */
  sandbox: Sandbox | undefined;
  log: Logger;
  /** A line for people (progress, where things are); the default writes to stderr. */
  say: (line: string) => void;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  configFile?: string;
  log?: Logger;
  say?: (line: string) => void;
  /** Open this database instead of the config's (tests, demo). */
  databaseUrl?: string;
  dataDir?: string;
  /** Use this running sandbox (overrides config and environment). */
  sandboxUrl?: string;
}

export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const log = options.log ?? silentLogger();
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const releasers: Array<() => Promise<void> | void> = [];
  const close = async () => {
    // Reverse order of acquisition.
    for (const release of releasers.splice(0).reverse()) await release();
  };
  try {
    const config = await loadConfig(options.configFile === undefined ? {} : { file: options.configFile });
    const database = await openDatabase({
      ...(options.databaseUrl ?? config.worker.database.url ? { url: options.databaseUrl ?? config.worker.database.url?.reveal() } : {}),
      // The environment wins over the file, as for DATABASE_URL.
      dataDir: options.dataDir ?? (process.env.PROSPECTOR_DATA_DIR || config.worker.database.data_dir),
      log,
    });
    releasers.push(() => database.close());
    await migrate(database);

    let sandbox: Sandbox | undefined;
    let door: XDoor | undefined;
    const runtime: Runtime = {
      config,
      database,
      log,
      say,
      get sandbox() {
        return sandbox;
      },
      async x() {
        if (door) return door;
        const opened = await openDoor(config, { ...(options.sandboxUrl ? { sandboxUrl: options.sandboxUrl } : {}), say });
        door = opened.door;
        sandbox = opened.sandbox;
        releasers.push(opened.release);
        return door;
      },
      close,
    };
    return runtime;
  } catch (error) {
    await close();
    throw error;
  }
}

/** Who ran a job, in `job_runs`: this machine and process. */
const WORKER_ID = `${hostname()}:${process.pid}`;

/**
 * Opens the door to X the config asks for: the real API (`network: x`), a running sandbox
 * (`sandboxUrl` or `PROSPECTOR_SANDBOX_URL`), or a sandbox started in this process.
 */
export async function openDoor(
  config: LoadedConfig,
  options: { sandboxUrl?: string; say: (line: string) => void },
): Promise<{ door: XDoor; sandbox: Sandbox | undefined; release: () => Promise<void> }> {
  const url = options.sandboxUrl ?? process.env.PROSPECTOR_SANDBOX_URL;
  if (config.worker.network === 'x' && !options.sandboxUrl) {
    const door = XDoor.real(config.worker.x.bearer_token?.reveal() ?? '');
    return { door, sandbox: undefined, release: async () => door.close() };
  }
  if (url) {
    const door = await XDoor.sandbox(url);
    return { door, sandbox: undefined, release: async () => door.close() };
  }
  const { seed, users } = config.worker.sandbox;
  const sandbox = await startSandbox({ seed, users, clock: { mode: 'running' } });
  options.say(`X: the sandbox, in this process (seed ${seed}, ${users.toLocaleString('en')} users), on ${sandbox.url}`);
  const door = await XDoor.sandbox(sandbox.url);
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
}

/** Runs one job by name, recorded in `job_runs` (outcome, counts, error). */
export async function runJob(runtime: Runtime, name: string, options: RunJobOptions = {}): Promise<JobResult> {
  const job = jobNamed(name);
  const now = options.now ?? (() => new Date());
  const ctx: JobContext = {
    db: runtime.database.db,
    x: await runtime.x(),
    log: runtime.log.child({ job: job.name }),
    now,
    signal: options.signal ?? new AbortController().signal,
    config: runtime.config,
    persona: options.persona,
    dryRun: options.dryRun ?? false,
    progress: options.progress,
  };
  const runId = ctx.dryRun ? undefined : await startRun(runtime.database.db, { job: job.name, persona: options.persona ?? null, workerId: WORKER_ID, at: now() });
  try {
    const result = await job.handler(ctx);
    if (runId !== undefined) await finishRun(runtime.database.db, { id: runId, status: 'ok', counts: result.counts, at: now() });
    return result;
  } catch (error) {
    if (runId !== undefined) await finishRun(runtime.database.db, { id: runId, status: 'failed', error: (error as Error).message, at: now() });
    throw error;
  }
}
