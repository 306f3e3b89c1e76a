import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { generateDrizzleJson } from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import * as schema from '../db/schema.ts';

/**
 * db/schema.ts and the committed migrations must agree: drizzle-kit's snapshot of the schema
 * today has to equal the snapshot it wrote with the latest migration. When it does not, someone
 * changed the schema without generating its migration.
 */

const MIGRATIONS = new URL('../db/migrations/', import.meta.url);
const FIX = 'run `npm run db:generate` and commit db/migrations/';

interface Journal {
  entries: { idx: number; tag: string }[];
}

const journal = JSON.parse(readFileSync(new URL('meta/_journal.json', MIGRATIONS), 'utf8')) as Journal;

/** Tables (or other top-level parts) whose definition differs between two snapshots. */
function differences(current: Record<string, unknown>, committed: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const part of new Set([...Object.keys(current), ...Object.keys(committed)])) {
    if (part === 'id' || part === 'prevId' || part === '_meta') continue;
    const a = (current[part] ?? {}) as Record<string, unknown>;
    const b = (committed[part] ?? {}) as Record<string, unknown>;
    if (typeof a !== 'object' || typeof b !== 'object') {
      if (a !== b) out.push(part);
      continue;
    }
    for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(name in b)) out.push(`${name} (new in db/schema.ts)`);
      else if (!(name in a)) out.push(`${name} (gone from db/schema.ts)`);
      else if (!isDeepStrictEqual(a[name], b[name])) out.push(`${name} (changed)`);
    }
  }
  return out;
}

describe('db/schema.ts and db/migrations/', () => {
  it('every migration in the journal has its SQL file and snapshot, and every SQL file is in the journal', () => {
    const tags = journal.entries.map((e) => e.tag);
    expect(tags.length, `no migrations: ${FIX}`).toBeGreaterThan(0);
    for (const tag of tags) {
      expect(existsSync(new URL(`${tag}.sql`, MIGRATIONS)), `db/migrations/${tag}.sql is missing`).toBe(true);
      expect(existsSync(new URL(`meta/${tag.split('_')[0]}_snapshot.json`, MIGRATIONS)), `the snapshot of ${tag} is missing`).toBe(true);
    }
    const files = readdirSync(MIGRATIONS).filter((f) => f.endsWith('.sql'));
    expect(files.sort(), 'SQL files in db/migrations/ that the journal does not list (drizzle-kit ignores them)').toEqual(tags.map((t) => `${t}.sql`).sort());
  });

  it('the schema matches the latest migration (no drift)', () => {
    const latest = journal.entries.at(-1)!.tag;
    const committed = JSON.parse(readFileSync(new URL(`meta/${latest.split('_')[0]}_snapshot.json`, MIGRATIONS), 'utf8')) as Record<string, unknown>;
    // Through JSON, as drizzle-kit writes it (undefined members disappear).
    const current = JSON.parse(JSON.stringify(generateDrizzleJson(schema))) as Record<string, unknown>;
    const drift = differences(current, committed);
    expect(drift, `db/schema.ts differs from the latest migration (${latest}): ${drift.join(', ')}. ${FIX}`).toEqual([]);
  });
});
