import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './client.ts';
import { rows } from './rows.ts';

/**
 * Brings the database to the schema of this code, at start-up. The SQL comes from the files
 * drizzle-kit generated under db/migrations/ (listed in meta/_journal.json); each applied
 * migration is recorded by tag in `prospector_migrations`, a table kept out of db/schema.ts
 * because it must exist before the first migration runs.
 *
 * Everything happens in one transaction holding an advisory lock: when two processes start at
 * once, one migrates and the other waits, then finds nothing left to do. A failed migration rolls
 * back entirely. A database carrying a migration this code does not know was migrated by a newer
 * Prospector: refused, rather than run old code on a schema it does not understand.
 */

export interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

export interface MigrateResult {
  /** Tags applied by this call, in order; empty when the database was up to date. */
  applied: string[];
  /** The latest migration this code knows. */
  latest: string;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const LOCK_NAME = 'prospector.migrate';

/** The migrations in db/migrations/, in journal order. */
export function loadMigrations(dir: URL = MIGRATIONS_DIR): Migration[] {
  const journal = JSON.parse(readFileSync(new URL('meta/_journal.json', dir), 'utf8')) as { entries: { idx: number; tag: string }[] };
  return [...journal.entries]
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const text = readFileSync(new URL(`${tag}.sql`, dir), 'utf8');
      const statements = text
        .split('--> statement-breakpoint')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      return { tag, hash: createHash('sha256').update(text).digest('hex'), statements };
    });
}

export async function migrate(handle: Pick<DatabaseHandle, 'db' | 'kind' | 'where' | 'log'>, migrations: Migration[] = loadMigrations()): Promise<MigrateResult> {
  const began = performance.now();
  const latest = migrations.at(-1)?.tag ?? '(none)';
  const applied = await handle.db.transaction(async (tx) => {
    const [got] = await rows<{ locked: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtextextended(${LOCK_NAME}, 0)) as locked`);
    if (!got?.locked) {
      handle.log?.info({ where: handle.where }, 'database: another process is migrating, waiting for it');
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${LOCK_NAME}, 0))`);
    }
    await tx.execute(sql`create table if not exists prospector_migrations (
      tag text primary key,
      hash text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = await rows<{ tag: string; hash: string }>(tx, sql`select tag, hash from prospector_migrations order by tag`);
    const known = new Map(migrations.map((m) => [m.tag, m]));
    const unknown = done.filter((d) => !known.has(d.tag)).map((d) => d.tag);
    if (unknown.length > 0) {
      const elsewhere = handle.kind === 'postgres' ? 'point DATABASE_URL at another database' : 'point PROSPECTOR_DATA_DIR at another directory';
      throw new Error(
        `this database was migrated by a newer Prospector (migration ${unknown.at(-1)}); upgrade Prospector or ${elsewhere} ` +
          `(database: ${handle.where}; this Prospector knows migrations up to ${latest})`,
      );
    }
    for (const d of done) {
      if (known.get(d.tag)?.hash !== d.hash) {
        handle.log?.warn({ migration: d.tag }, `database: migration ${d.tag} changed after it was applied; the database keeps the version it ran`);
      }
    }
    const doneTags = new Set(done.map((d) => d.tag));
    const pending = migrations.filter((m) => !doneTags.has(m.tag));
    for (const m of pending) {
      for (const statement of m.statements) {
        try {
          await tx.execute(sql.raw(statement));
        } catch (error) {
          throw new Error(`migration ${m.tag} failed, nothing was applied: ${(error as Error).message}`, { cause: error });
        }
      }
      await tx.execute(sql`insert into prospector_migrations (tag, hash) values (${m.tag}, ${m.hash})`);
    }
    return pending.map((m) => m.tag);
  });
  const ms = Math.round(performance.now() - began);
  if (applied.length > 0) {
    handle.log?.info({ where: handle.where, applied, ms }, `database migrated: ${applied.join(', ')} (${ms} ms)`);
  } else {
    handle.log?.debug({ where: handle.where, latest, ms }, `database schema up to date (${latest})`);
  }
  return { applied, latest };
}
