import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { budgets, type ActionKind, type BudgetWindow } from './schema.ts';

/**
 * Budgets: how many likes or follows an account may still send, per window, kept in the database
 * so they survive restarts and are shared by every worker. Two kinds of rows:
 *
 * - scope 'x': X's own limits. A window opens with the first request and lasts 15 minutes (or 24
 *   hours), as X counts; its limit starts from the tier table and is corrected by the
 *   `x-rate-limit-*` / `x-user-limit-24hour-*` headers of every answer (`observeLimits`).
 * - scope 'persona:<id>': a persona's daily cap for one account, the day in the persona's time zone.
 *
 * `debit` runs inside the caller's transaction, the one that makes the action pending, under a
 * lock per account and kind: two workers cannot both take the last unit.
 */

export type Budget = typeof budgets.$inferSelect;

export interface BudgetCheck {
  scope: string;
  window: BudgetWindow;
  /** The limit to apply when the window opens (X windows then follow the headers). */
  limit: number;
  /** A fixed window (a persona's day): its start and end. */
  start?: Date;
  reset?: Date;
  /** A rolling window (X's): its length from the first request. */
  lengthMs?: number;
}

export interface Exhausted {
  scope: string;
  window: BudgetWindow;
  limit: number;
  used: number;
  /** When the window resets and the budget is whole again. */
  resetAt: Date;
}

const FIFTEEN_MINUTES = 15 * 60_000;
const DAY = 24 * 60 * 60_000;

/** The window a check applies to now: the current row, or the one that would open. */
async function current(db: Database, account: string, kind: ActionKind, check: BudgetCheck, at: Date): Promise<Budget & { stored: boolean }> {
  const [row] = await db
    .select()
    .from(budgets)
    .where(and(eq(budgets.account, account), eq(budgets.kind, kind), eq(budgets.scope, check.scope), eq(budgets.window, check.window), gt(budgets.resetAt, at)))
    .orderBy(desc(budgets.resetAt))
    .limit(1);
  if (row) return { ...row, stored: true };
  const start = check.start ?? at;
  const length = check.lengthMs ?? (check.window === '15min' ? FIFTEEN_MINUTES : DAY);
  return { account, kind, scope: check.scope, window: check.window, windowStart: start, resetAt: check.reset ?? new Date(start.getTime() + length), limit: check.limit, used: 0, stored: false };
}

/** The limit in force: a persona's from the config now (caps can change mid-day); X's from its window. */
function limitOf(row: Budget, check: BudgetCheck): number {
  return check.scope === 'x' ? row.limit : check.limit;
}

async function lock(db: Database, account: string, kind: ActionKind): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`prospector.budget:${account}:${kind}`}, 0))`);
}

/**
 * Takes one unit from every check's window, or none: returns the first window that has nothing
 * left (and changes nothing). Call it inside a transaction.
 */
export async function debit(tx: Database, account: string, kind: ActionKind, checks: readonly BudgetCheck[], at: Date): Promise<Exhausted | undefined> {
  await lock(tx, account, kind);
  const rows: Array<{ row: Budget & { stored: boolean }; limit: number }> = [];
  for (const check of checks) {
    const row = await current(tx, account, kind, check, at);
    const limit = limitOf(row, check);
    if (row.used >= limit) return { scope: check.scope, window: check.window, limit, used: row.used, resetAt: row.resetAt };
    rows.push({ row, limit });
  }
  for (const { row: { stored: _stored, ...row }, limit } of rows) {
    await tx
      .insert(budgets)
      .values({ ...row, limit, used: 1 })
      .onConflictDoUpdate({
        target: [budgets.account, budgets.kind, budgets.scope, budgets.window, budgets.windowStart],
        set: { used: sql`${budgets.used} + 1`, limit: sql`greatest(${limit}::int, ${budgets.used} + 1)` },
      });
  }
  return undefined;
}

/** Gives back one unit of a scope's current windows (the action was not sent after all). */
export async function refund(tx: Database, account: string, kind: ActionKind, scope: string, at: Date): Promise<void> {
  await lock(tx, account, kind);
  await tx
    .update(budgets)
    .set({ used: sql`${budgets.used} - 1` })
    .where(and(eq(budgets.account, account), eq(budgets.kind, kind), eq(budgets.scope, scope), gt(budgets.resetAt, at), gt(budgets.used, 0)));
}

export interface ObservedWindowInput {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/**
 * Corrects X's windows from an answer's headers: X's count wins when it is higher than ours (other
 * apps may act for the account), never lower (our own debits may still be in flight), and its reset
 * time replaces ours.
 */
export async function observeLimits(
  db: Database,
  account: string,
  kind: ActionKind,
  observed: { quarter?: ObservedWindowInput | undefined; userDay?: ObservedWindowInput | undefined },
  at: Date,
): Promise<void> {
  const windows: Array<[BudgetWindow, ObservedWindowInput | undefined, number]> = [
    ['15min', observed.quarter, FIFTEEN_MINUTES],
    ['day', observed.userDay, DAY],
  ];
  for (const [window, seen, length] of windows) {
    if (!seen || !(seen.resetAt > at)) continue;
    const xUsed = Math.max(0, Math.min(seen.limit, seen.limit - seen.remaining));
    await db.transaction(async (tx) => {
      await lock(tx, account, kind);
      const { stored, ...row } = await current(tx, account, kind, { scope: 'x', window, limit: seen.limit, lengthMs: length }, at);
      const used = Math.min(Math.max(row.used, xUsed), Math.max(seen.limit, row.used));
      const limit = Math.max(seen.limit, used);
      if (!stored) {
        // No window of ours yet: take X's.
        await tx.insert(budgets).values({ ...row, windowStart: new Date(seen.resetAt.getTime() - length), resetAt: seen.resetAt, limit, used }).onConflictDoNothing();
        return;
      }
      await tx
        .update(budgets)
        .set({ limit, used, resetAt: seen.resetAt })
        .where(and(eq(budgets.account, account), eq(budgets.kind, kind), eq(budgets.scope, 'x'), eq(budgets.window, window), eq(budgets.windowStart, row.windowStart)));
    });
  }
}

/** X said 429: the window is used up until `resetAt`. */
export async function exhaustWindow(db: Database, account: string, kind: ActionKind, window: BudgetWindow, resetAt: Date, at: Date, limit: number): Promise<void> {
  const length = window === '15min' ? FIFTEEN_MINUTES : DAY;
  await db.transaction(async (tx) => {
    await lock(tx, account, kind);
    const { stored: _stored, ...row } = await current(tx, account, kind, { scope: 'x', window, limit, lengthMs: length }, at);
    const reset = resetAt > at ? resetAt : row.resetAt;
    await tx
      .insert(budgets)
      .values({ ...row, resetAt: reset, used: row.limit })
      .onConflictDoUpdate({
        target: [budgets.account, budgets.kind, budgets.scope, budgets.window, budgets.windowStart],
        set: { used: sql`${budgets.limit}`, resetAt: reset },
      });
  });
}

/** The windows open at `at`, for health and status: what is left where. */
export async function openBudgets(db: Database, at: Date = new Date()): Promise<Budget[]> {
  return db.select().from(budgets).where(gt(budgets.resetAt, at)).orderBy(budgets.account, budgets.kind, budgets.scope, budgets.window);
}

/** Units a scope used in its day window open at `at` (a persona's cap today, for one account and kind). */
export async function usedToday(db: Database, account: string, kind: ActionKind, scope: string, at: Date): Promise<number> {
  const [row] = await db
    .select({ used: budgets.used })
    .from(budgets)
    .where(
      and(
        eq(budgets.account, account),
        eq(budgets.kind, kind),
        eq(budgets.scope, scope),
        eq(budgets.window, 'day'),
        gt(budgets.resetAt, at),
        sql`${budgets.windowStart} <= ${at.toISOString()}::timestamptz`,
      ),
    );
  return row?.used ?? 0;
}
