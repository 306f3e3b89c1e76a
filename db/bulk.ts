import { DrizzleQueryError, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * Many rows in one statement, one parameter per column: each column travels as a typed array and
 * `unnest` zips them back into rows on the server. Against a multi-row VALUES list this sends 18
 * parameters instead of rows × 18 (no 65,535-parameter ceiling, a short statement to parse), and
 * array input is the cheapest row source PostgreSQL has after COPY (faster than
 * json_to_recordset, measured). Still fully parameterised: the text of a bio never becomes SQL.
 */

/** What a bulk upsert did: rows inserted, rows that were there and got updated. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
}

/** Rows per statement for bulk writes: enough to amortise a round trip, few enough to keep locks short. */
export const BATCH_SIZE = 2000;

/**
 * Batches in flight at once. On a pg pool they run on separate connections (about twice the
 * throughput on two cores); on PGlite or inside a transaction they simply queue. Batches hold
 * disjoint, sorted keys, so they cannot deadlock each other.
 */
export const BATCH_CONCURRENCY = 4;

type Conversion = (value: unknown) => unknown;

// PostgreSQL text cannot hold NUL (X lets it through now and then): it becomes U+FFFD, as the UTF-8
// encoder already does for an unpaired surrogate.
const NUL = /\0/g;
const asText: Conversion = (v) => (typeof v === 'string' && v.includes('\0') ? v.replace(NUL, '\uFFFD') : v);
const asInstant: Conversion = (v) => (v instanceof Date ? v.toISOString() : v);
const asJson: Conversion = (v) => (v === null || v === undefined ? null : toJson(v));
const asIs: Conversion = (v) => v;

function conversion(column: PgColumn): Conversion {
  if (column.dataType === 'string') return asText;
  if (column.dataType === 'date') return asInstant;
  if (column.dataType === 'json') return asJson;
  return asIs;
}

/**
 * `unnest($1::text[], $2::int4[], …) as r("key1", "key2", …)`: the rows, the columns named by
 * their drizzle keys. Rows are objects with those keys (missing ones are null).
 */
export function unnestRows(columns: Record<string, PgColumn>, rows: readonly object[], alias = 'r'): SQL {
  const entries = Object.entries(columns);
  const arrays = entries.map(([key, column]) => {
    const convert = conversion(column);
    const values = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = convert((rows[i] as Record<string, unknown>)[key] ?? null);
    return sql`${sql.param(values)}::${sql.raw(column.getSQLType())}[]`;
  });
  const names = entries.map(([key]) => sql.identifier(key));
  return sql`unnest(${sql.join(arrays, sql`, `)}) as ${sql.identifier(alias)}(${sql.join(names, sql`, `)})`;
}

/** The columns drizzle lists in an INSERT, in table order (generated columns left out, as drizzle does). */
export function insertableColumns(table: PgTable): Record<string, PgColumn> {
  return Object.fromEntries(Object.entries(getTableColumns(table)).filter(([, column]) => column.generated === undefined || column.generated.type === 'byDefault'));
}

/** `select r."a", r."b", … from unnest(…)`: the source of `db.insert(table).select(…)`. */
export function selectRows(table: PgTable, rows: readonly object[]): SQL {
  const columns = insertableColumns(table);
  const names = Object.keys(columns).map((key) => sql`r.${sql.identifier(key)}`);
  return sql`select ${sql.join(names, sql`, `)} from ${unnestRows(columns, rows)}`;
}

/** `excluded."column"` in ON CONFLICT DO UPDATE: the value the insert proposed. */
export function excluded(column: PgColumn): SQL {
  return sql`excluded.${sql.identifier(column.name)}`;
}

/**
 * Keeps one row per key (the last one, or the one `prefer` picks) and sorts by key: ON CONFLICT
 * DO UPDATE refuses to touch a row twice in one statement, and every statement locking its rows
 * in the same order keeps concurrent writers from deadlocking.
 */
export function uniqueBy<T>(rows: readonly T[], key: (row: T) => string, prefer: (a: T, b: T) => T = (_a, b) => b): T[] {
  const byKey = new Map<string, T>();
  for (const row of rows) {
    const k = key(row);
    const seen = byKey.get(k);
    byKey.set(k, seen === undefined ? row : prefer(seen, row));
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/**
 * Runs `write` on each batch of `rows`, BATCH_CONCURRENCY at a time. Each batch is its own
 * statement: when one fails, the others may have been written (every bulk write here is an
 * idempotent upsert, so running it again is the fix). The error names the operation, not the
 * parameters: they hold thousands of bios.
 */
export async function inBatches<T>(what: string, rows: readonly T[], write: (batch: T[]) => Promise<void>, size = BATCH_SIZE): Promise<void> {
  const batches: T[][] = [];
  for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (errors.length === 0 && next < batches.length) {
      const batch = batches[next++]!;
      try {
        await write(batch);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, batches.length) }, worker));
  if (errors.length > 0) {
    const cause = errors[0] instanceof DrizzleQueryError && errors[0].cause ? errors[0].cause : errors[0];
    throw new Error(`${what}: a batch of up to ${size} rows failed: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
}

// PostgreSQL's JSON parser refuses NUL and unpaired surrogates, which JSON.stringify writes as
// \u escapes; a look at the output says whether any string needs cleaning.
const SUSPECT = /\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** JSON text PostgreSQL accepts as json/jsonb. */
export function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!SUSPECT.test(json)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(UNSTORABLE, '\uFFFD') : v));
}
