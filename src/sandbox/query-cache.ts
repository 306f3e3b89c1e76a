import { compile, QueryError, type CompiledQuery } from '../x/query.ts';

/**
 * Compiled queries by query text, least recently used dropped first. The worker repeats the same
 * few queries (one per persona, polled with since_id), so parsing once is enough; refused queries
 * are remembered too and throw the same QueryError again.
 */
export class QueryCache {
  private readonly entries = new Map<string, CompiledQuery | QueryError>();

  constructor(private readonly capacity = 1000) {}

  get size(): number {
    return this.entries.size;
  }

  compile(query: string): CompiledQuery {
    let entry = this.entries.get(query);
    if (entry !== undefined) {
      this.entries.delete(query);
    } else {
      try {
        entry = compile(query);
      } catch (error) {
        if (!(error instanceof QueryError)) throw error;
        entry = error;
      }
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(query, entry);
    if (entry instanceof QueryError) throw entry;
    return entry;
  }
}
