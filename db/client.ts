import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Logger as DrizzleLogger } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import { isAlive, pgliteLockFile } from './pglite-lock.ts';
import { heldForever, holdPgSessionLock, type SessionLock } from './session-lock.ts';
import * as schema from './schema.ts';

/**
 * The one driver seam. Without a URL the database is PGlite (PostgreSQL compiled to WASM, in this
 * process, files under `.prospector/data/`); with `DATABASE_URL` it is a PostgreSQL server through
 * a `pg` pool. Either way the rest of the product gets the same drizzle `Database` and writes the
 * same queries.
 *
 * PGlite has a single connection. Its `transaction()` holds a lock for the whole block that every
 * other statement waits on, and rolls back before rethrowing, so a failed transaction never
 * leaves the connection aborted. The one trap: inside `db.transaction(async (tx) => …)` use `tx`,
 * never `db` — on PGlite a statement through `db` waits for the transaction to end, which it never
 * does. (On PostgreSQL it would run on another connection, outside the transaction: a bug too.)
 */

export type Schema = typeof schema;

/** The drizzle database, whatever the driver. Query functions take this (a transaction is one too). */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseKind = 'pglite' | 'postgres';

/** The part of a pino logger the database uses. */
export interface DatabaseLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DatabaseOptions {
  /** A PostgreSQL URL. Default: `DATABASE_URL`. Without one, PGlite; null: PGlite whatever the environment says. */
  url?: string | null;
  /** PGlite's directory, or `memory://` (tests). Default: `PROSPECTOR_DATA_DIR`, else `.prospector/data`. */
  dataDir?: string;
  log?: DatabaseLog;
  /** Connections in the `pg` pool (PostgreSQL only). Default 10. */
  poolSize?: number;
  /**
   * PGlite only, for a new directory or `memory://`: start from this copy of a data directory
   * (`dumpDataDir()`) instead of creating an empty one, which takes seconds (tests).
   */
  loadDataDir?: Blob;
}

export interface DatabaseHandle {
  db: Database;
  kind: DatabaseKind;
  /** Where the data lives, for logs and messages, without any password: `PGlite in .prospector/data`. */
  where: string;
  log: DatabaseLog | undefined;
  /**
   * Holds a session-level advisory lock named `key` until it is released (or the process dies: the
   * server drops it with the connection). On PostgreSQL the lock has a connection of its own,
   * watched: lost, it says so at once (`held` false) and is taken back on a new connection (see
   * db/session-lock.ts). Workers hold one under their id, so others can tell a live worker from a
   * crashed one (db/workers.ts).
   */
  holdSessionLock(key: string, options?: { applicationName?: string; label?: string; heartbeatMs?: number }): Promise<SessionLock>;
  /** `holdSessionLock`, for a caller that only needs its release. */
  holdLock(key: string, options?: { applicationName?: string; label?: string }): Promise<() => Promise<void>>;
  /** Ends the pool or closes PGlite. Safe to call twice. */
  close(): Promise<void>;
  /** PGlite only: its data directory as one tarball, for `loadDataDir` (tests start databases from a template). */
  dumpDataDir?(): Promise<Blob>;
}

export const DEFAULT_DATA_DIR = '.prospector/data';

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const url = options.url === null ? undefined : (options.url ?? (process.env.DATABASE_URL || undefined));
  return url ? openPostgres(checkDatabaseUrl(url), options) : openPglite(options.dataDir ?? (process.env.PROSPECTOR_DATA_DIR || DEFAULT_DATA_DIR), options);
}

const releaseOf = (lock: SessionLock) => () => lock.release();

/** Logs each statement's text at debug level; parameters stay out of the logs (they carry bios and posts). */
function queryLogger(log: DatabaseLog | undefined): DrizzleLogger | undefined {
  if (!log) return undefined;
  return { logQuery: (query) => log.debug({ sql: query }, 'sql') };
}

async function openPglite(dataDir: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  const where = inMemory ? 'PGlite in memory' : `PGlite in ${dataDir}`;
  const unlock = inMemory ? () => undefined : lockDataDir(resolve(dataDir));
  let client: PGlite;
  try {
    if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
    client = await PGlite.create(inMemory ? dataDir : resolve(dataDir), options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  } catch (error) {
    unlock();
    throw new Error(`cannot open ${where}: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
  const db = drizzlePglite({ client, schema, logger: queryLogger(options.log) });
  let closed: Promise<void> | undefined;
  const holdSessionLock = async (key: string): Promise<SessionLock> => {
    await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
    return heldForever(key, async () => {
      await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
    });
  };
  return {
    db,
    kind: 'pglite',
    where,
    log: options.log,
    // One process, one session: the lock only needs to exist for the statements that test it, and
    // it cannot be lost while the process lives.
    holdSessionLock,
    holdLock: async (key) => releaseOf(await holdSessionLock(key)),
    close: () => (closed ??= client.close().finally(unlock)),
    dumpDataDir: () => client.dumpDataDir('none'),
  };
}

/**
 * PGlite does not notice a second process opening its directory, and two writers corrupt it. A
 * lock file beside the directory (`data.lock` for `data/`) holds the owner's pid; a lock whose
 * process is gone is stale and taken over. Returns the release function.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = pgliteLockFile(dir);
  mkdirSync(dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock PGlite directory ${dir}: ${(error as Error).message}`, { cause: error });
    }
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
      throw new Error(
        `PGlite directory ${dir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}: PGlite allows one process at a time. ` +
          `Stop the other one, or set DATABASE_URL to a PostgreSQL server to run several workers (lock file: ${lockPath})`,
      );
    }
    rmSync(lockPath, { force: true });
  }
  throw new Error(`cannot lock PGlite directory ${dir}: ${lockPath} keeps coming back`);
}

/** `postgres://user@host:5432/db`, password removed. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'PostgreSQL (unparseable DATABASE_URL)';
  }
}

function urlHasOptions(url: string): boolean {
  try {
    return new URL(url).searchParams.has('options');
  } catch {
    return false;
  }
}

const URL_HELP = 'write it as postgres://user:password@host:5432/database, or leave DATABASE_URL unset for the embedded database';

/**
 * A PostgreSQL URL, checked before anything connects: `not-a-url` would otherwise be read as a
 * host named "base" (ENOTFOUND base), and `mysql://…` would be tried as PostgreSQL. Returns it.
 */
export function checkDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`DATABASE_URL (or database.url in the worker config) is not a URL: "${url.length > 40 ? `${url.slice(0, 40)}…` : url}"; ${URL_HELP}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL (or database.url in the worker config) starts with ${parsed.protocol}//: Prospector stores its data in PostgreSQL only, so it must start with postgres:// or postgresql://; ${URL_HELP}`);
  }
  if (!parsed.hostname && !parsed.searchParams.has('host')) throw new Error(`DATABASE_URL (or database.url in the worker config) names no host: ${describeUrl(url)}; ${URL_HELP}`);
  return url;
}

/** Why a PostgreSQL server could not be reached, in words that say what to check. */
function connectionProblem(error: unknown, url: string): string {
  const u = new URL(url);
  const host = u.hostname || u.searchParams.get('host') || 'localhost';
  const port = u.port || '5432';
  const database = decodeURIComponent(u.pathname.slice(1)) || decodeURIComponent(u.username) || '(the user name)';
  const codes = [error, ...((error as AggregateError)?.errors ?? [])].map((e) => (e as { code?: string })?.code).filter(Boolean);
  const has = (code: string) => codes.includes(code);
  if (has('ECONNREFUSED')) return `nothing answers on ${host} port ${port}: is PostgreSQL running there, and is that its port? Check the host and port in DATABASE_URL`;
  if (has('ENOTFOUND') || has('EAI_AGAIN')) return `no host named "${host}": check the host in DATABASE_URL`;
  if (has('ETIMEDOUT') || has('EHOSTUNREACH') || has('ENETUNREACH')) return `${host} port ${port} does not answer (a firewall, or the wrong host?): check the host and port in DATABASE_URL`;
  if (has('3D000')) return `the server has no database "${database}": create it (createdb ${database}) or fix the database name in DATABASE_URL`;
  if (has('28P01') || has('28000')) return `the server refused the user "${decodeURIComponent(u.username) || '(none)'}": check the user and password in DATABASE_URL`;
  return `${(error as Error)?.message ?? String(error)}; check DATABASE_URL and that the server is running`;
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<DatabaseHandle> {
  const where = `PostgreSQL at ${describeUrl(url)}`;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: 'prospector',
    // Instants are read and written as timestamptz; UTC keeps any text rendering unambiguous.
    options: urlHasOptions(url) ? undefined : '-c TimeZone=UTC',
  });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', (error) => options.log?.warn({ err: error }, `database connection lost (${where})`));
  // A client in use (between two statements of a transaction) that loses its server emits 'error'
  // too, where the pool no longer listens: without a listener the process would crash. Its next
  // statement fails instead, and the pool drops it.
  pool.on('connect', (client) => client.on('error', (error) => options.log?.warn({ err: error }, `database connection lost while in use (${where})`)));
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to ${where}: ${connectionProblem(error, url)}`, { cause: error });
  }
  const db = drizzleNodePg({ client: pool, schema, logger: queryLogger(options.log) });
  let closed: Promise<void> | undefined;
  const holdSessionLock: DatabaseHandle['holdSessionLock'] = (key, lockOptions) =>
    holdPgSessionLock(url, key, { ...lockOptions, log: options.log, label: lockOptions?.label ?? `lock on ${where}` });
  return {
    db,
    kind: 'postgres',
    where,
    log: options.log,
    // A connection of its own, out of the pool's rotation, for as long as the lock is held; its
    // application name lets others see who holds it (db/workers.ts).
    holdSessionLock,
    holdLock: async (key, lockOptions) => releaseOf(await holdSessionLock(key, lockOptions)),
    close: () => (closed ??= pool.end()),
  };
}
