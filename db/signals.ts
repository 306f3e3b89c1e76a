import { inArray, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { matches, signals, type SignalKind } from './schema.ts';

export interface SignalInput {
  prospectId: string;
  /** The account they reacted to (its X user id). */
  account: string;
  kind: SignalKind;
  /** The post liked, replied to or mentioning; none for a follow-back. */
  postId?: string | null;
  occurredAt: Date;
}

/**
 * Records what prospects did back; a signal seen twice is recorded once. Their matches are
 * marked for rescoring as of `at` (signals count in the score). Returns how many signals were new.
 */
export async function recordSignals(db: Database, input: readonly SignalInput[], at: Date = new Date()): Promise<number> {
  if (input.length === 0) return 0;
  return db.transaction(async (tx) => {
    const added = await tx
      .insert(signals)
      .values(input.map((s) => ({ ...s, postId: s.postId ?? null })))
      .onConflictDoNothing()
      .returning({ prospectId: signals.prospectId });
    if (added.length > 0) {
      const ids = [...new Set(added.map((s) => s.prospectId))];
      await tx
        .update(matches)
        .set({ updatedAt: sql`greatest(${matches.updatedAt}, ${at.toISOString()}::timestamptz)` })
        .where(inArray(matches.prospectId, ids));
    }
    return added.length;
  });
}
