import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeOptions } from '../runtime.ts';

/**
 * How commands find the worker that owns the embedded database. PGlite allows one process at a
 * time, so while `prospector worker` runs on it, the worker is the database's one owner and other
 * commands go through its local API. At start the worker writes `worker.json` in the data
 * directory — its URL, pid and a random bearer token — readable by its user only, and removes it
 * at a clean stop. A command trusts the file only when its pid is the live process holding the
 * directory's lock (db/pglite-lock.ts): a file left by a worker that died is ignored.
 *
 * With PostgreSQL (DATABASE_URL) every process may connect: no file, commands use the database.
 */

export const WORKER_FILE = 'worker.json';

/** What `worker.json` holds. */
export interface WorkerFile {
  /** The worker's web server, `http://127.0.0.1:8787`. */
  url: string;
  pid: number;
  /** The bearer token of its `/api/` routes. */
  token: string;
  startedAt: string;
}

/** The worker owning the embedded database, as a command finds it. */
export interface OwningWorker {
  pid: number;
  /** Its `worker.json` (written once its web server is up). */
  file: WorkerFile;
  dataDir: string;
}

/** Writes the file for this process, readable by its user only (replaced whole: never half-written). */
export function writeWorkerFile(dataDir: string, info: Omit<WorkerFile, 'pid' | 'startedAt'>): void {
  const file = join(dataDir, WORKER_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const body: WorkerFile = { ...info, pid: process.pid, startedAt: new Date().toISOString() };
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only to a new file; a temporary file left by a crash keeps its own.
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Removes the file if it is still this token's (a clean stop). */
export function removeWorkerFile(dataDir: string, token: string): void {
  if (readWorkerFile(dataDir)?.token === token) rmSync(join(dataDir, WORKER_FILE), { force: true });
}

/** The file, when it is there and well-formed. */
export function readWorkerFile(dataDir: string): WorkerFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(join(dataDir, WORKER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const f = data as Partial<WorkerFile> | null;
  if (!f || typeof f.url !== 'string' || typeof f.token !== 'string' || typeof f.pid !== 'number' || !/^https?:\/\//.test(f.url)) return undefined;
  return { url: f.url, pid: f.pid, token: f.token, startedAt: String(f.startedAt ?? '') };
}

/**
 * The worker owning the embedded database a command would open, if another live process holds
 * it and its `worker.json` names it. Undefined with PostgreSQL, a database in memory, a free
 * directory, or a holder that is not a worker (another command: opening then says who holds it).
 */
export async function owningWorker(runtime: RuntimeOptions = {}): Promise<OwningWorker | undefined> {
  if (typeof runtime.databaseUrl === 'string') return undefined;
  let dataDir = runtime.dataDir;
  if (runtime.databaseUrl !== null || dataDir === undefined) {
    // The worker config's database part only, with the environment's overrides: cheap, and read
    // even when the rest of the file is broken (`fallbackConfig`).
    const [{ fallbackConfig }, { readEnvironment }] = await Promise.all([import('../config/load.ts'), import('../config/env.ts')]);
    const file = runtime.configFile ?? readEnvironment().value.configFile;
    const database = runtime.config?.worker.database ?? (await fallbackConfig(file)).value?.database;
    if (runtime.databaseUrl !== null && database?.url?.reveal()) return undefined;
    dataDir ??= database?.data_dir;
  }
  if (dataDir === undefined || dataDir.startsWith('memory://')) return undefined;
  const { pgliteHolder } = await import('../../db/pglite-lock.ts');
  const pid = pgliteHolder(dataDir);
  if (pid === undefined || pid === process.pid) return undefined;
  const file = readWorkerFile(dataDir);
  if (!file || file.pid !== pid) return undefined;
  return { pid, file, dataDir };
}

/** What a command that needs the database says while the worker owns it. */
export function ownedMessage(owner: OwningWorker): string {
  return `the worker (pid ${owner.pid}) owns the embedded database (${owner.dataDir}): stop it, or use the page at ${owner.file.url}, or set DATABASE_URL to a PostgreSQL server that every process can share`;
}
