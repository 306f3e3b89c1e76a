import type { SQL } from 'drizzle-orm';
import type { Database } from './client.ts';

/**
 * The rows of a raw `sql` statement. Both drivers answer `{ rows }`; name the columns and cast
 * counts to int in the SQL (`count(*)::int`), since the drivers parse bigint and numeric
 * differently. Instants are better read through the query builder, which maps them to Dates.
 */
export async function rows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
