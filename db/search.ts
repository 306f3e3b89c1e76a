import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { readMeter, searchCursors } from './schema.ts';

/**
 * What search remembers between runs: where each query has read up to (never read twice), and
 * how much each persona read from X each day (reads cost money).
 */

/** Where a query has read up to. */
export interface SearchCursor {
  /** Posts up to this id have been read; send it as `since_id`. Null: from the start of X's window. */
  sinceId: string | null;
  /** Set after a walk cut short: posts older than this (and newer than sinceId) are still unread. */
  untilId: string | null;
  /** Where sinceId goes once that gap is read. */
  pendingNewestId: string | null;
  updatedAt: Date;
  /** When X last refused the query, and why in X's words; null once a search of it goes through. */
  refusedAt: Date | null;
  refusedReason: string | null;
}

/** Cursors are keyed by a hash of the query text: queries can be long, and any edit starts afresh. */
export function queryHash(query: string): string {
  return createHash('sha256').update(query).digest('hex');
}

/** The cursor of this persona's query, or undefined the first time. */
export async function getCursor(db: Database, persona: string, query: string): Promise<SearchCursor | undefined> {
  const [row] = await db
    .select({
      sinceId: searchCursors.sinceId,
      untilId: searchCursors.untilId,
      pendingNewestId: searchCursors.pendingNewestId,
      updatedAt: searchCursors.updatedAt,
      refusedAt: searchCursors.refusedAt,
      refusedReason: searchCursors.refusedReason,
    })
    .from(searchCursors)
    .where(and(eq(searchCursors.persona, persona), eq(searchCursors.queryHash, queryHash(query))));
  return row;
}

export interface SetCursorInput {
  persona: string;
  query: string;
  sinceId: string | null;
  untilId?: string | null;
  pendingNewestId?: string | null;
  at?: Date;
}

const X_ID = /^\d{1,19}$/;

/**
 * Stores where a query has read up to. `since_id` only moves forward (X ids grow with time,
 * compared as numbers): a late or repeated run never makes the next search pay for posts twice.
 * Returns whether the cursor was written.
 */
export async function setCursor(db: Database, input: SetCursorInput): Promise<boolean> {
  for (const field of ['sinceId', 'untilId', 'pendingNewestId'] as const) {
    const value = input[field];
    if (value !== undefined && value !== null && !X_ID.test(value)) throw new Error(`setCursor: ${field} must be an X id (digits), got '${value}'`);
  }
  const at = input.at ?? new Date();
  const written = await db
    .insert(searchCursors)
    .values({
      persona: input.persona,
      queryHash: queryHash(input.query),
      query: input.query,
      sinceId: input.sinceId,
      untilId: input.untilId ?? null,
      pendingNewestId: input.pendingNewestId ?? null,
      updatedAt: at,
    })
    .onConflictDoUpdate({
      target: [searchCursors.persona, searchCursors.queryHash],
      set: {
        sinceId: sql`excluded.since_id`,
        untilId: sql`excluded.until_id`,
        pendingNewestId: sql`excluded.pending_newest_id`,
        query: sql`excluded.query`,
        updatedAt: sql`excluded.updated_at`,
      },
      // Numeric order on text: the longer id is the larger; equal lengths compare bytewise.
      setWhere: sql`${searchCursors.sinceId} is null
        or length(excluded.since_id) > length(${searchCursors.sinceId})
        or (length(excluded.since_id) = length(${searchCursors.sinceId}) and excluded.since_id collate "C" >= ${searchCursors.sinceId} collate "C")`,
    })
    .returning({ sinceId: searchCursors.sinceId });
  return written.length > 0;
}

/** Longest refusal reason kept: X's messages are a sentence or two; a longer one is cut. */
const REASON_CHARS = 500;

/**
 * Records that X refused a query, with X's reason, on its cursor (created without a position the
 * first time): where it has read up to does not move, so the next run asks for the same posts.
 */
export async function recordRefusal(db: Database, input: { persona: string; query: string; reason: string; at: Date }): Promise<void> {
  const reason = input.reason.length > REASON_CHARS ? `${input.reason.slice(0, REASON_CHARS - 1)}…` : input.reason;
  await db
    .insert(searchCursors)
    .values({ persona: input.persona, queryHash: queryHash(input.query), query: input.query, sinceId: null, updatedAt: input.at, refusedAt: input.at, refusedReason: reason })
    .onConflictDoUpdate({
      target: [searchCursors.persona, searchCursors.queryHash],
      set: { refusedAt: sql`excluded.refused_at`, refusedReason: sql`excluded.refused_reason` },
    });
}

/** Forgets a query's last refusal: a search of it went through. */
export async function clearRefusal(db: Database, persona: string, query: string): Promise<void> {
  await db
    .update(searchCursors)
    .set({ refusedAt: null, refusedReason: null })
    .where(and(eq(searchCursors.persona, persona), eq(searchCursors.queryHash, queryHash(query))));
}

export interface Reads {
  posts: number;
  users: number;
  requests: number;
  /** Estimated, in US dollars. */
  costUsd: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function checkDay(what: string, day: string): void {
  if (!DAY.test(day)) throw new Error(`${what}: day must be 'YYYY-MM-DD', got '${day}'`);
}

/** Adds reads to a persona's meter for the day (one atomic increment, safe with several workers). */
export async function addReads(db: Database, input: { persona: string; day: string } & Partial<Reads>): Promise<void> {
  checkDay('addReads', input.day);
  const posts = input.posts ?? 0;
  const users = input.users ?? 0;
  const requests = input.requests ?? 0;
  const costUsd = input.costUsd ?? 0;
  for (const [name, value] of Object.entries({ posts, users, requests, costUsd })) {
    if (!Number.isFinite(value) || value < 0) throw new Error(`addReads: ${name} must be a number ≥ 0, got ${value}`);
  }
  await db
    .insert(readMeter)
    .values({ persona: input.persona, day: input.day, postsRead: posts, usersRead: users, requests, estimatedCostUsd: costUsd.toFixed(6) })
    .onConflictDoUpdate({
      target: [readMeter.persona, readMeter.day],
      set: {
        postsRead: sql`${readMeter.postsRead} + excluded.posts_read`,
        usersRead: sql`${readMeter.usersRead} + excluded.users_read`,
        requests: sql`${readMeter.requests} + excluded.requests`,
        estimatedCostUsd: sql`${readMeter.estimatedCostUsd} + excluded.estimated_cost_usd`,
      },
    });
}

/** A persona's reads on a day (zeros when it read nothing). */
export async function readsToday(db: Database, persona: string, day: string): Promise<Reads> {
  checkDay('readsToday', day);
  const [row] = await db
    .select()
    .from(readMeter)
    .where(and(eq(readMeter.persona, persona), eq(readMeter.day, day)));
  if (!row) return { posts: 0, users: 0, requests: 0, costUsd: 0 };
  return { posts: row.postsRead, users: row.usersRead, requests: row.requests, costUsd: Number(row.estimatedCostUsd) };
}
