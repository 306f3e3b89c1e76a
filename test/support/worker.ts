import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { describe } from 'vitest';
import { stringify } from 'yaml';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import type { JobName } from '../../src/config/worker.ts';
import { pgliteDataDir } from './db.ts';
import { createScratchDatabase } from './engage-child.ts';

/**
 * Support for the worker's tests: a config directory of their own (the worker config and one
 * persona, which tests edit), a database of either kind that the worker opens itself, a logger
 * whose lines the test reads, and a wait on a condition.
 */

export const WORKER_FIXTURES = fileURLToPath(new URL('../fixtures/worker', import.meta.url));
/** The working directory of the cluster test's worker processes. */
export const CLUSTER_FIXTURE = join(WORKER_FIXTURES, 'cluster');

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

// ---- config ------------------------------------------------------------------------------------

export type Schedules = Partial<Record<JobName, { cron?: string; after?: JobName; enabled?: boolean }>>;

export interface WorkerFileOptions {
  /** Jobs not named here are disabled (score runs after search unless said otherwise). */
  schedules: Schedules;
  worker?: { first_cycle?: boolean; lease_seconds?: number; shutdown_seconds?: number };
}

export interface ConfigDir {
  dir: string;
  /** `<dir>/prospector.yaml`, absolute. */
  configFile: string;
  /** `<dir>/personas/growth-saas-en.yaml`: mode auto, 1 like and 1 follow a day per account. */
  personaFile: string;
  /**
   * Writes the worker config again, in place (as `echo … >` does). Not by rename, as editors that
   * save atomically do: the worker watches the file itself (fs.watch), and such a watch goes deaf
   * after the file is first replaced.
   */
  writeWorker(options: WorkerFileOptions): void;
  /** Rewrites the persona file in place through `edit`. */
  editPersona(edit: (text: string) => string): void;
  remove(): void;
}

/** The worker config as YAML: the sandbox, web on a free port, no first cycle, warm-up off. */
export function workerYaml(options: WorkerFileOptions, personasDir: string): string {
  const schedules: Record<string, unknown> = {};
  const all: JobName[] = ['search', 'score', 'engage', 'signals', 'queue'];
  for (const job of all) schedules[job] = options.schedules[job] ?? (job === 'score' ? { after: 'search' } : { enabled: false });
  return `# Written by test/support/worker.ts for one test.\n${stringify(
    {
      network: 'sandbox',
      tier: 'payperuse',
      time_zone: 'UTC',
      engagement: { warmup: [1], jitter_seconds: [0, 0] },
      schedules,
      worker: { first_cycle: false, lease_seconds: 5, shutdown_seconds: 10, ...options.worker },
      web: { port: 0 },
      personas_dir: personasDir,
    },
    { lineWidth: 0 },
  )}`;
}

export function makeConfigDir(options: WorkerFileOptions): ConfigDir {
  const dir = mkdtempSync(join(tmpdir(), 'prospector-worker-'));
  const personas = join(dir, 'personas');
  mkdirSync(personas);
  const configFile = join(dir, 'prospector.yaml');
  const personaFile = join(personas, 'growth-saas-en.yaml');
  copyFileSync(join(WORKER_FIXTURES, 'personas/growth-saas-en.yaml'), personaFile);
  const writeWorker = (o: WorkerFileOptions) => writeFileSync(configFile, workerYaml(o, personas));
  writeWorker(options);
  return {
    dir,
    configFile,
    personaFile,
    writeWorker,
    editPersona: (edit) => writeFileSync(personaFile, edit(readFileSync(personaFile, 'utf8'))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---- databases ---------------------------------------------------------------------------------

export type StoreKind = 'pglite' | 'postgres';

/** A database the worker opens itself (by directory or URL), and the test opens when the worker is gone. */
export interface WorkerStore {
  kind: StoreKind;
  /** For `Worker.start({ runtime })` and `openRuntime`. */
  runtime: { dataDir: string } | { databaseUrl: string };
  /** For the `prospector worker` command, which reads its database from the environment. */
  env: Record<string, string | undefined>;
  /** Opens it from the test (PGlite: only while no worker holds the directory). */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

export async function createWorkerStore(kind: StoreKind): Promise<WorkerStore> {
  if (kind === 'postgres') {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
    const scratch = await createScratchDatabase(TEST_DATABASE_URL);
    return {
      kind,
      runtime: { databaseUrl: scratch.url },
      env: { DATABASE_URL: scratch.url, PROSPECTOR_DATA_DIR: undefined },
      open: () => openDatabase({ url: scratch.url, poolSize: 2 }),
      drop: () => scratch.drop(),
    };
  }
  // On disk rather than in memory: the command test looks at what the worker left once it is gone.
  const { dataDir, remove } = await pgliteDataDir();
  return {
    kind,
    runtime: { dataDir },
    // DATABASE_URL would win over the data directory.
    env: { DATABASE_URL: undefined, PROSPECTOR_DATA_DIR: dataDir },
    open: () => openDatabase({ dataDir }),
    drop: async () => remove(),
  };
}

const SKIP_REASON = 'skipped: set TEST_DATABASE_URL=postgres://… to run on PostgreSQL';
let warned = false;

/** Runs a suite on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set (else reported skipped, saying why). */
export function describeEachStore(name: string, suite: (kind: StoreKind) => void): void {
  describe(`${name} [PGlite]`, () => suite('pglite'));
  if (TEST_DATABASE_URL) {
    describe(`${name} [PostgreSQL]`, () => suite('postgres'));
  } else {
    if (!warned) {
      warned = true;
      console.warn(`worker tests on PostgreSQL ${SKIP_REASON}`);
    }
    describe.skip(`${name} [PostgreSQL] (${SKIP_REASON})`, () => suite('postgres'));
  }
}

/** Sets environment variables (undefined removes one); returns the function that puts them back. */
export function setEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  return () => apply(before);
}

// ---- logs and waiting --------------------------------------------------------------------------

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface CapturedLog {
  log: Logger;
  lines: LogLine[];
  /** Messages, one per line. */
  messages(): string[];
}

/** A pino logger (the product's kind) whose lines the test reads; `debug` shows planned actions. */
export function captureLog(level = 'info'): CapturedLog {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  const log = pino({ level, base: undefined }, stream);
  return { log, lines, messages: () => lines.map((l) => l.msg) };
}

/**
 * Waits until `check` returns something other than undefined/false, checking every `everyMs`: for
 * conditions only a database or a process can tell (a run finished, a share claimed). Fails with
 * `what` after `timeoutMs`.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, options: { timeoutMs?: number; everyMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 15_000} ms waiting for ${what}`);
    await delay(options.everyMs ?? 50);
  }
}

/** Listeners of the signals the worker command handles. */
export function signalListeners(): Record<'SIGINT' | 'SIGTERM' | 'SIGHUP', number> {
  return { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM'), SIGHUP: process.listenerCount('SIGHUP') };
}
