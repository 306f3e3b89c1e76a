import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseLog } from '../db/client.ts';
import { loadMigrations, migrate, type Migration } from '../db/migrate.ts';
import { rows } from '../db/rows.ts';
import { describeEachDatabase } from './support/db.ts';

const MIGRATIONS = loadMigrations();
const LATEST = MIGRATIONS.at(-1)!.tag;

async function tables(handle: { db: Parameters<typeof rows>[0] }): Promise<string[]> {
  const found = await rows<{ name: string }>(handle.db, sql`select table_name as name from information_schema.tables where table_schema = 'public' order by 1`);
  return found.map((r) => r.name);
}

describeEachDatabase('migrations', (t) => {
  it('migrate creates every table once; a second run applies nothing', async () => {
    const { handle } = await t.fresh();
    expect(await migrate(handle)).toEqual({ applied: MIGRATIONS.map((m) => m.tag), latest: LATEST });
    expect(await tables(handle)).toEqual(
      expect.arrayContaining(['prospects', 'posts', 'matches', 'search_cursors', 'read_meter', 'actions', 'budgets', 'signals', 'leads', 'lead_events', 'do_not_contact', 'job_runs', 'prospector_migrations']),
    );
    expect(await migrate(handle)).toEqual({ applied: [], latest: LATEST });
    const recorded = await rows<{ tag: string }>(handle.db, sql`select tag from prospector_migrations order by tag`);
    expect(recorded.map((r) => r.tag)).toEqual(MIGRATIONS.map((m) => m.tag));
  });

  it('two processes migrating at once: one migrates, the other waits and finds it done', async () => {
    const fresh = await t.fresh();
    const other = await fresh.connect();
    const results = await Promise.all([migrate(fresh.handle), migrate(other)]);
    const applied = results.map((r) => r.applied).sort((a, b) => b.length - a.length);
    expect(applied).toEqual([MIGRATIONS.map((m) => m.tag), []]);
    expect(await tables(other)).toContain('leads');
  });

  it('refuses a database migrated by a newer Prospector, saying what to do', async () => {
    const { handle } = await t.fresh();
    await migrate(handle);
    await handle.db.execute(sql`insert into prospector_migrations (tag, hash) values ('9999_from_the_future', 'x')`);
    const where = t.kind === 'postgres' ? 'point DATABASE_URL at another database' : 'point PROSPECTOR_DATA_DIR at another directory';
    await expect(migrate(handle)).rejects.toThrow(`this database was migrated by a newer Prospector (migration 9999_from_the_future); upgrade Prospector or ${where}`);
    // The refusal changed nothing, and the connection is still usable.
    expect(await tables(handle)).toContain('prospects');
  });

  it('a failing migration applies nothing, and the next start tries again', async () => {
    const { handle } = await t.fresh();
    const broken: Migration[] = [...MIGRATIONS, { tag: '9998_broken', hash: 'h', statements: ['create table half_done (id int)', 'select * from no_such_table'] }];
    await expect(migrate(handle, broken)).rejects.toThrow(/migration 9998_broken failed, nothing was applied: .*no_such_table/);
    expect(await tables(handle)).not.toContain('prospects');
    expect(await tables(handle)).not.toContain('half_done');
    expect((await migrate(handle)).applied).toEqual(MIGRATIONS.map((m) => m.tag));
  });

  it('a failed transaction rolls back and leaves the connection usable; transactions do not interleave', async () => {
    const { db } = t;
    await t.reset();
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into do_not_contact (prospect_id, source, added_at, added_by) values ('1', 'test', now(), 'ana')`);
        await tx.execute(sql`select 1/0`);
      }),
    ).rejects.toThrow();
    expect(await rows(db, sql`select * from do_not_contact`)).toEqual([]);
    // Two transactions at once, each reading back what it wrote: on PGlite's single connection
    // the second waits for the first instead of joining it.
    const write = (id: string) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into do_not_contact (prospect_id, source, added_at, added_by) values (${id}, 'test', now(), 'ana')`);
        await new Promise((resolve) => setImmediate(resolve));
        const seen = await rows<{ n: number }>(tx, sql`select count(*)::int as n from do_not_contact`);
        if (id === 'fails') throw new Error('rolled back on purpose');
        return seen[0]!.n;
      });
    const results = await Promise.allSettled([write('a'), write('fails'), write('b')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await rows<{ id: string }>(db, sql`select prospect_id as id from do_not_contact order by 1`)).map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('PGlite on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prospector-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps its data across restarts, and refuses a second opener of the same directory', async () => {
    const dataDir = join(dir, 'data');
    const first = await openDatabase({ dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.where).toBe(`PGlite in ${dataDir}`);
    await migrate(first);
    await first.db.execute(sql`insert into do_not_contact (prospect_id, source, added_at, added_by) values ('7', 'test', now(), 'ana')`);
    await expect(openDatabase({ dataDir })).rejects.toThrow(/is in use by process \d+ \(this one\): PGlite allows one process at a time/);
    await first.close();
    await first.close();

    const again = await openDatabase({ dataDir });
    expect((await migrate(again)).applied).toEqual([]);
    expect(await rows(again.db, sql`select prospect_id from do_not_contact`)).toEqual([{ prospect_id: '7' }]);
    await again.close();
  });

  it('uses PROSPECTOR_DATA_DIR when no directory is given, and DATABASE_URL over both', async () => {
    const saved = { data: process.env.PROSPECTOR_DATA_DIR, url: process.env.DATABASE_URL };
    try {
      process.env.PROSPECTOR_DATA_DIR = join(dir, 'from-env');
      delete process.env.DATABASE_URL;
      const h = await openDatabase();
      expect(h.where).toBe(`PGlite in ${join(dir, 'from-env')}`);
      await h.close();
      process.env.DATABASE_URL = 'postgres://nobody:secret@127.0.0.1:1/none';
      const refused = openDatabase({ dataDir: 'memory://' });
      await expect(refused).rejects.toThrow('cannot connect to PostgreSQL at postgres://nobody@127.0.0.1:1/none');
      await expect(refused).rejects.not.toThrow('secret');
    } finally {
      for (const [key, value] of [['PROSPECTOR_DATA_DIR', saved.data], ['DATABASE_URL', saved.url]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('takes a pino logger', () => {
    const log: DatabaseLog = pino({ level: 'silent' });
    expect(typeof log.info).toBe('function');
  });
});
