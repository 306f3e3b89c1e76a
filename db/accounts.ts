import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { accounts, xStops, type StopKind } from './schema.ts';

export type AccountRow = typeof accounts.$inferSelect;

export interface AccountInput {
  handle: string;
  owner: string;
  /** When it started engaging, if the config says (the warm-up counts from it). */
  engagingSince?: Date | undefined;
}

/**
 * Makes sure each configured account has its row: a new one starts its warm-up now (or on the
 * configured date); the owner and a configured start date follow the config. Returns the rows.
 */
export async function ensureAccounts(db: Database, input: readonly AccountInput[], at: Date = new Date()): Promise<AccountRow[]> {
  if (input.length === 0) return [];
  for (const a of input) {
    await db
      .insert(accounts)
      .values({ handle: a.handle.toLowerCase(), owner: a.owner, engagingSince: a.engagingSince ?? at, updatedAt: at })
      .onConflictDoUpdate({
        target: accounts.handle,
        set: {
          owner: a.owner,
          ...(a.engagingSince ? { engagingSince: a.engagingSince } : {}),
        },
      });
  }
  return db.select().from(accounts).where(sql`${accounts.handle} in ${input.map((a) => a.handle.toLowerCase())}`);
}

export async function getAccount(db: Database, handle: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.handle, handle.toLowerCase()));
  return row;
}

export async function listAccounts(db: Database): Promise<AccountRow[]> {
  return db.select().from(accounts).orderBy(accounts.handle);
}

export async function saveAccountUserId(db: Database, handle: string, userId: string, at: Date = new Date()): Promise<void> {
  await db.update(accounts).set({ xUserId: userId, updatedAt: at }).where(eq(accounts.handle, handle.toLowerCase()));
}

/** Keeps a refreshed token pair (X rotated the refresh token: the old one no longer works). */
export async function saveAccountTokens(
  db: Database,
  handle: string,
  tokens: { accessToken: string; refreshToken: string | undefined; expiresAt: Date; origin: string },
  at: Date = new Date(),
): Promise<void> {
  await db
    .update(accounts)
    .set({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null, tokenExpiresAt: tokens.expiresAt, tokenOrigin: tokens.origin, updatedAt: at })
    .where(eq(accounts.handle, handle.toLowerCase()));
}

/** Stops an account acting (X refused its token or its actions); a person resumes it. */
export async function pauseAccount(db: Database, handle: string, reason: string, at: Date = new Date()): Promise<void> {
  await db.update(accounts).set({ pausedAt: at, pausedReason: reason, updatedAt: at }).where(eq(accounts.handle, handle.toLowerCase()));
}

/** Returns whether the account was paused. */
export async function resumeAccount(db: Database, handle: string, at: Date = new Date()): Promise<boolean> {
  const done = await db
    .update(accounts)
    .set({ pausedAt: null, pausedReason: null, updatedAt: at })
    .where(sql`${accounts.handle} = ${handle.toLowerCase()} and ${accounts.pausedAt} is not null`)
    .returning({ handle: accounts.handle });
  return done.length > 0;
}

export type XStop = typeof xStops.$inferSelect;

/**
 * Records that X stopped all calls: the monthly usage cap holds until the next calendar month
 * (UTC) begins; no credit holds until someone clears it (`prospector stops clear`). `until` overrides.
 */
export async function recordStop(db: Database, input: { kind: StopKind; detail: string; at: Date; until?: Date | null }): Promise<void> {
  const until = input.until !== undefined ? input.until : input.kind === 'usage_capped' ? new Date(Date.UTC(input.at.getUTCFullYear(), input.at.getUTCMonth() + 1, 1)) : null;
  await db
    .insert(xStops)
    .values({ kind: input.kind, detail: input.detail, at: input.at, until })
    .onConflictDoUpdate({ target: xStops.kind, set: { detail: input.detail, at: input.at, until } });
}

/** X stops in force at `at` (no end date, or an end after `at`). Expired ones are left alone: reading changes nothing. */
export async function activeStops(db: Database, at: Date = new Date()): Promise<XStop[]> {
  return db
    .select()
    .from(xStops)
    .where(sql`${xStops.until} is null or ${xStops.until} > ${at.toISOString()}::timestamptz`)
    .orderBy(asc(xStops.kind));
}

export async function clearStop(db: Database, kind: StopKind): Promise<boolean> {
  const done = await db.delete(xStops).where(eq(xStops.kind, kind)).returning({ kind: xStops.kind });
  return done.length > 0;
}

/** An account's token pair as stored. */
export interface StoredTokens {
  accessToken: string | null;
  refreshToken: string | null;
  tokenExpiresAt: Date | null;
  tokenOrigin: string | null;
}

/** What a refresh holding the lock can do: read the stored pair, keep a new one. */
export interface RefreshLockHeld {
  /** The pair as stored now (read again after a refused refresh: a process that did not wait may have kept one). */
  read(): Promise<StoredTokens | undefined>;
  save(tokens: { accessToken: string; refreshToken: string | undefined; expiresAt: Date; origin: string }, at?: Date): Promise<void>;
}

/**
 * Runs `refresh` holding the account's refresh lock; a new pair is saved before the lock is let
 * go. X rotates refresh tokens, so two processes refreshing at once spend the same token and one
 * gets a 400: the second to take the lock reads the pair the first kept instead.
 *
 * The lock is a transaction-level advisory lock (`pg_advisory_xact_lock`), not a row lock: it
 * blocks only other refreshes of the same account, not the writes that touch its row while X
 * answers (a pause, a user id), and the server lets it go with the transaction or the connection,
 * so a process killed mid-refresh never leaves it held. On PGlite (one process, one connection)
 * the transaction itself serialises.
 */
export async function withRefreshLock<T>(db: Database, handle: string, refresh: (held: RefreshLockHeld) => Promise<T>): Promise<T> {
  const key = handle.toLowerCase();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`prospector.refresh:${key}`}, 0))`);
    return refresh({
      read: async () => {
        const [stored] = await tx
          .select({ accessToken: accounts.accessToken, refreshToken: accounts.refreshToken, tokenExpiresAt: accounts.tokenExpiresAt, tokenOrigin: accounts.tokenOrigin })
          .from(accounts)
          .where(eq(accounts.handle, key));
        return stored;
      },
      save: async (tokens, at = new Date()) => {
        await tx
          .update(accounts)
          .set({ accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null, tokenExpiresAt: tokens.expiresAt, tokenOrigin: tokens.origin, updatedAt: at })
          .where(eq(accounts.handle, key));
      },
    });
  });
}
