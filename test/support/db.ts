import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabase, type Database, type DatabaseHandle, type DatabaseKind } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import type { ProspectInput } from '../../db/prospects.ts';
import * as schema from '../../db/schema.ts';

/**
 * Runs a suite on every database Prospector supports: PGlite in memory always, and PostgreSQL
 * when TEST_DATABASE_URL points at a server (any database on it; the role must be allowed to
 * CREATE DATABASE). Without it the PostgreSQL variant is reported as skipped, with the reason in
 * its title.
 *
 * Isolation on PostgreSQL: each suite gets its own database, created with a random name and
 * dropped afterwards, so test files can run in parallel forks against one server.
 */

export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** The suite's database, migrated; shared by its tests (see reset). */
  readonly handle: DatabaseHandle;
  readonly db: Database;
  /** Empties every table of the schema. */
  reset(): Promise<void>;
  /** A new, empty database (not migrated), dropped after the suite. */
  fresh(): Promise<FreshDatabase>;
}

export interface FreshDatabase {
  handle: DatabaseHandle;
  /**
   * Another handle on the same database, as a second process would open it: a new pool on
   * PostgreSQL; on PGlite (one connection, one process) the same handle.
   */
  connect(): Promise<DatabaseHandle>;
}

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const SKIP_REASON = 'skipped: set TEST_DATABASE_URL=postgres://… to run on PostgreSQL';
let warned = false;

const TABLES = (Object.values(schema) as unknown[]).filter((value): value is PgTable => is(value, PgTable)).map((table) => getTableName(table));

export function describeEachDatabase(name: string, suite: (t: TestDatabase) => void): void {
  describe(`${name} [PGlite]`, () => suite(lifecycle('pglite')));
  if (TEST_DATABASE_URL) {
    describe(`${name} [PostgreSQL]`, () => suite(lifecycle('postgres')));
  } else {
    if (!warned) {
      warned = true;
      console.warn(`PostgreSQL database tests ${SKIP_REASON}`);
    }
    describe.skip(`${name} [PostgreSQL] (${SKIP_REASON})`, () => suite(lifecycle('postgres')));
  }
}

/** A TestDatabase whose handle exists between the suite's beforeAll and afterAll. */
function lifecycle(kind: DatabaseKind): TestDatabase {
  const server = kind === 'postgres' ? new TestServer(TEST_DATABASE_URL!) : undefined;
  const cleanups: (() => Promise<void>)[] = [];
  let main: DatabaseHandle | undefined;

  async function fresh(): Promise<FreshDatabase> {
    if (server) {
      const url = await server.createDatabase();
      const handles: DatabaseHandle[] = [];
      const connect = async () => {
        const h = await openDatabase({ url, poolSize: 4 });
        handles.push(h);
        return h;
      };
      cleanups.push(async () => {
        await Promise.all(handles.map((h) => h.close()));
        await server.dropDatabase(url);
      });
      return { handle: await connect(), connect };
    }
    const handle = await openPglite('empty');
    cleanups.push(() => handle.close());
    return { handle, connect: async () => handle };
  }

  beforeAll(async () => {
    if (server) {
      main = (await fresh()).handle;
    } else {
      main = await openPglite('migrated');
      cleanups.push(() => main!.close());
    }
    await migrate(main);
  });
  afterAll(async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => errors.push(error));
    await server?.end().catch((error: unknown) => errors.push(error));
    if (errors.length > 0) throw new AggregateError(errors, 'database test cleanup failed');
  });

  const ready = (): DatabaseHandle => {
    if (!main) throw new Error('the test database is open only inside tests and hooks');
    return main;
  };
  return {
    kind,
    get handle() {
      return ready();
    },
    get db() {
      return ready().db;
    },
    async reset() {
      await ready().db.execute(sql.raw(`truncate ${TABLES.map((t) => `"${t}"`).join(', ')} restart identity cascade`));
    },
    fresh,
  };
}

const templates = new Map<'empty' | 'migrated', Blob>();

/**
 * A PGlite database loaded from the test run's template (test/support/global-setup.ts), empty or
 * migrated: seconds faster than creating one. In memory unless `dataDir` names a new directory.
 */
export async function openPglite(template: 'empty' | 'migrated', dataDir = 'memory://'): Promise<DatabaseHandle> {
  let blob = templates.get(template);
  if (!blob) {
    const file = inject('pgliteTemplates')?.[template];
    if (!file) throw new Error('no PGlite templates: run the tests through vitest with vitest.config.ts (its globalSetup makes them)');
    blob = new Blob([readFileSync(file)]);
    templates.set(template, blob);
  }
  return openDatabase({ dataDir, loadDataDir: blob });
}

let onDisk: string | undefined;

/**
 * A new directory holding a migrated PGlite database, for code that opens a database by path (the
 * worker, the CLI): a copy of one made from the template once per test file. `remove()` deletes it.
 */
export async function pgliteDataDir(): Promise<{ dataDir: string; remove(): void }> {
  if (!onDisk) {
    const dir = join(mkdtempSync(join(tmpdir(), 'prospector-pglite-disk-')), 'data');
    await (await openPglite('migrated', dir)).close();
    process.once('exit', () => rmSync(join(dir, '..'), { recursive: true, force: true }));
    onDisk = dir;
  }
  const parent = mkdtempSync(join(tmpdir(), 'prospector-pglite-'));
  const dataDir = join(parent, 'data');
  cpSync(onDisk, dataDir, { recursive: true });
  return { dataDir, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** Creates and drops databases on the server TEST_DATABASE_URL points at. */
class TestServer {
  #admin: pg.Pool | undefined;
  constructor(readonly url: string) {}

  #pool(): pg.Pool {
    return (this.#admin ??= new pg.Pool({ connectionString: this.url, max: 1 }));
  }

  async createDatabase(): Promise<string> {
    const name = `prospector_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    await this.#pool().query(`create database "${name}"`);
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  async dropDatabase(url: string): Promise<void> {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    await this.#pool().query(`drop database if exists "${name}" with (force)`);
  }

  async end(): Promise<void> {
    await this.#admin?.end();
  }
}

/** A fixed instant: tests never read the wall clock. */
export const AT = new Date('2026-11-02T09:00:00.000Z');

/** `AT` plus some minutes. */
export function minutesAfter(minutes: number, from: Date = AT): Date {
  return new Date(from.getTime() + minutes * 60_000);
}

/** X-like ids: 19 digits, increasing with n. */
export function xid(n: number): string {
  return String(1_500_000_000_000_000_000n + BigInt(n));
}

export function prospectInput(n: number, over: Partial<ProspectInput> = {}): ProspectInput {
  return {
    xUserId: xid(n),
    username: `user_${n}`,
    name: `User ${n}`,
    description: `Head of Growth #${n}`,
    location: 'Paris',
    url: null,
    createdAt: new Date('2015-03-01T00:00:00Z'),
    verified: false,
    protected: false,
    followersCount: 100 + n,
    followingCount: 200,
    tweetCount: 3000,
    listedCount: 2,
    likeCount: 40,
    lang: 'en',
    seenAt: AT,
    ...over,
  };
}
