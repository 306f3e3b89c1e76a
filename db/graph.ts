import { and, eq, inArray } from 'drizzle-orm';
import { inBatches, selectRows } from './bulk.ts';
import type { Database } from './client.ts';
import { accountGraph, signalCursors } from './schema.ts';

/**
 * Where the signals job stands for each account: the since_id of its mentions timeline, and the
 * followers and followings seen so far. `account` is the account's X user id (a handle can
 * change, the id cannot).
 */

export type GraphDirection = 'followers' | 'following';

/** The stored since_id of an account's stream ('mentions'), if any. */
export async function getSignalCursor(db: Database, account: string, stream: string): Promise<string | undefined> {
  const [row] = await db
    .select({ sinceId: signalCursors.sinceId })
    .from(signalCursors)
    .where(and(eq(signalCursors.account, account), eq(signalCursors.stream, stream)));
  return row?.sinceId ?? undefined;
}

export interface SetSignalCursorInput {
  account: string;
  stream: string;
  sinceId: string;
  at: Date;
}

/** Moves an account's stream to `sinceId`. */
export async function setSignalCursor(db: Database, input: SetSignalCursorInput): Promise<void> {
  await db
    .insert(signalCursors)
    .values({ account: input.account, stream: input.stream, sinceId: input.sinceId, updatedAt: input.at })
    .onConflictDoUpdate({ target: [signalCursors.account, signalCursors.stream], set: { sinceId: input.sinceId, updatedAt: input.at } });
}

/** Whether any follower (or following) of the account was ever stored: false before its first read. */
export async function hasGraph(db: Database, account: string, direction: GraphDirection): Promise<boolean> {
  const [row] = await db
    .select({ userId: accountGraph.userId })
    .from(accountGraph)
    .where(and(eq(accountGraph.account, account), eq(accountGraph.direction, direction)))
    .limit(1);
  return row !== undefined;
}

/** Which of `userIds` are already stored in an account's followers (or followings). */
export async function knownGraphIds(db: Database, account: string, direction: GraphDirection, userIds: readonly string[]): Promise<Set<string>> {
  const known = new Set<string>();
  if (userIds.length === 0) return known;
  await inBatches('knownGraphIds', [...new Set(userIds)], async (batch) => {
    const found = await db
      .select({ userId: accountGraph.userId })
      .from(accountGraph)
      .where(and(eq(accountGraph.account, account), eq(accountGraph.direction, direction), inArray(accountGraph.userId, batch)));
    for (const r of found) known.add(r.userId);
  });
  return known;
}

export interface AddToGraphInput {
  account: string;
  direction: GraphDirection;
  userIds: readonly string[];
  at: Date;
}

/** Stores followers (or followings) of an account; ids already stored keep their first sighting. Returns how many were new. */
export async function addToGraph(db: Database, input: AddToGraphInput): Promise<number> {
  let added = 0;
  await inBatches('addToGraph', [...new Set(input.userIds)], async (batch) => {
    const inserted = await db
      .insert(accountGraph)
      .select(selectRows(accountGraph, batch.map((userId) => ({ account: input.account, direction: input.direction, userId, firstSeenAt: input.at }))))
      .onConflictDoNothing()
      .returning({ userId: accountGraph.userId });
    added += inserted.length;
  });
  return added;
}
