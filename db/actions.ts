import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { debit, refund, type BudgetCheck, type Exhausted } from './budgets.ts';
import { rows } from './rows.ts';
import { actions, doNotContact, type ActionKind, type ActionStatus } from './schema.ts';
import { deadWorkers } from './workers.ts';

/**
 * Likes and follows, each at most once per account and target, ever (invariant 1). Their life:
 *
 *   planned ──claim (budget debited, same transaction)──▶ pending ──▶ done | failed
 *      ▲                                                     │
 *      └──── released (X said 429 or refused the token) ─────┘
 *
 * A row is `pending` from before the request leaves until its outcome is written. A crash in
 * between leaves it pending under a dead worker; `orphanedActions` finds it and `beginReconcile`
 * allows exactly one more request for it (likes and follows are idempotent on X), recorded.
 */

export type Action = typeof actions.$inferSelect;

export interface PlanInput {
  /** The acting account's X user id. */
  account: string;
  kind: ActionKind;
  /** A post id (like) or user id (follow). */
  target: string;
  prospectId: string;
  persona: string | null;
}

/**
 * Plans actions: new (account, kind, target) rows as `planned`; a target already planned or done
 * by that account is left alone, and nobody on the do-not-contact list is planned. Returns the
 * rows planned now.
 */
export async function planActions(db: Database, input: readonly PlanInput[], at: Date = new Date()): Promise<Action[]> {
  if (input.length === 0) return [];
  const blocked = new Set(
    (await db.select({ id: doNotContact.prospectId }).from(doNotContact).where(inArray(doNotContact.prospectId, [...new Set(input.map((a) => a.prospectId))]))).map((r) => r.id),
  );
  const wanted = input.filter((a) => !blocked.has(a.prospectId));
  if (wanted.length === 0) return [];
  return db
    .insert(actions)
    .values(wanted.map((a) => ({ ...a, status: 'planned' as const, plannedAt: at })))
    .onConflictDoNothing({ target: [actions.account, actions.kind, actions.target] })
    .returning();
}

export async function getAction(db: Database, id: number): Promise<Action | undefined> {
  const [row] = await db.select().from(actions).where(eq(actions.id, id));
  return row;
}

/** Planned actions of one account and kind, best match first (then oldest); none towards a person with a reply held (they wait for a person's decision). */
export async function nextPlanned(db: Database, input: { account: string; kind: ActionKind; persona?: string; limit: number }): Promise<Action[]> {
  return db
    .select()
    .from(actions)
    .where(
      and(
        eq(actions.account, input.account),
        eq(actions.kind, input.kind),
        eq(actions.status, 'planned'),
        input.persona === undefined ? undefined : eq(actions.persona, input.persona),
        sql`not exists (select 1 from replies r where r.prospect_id = ${actions.prospectId} and r.held)`,
      ),
    )
    .orderBy(
      sql`(select m.score from matches m where m.persona = ${actions.persona} and m.prospect_id = ${actions.prospectId}) desc nulls last`,
      asc(actions.plannedAt),
      asc(actions.id),
    )
    .limit(input.limit);
}

export type ClaimResult =
  | { claimed: true; action: Action }
  | { claimed: false; reason: 'exhausted'; exhausted: Exhausted; action: Action }
  | { claimed: false; reason: 'gone'; status: ActionStatus | 'missing' | 'do_not_contact' | 'busy' };

/**
 * Makes a planned action pending and debits its budgets, in one transaction, before any request
 * is sent. Refused when the action is no longer planned (done, cancelled, claimed by another
 * worker), when its person is on the do-not-contact list (the action is cancelled), or when a
 * budget window is used up (nothing changes).
 */
export async function claimAction(
  db: Database,
  input: { id: number; workerId: string; actor: string; checks: readonly BudgetCheck[]; at: Date },
): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select().from(actions).where(eq(actions.id, input.id)).for('update', { skipLocked: true });
    if (!row) {
      const exists = await getAction(tx, input.id);
      return { claimed: false, reason: 'gone', status: exists ? 'busy' : 'missing' };
    }
    if (row.status !== 'planned') return { claimed: false, reason: 'gone', status: row.status };
    const [blocked] = await tx.select({ id: doNotContact.prospectId }).from(doNotContact).where(eq(doNotContact.prospectId, row.prospectId));
    if (blocked) {
      await tx.update(actions).set({ status: 'cancelled', finishedAt: input.at, error: 'do not contact' }).where(eq(actions.id, row.id));
      return { claimed: false, reason: 'gone', status: 'do_not_contact' };
    }
    const exhausted = await debit(tx, row.account, row.kind, input.checks, input.at);
    if (exhausted) return { claimed: false, reason: 'exhausted', exhausted, action: row };
    const [pending] = await tx
      .update(actions)
      .set({ status: 'pending', workerId: input.workerId, actor: input.actor, sentAt: input.at, sends: sql`${actions.sends} + 1`, error: null })
      .where(eq(actions.id, row.id))
      .returning();
    return { claimed: true, action: pending! };
  });
}

/** Records how a sent action ended. */
export async function finishAction(
  db: Database,
  input: { id: number; status: 'done' | 'failed'; outcome?: Record<string, unknown> | null; error?: string | null; at: Date },
): Promise<void> {
  await db
    .update(actions)
    .set({ status: input.status, finishedAt: input.at, outcome: input.outcome ?? null, error: input.error ?? null, workerId: null })
    .where(and(eq(actions.id, input.id), eq(actions.status, 'pending')));
}

/**
 * A pending action X refused before acting (429, a refused token): back to planned, and the units
 * of `refundScopes` it took are given back. X's own window stays as X counts it.
 */
export async function releaseAction(db: Database, input: { id: number; error: string; refundScopes: readonly string[]; at: Date }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: 'planned', workerId: null, sentAt: null, error: input.error })
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending')))
      .returning();
    if (!row) return;
    for (const scope of input.refundScopes) await refund(tx, row.account, row.kind, scope, input.at);
  });
}

/** A pending action X refused for good (the post is gone): failed, and `refundScopes` given back. */
export async function failAction(db: Database, input: { id: number; error: string; refundScopes: readonly string[]; at: Date; outcome?: Record<string, unknown> }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: 'failed', workerId: null, finishedAt: input.at, error: input.error, outcome: input.outcome ?? null })
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending')))
      .returning();
    if (!row) return;
    for (const scope of input.refundScopes) await refund(tx, row.account, row.kind, scope, input.at);
  });
}

/**
 * A pending action whose outcome is unknown (the connection dropped, X kept failing): left pending
 * without a holder, so the next run reconciles it with one request rather than re-sending blindly.
 */
export async function abandonAction(db: Database, input: { id: number; error: string; retryReconcile?: boolean }): Promise<void> {
  await db
    .update(actions)
    // A reconciliation X refused outright (429) did not act: it may be tried again.
    .set({ workerId: null, error: input.error, ...(input.retryReconcile ? { reconciledAt: null } : {}) })
    .where(and(eq(actions.id, input.id), eq(actions.status, 'pending')));
}

/** Pending actions nobody alive holds: left by a crashed worker, or abandoned. */
export async function orphanedActions(db: Database, input: { workerId: string; accounts?: readonly string[] }): Promise<Action[]> {
  const pending = await db
    .select()
    .from(actions)
    .where(and(eq(actions.status, 'pending'), input.accounts ? inArray(actions.account, [...input.accounts]) : undefined))
    .orderBy(asc(actions.id));
  const holders = pending.map((a) => a.workerId).filter((w): w is string => w !== null && w !== input.workerId);
  const dead = await deadWorkers(db, holders);
  return pending.filter((a) => a.workerId === null || dead.has(a.workerId));
}

export type ReconcileStart = { ok: true; action: Action } | { ok: false; reason: 'busy' | 'gave_up' | 'exhausted'; exhausted?: Exhausted };

/**
 * Takes an orphaned pending action for its one reconciliation request: records the attempt (and
 * debits X's request windows, which count it) before it is sent. An action whose reconciliation was
 * itself interrupted is not sent a third time: it fails with the reason, for a person to check.
 */
export async function beginReconcile(db: Database, input: { id: number; workerId: string; checks: readonly BudgetCheck[]; at: Date }): Promise<ReconcileStart> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(actions)
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending')))
      .for('update', { skipLocked: true });
    if (!row || (row.workerId !== null && row.workerId !== input.workerId && !(await deadWorkers(tx, [row.workerId])).has(row.workerId))) {
      return { ok: false, reason: 'busy' };
    }
    if (row.reconciledAt !== null) {
      await tx
        .update(actions)
        .set({ status: 'failed', finishedAt: input.at, workerId: null, error: 'outcome unknown: interrupted again while reconciling; check on X' })
        .where(eq(actions.id, row.id));
      return { ok: false, reason: 'gave_up' };
    }
    const exhausted = await debit(tx, row.account, row.kind, input.checks, input.at);
    if (exhausted) return { ok: false, reason: 'exhausted', exhausted };
    const [taken] = await tx
      .update(actions)
      .set({ workerId: input.workerId, reconciledAt: input.at, sends: sql`${actions.sends} + 1` })
      .where(eq(actions.id, row.id))
      .returning();
    return { ok: true, action: taken! };
  });
}

export interface ActionFilter {
  prospectId?: string;
  persona?: string;
  statuses?: readonly ActionStatus[];
  kind?: ActionKind;
  limit?: number;
}

/** Actions, newest first. */
export async function listActions(db: Database, filter: ActionFilter = {}): Promise<Action[]> {
  return db
    .select()
    .from(actions)
    .where(
      and(
        filter.prospectId === undefined ? undefined : eq(actions.prospectId, filter.prospectId),
        filter.persona === undefined ? undefined : eq(actions.persona, filter.persona),
        filter.statuses === undefined ? undefined : inArray(actions.status, [...filter.statuses]),
        filter.kind === undefined ? undefined : eq(actions.kind, filter.kind),
      ),
    )
    .orderBy(desc(actions.plannedAt), desc(actions.id))
    .limit(filter.limit ?? 500);
}

/** How many actions there are by kind and status (for status, metrics, the demo). */
export async function actionCounts(db: Database, persona?: string): Promise<Array<{ kind: ActionKind; status: ActionStatus; count: number }>> {
  return rows(
    db,
    sql`select kind, status, count(*)::int as count from actions ${persona === undefined ? sql`` : sql`where persona = ${persona}`} group by kind, status order by kind, status`,
  );
}

/** Planned or pending actions of an account and kind for a persona (the backlog engage keeps small). */
export async function outstanding(db: Database, input: { account: string; kind: ActionKind; persona: string }): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(actions)
    .where(and(eq(actions.account, input.account), eq(actions.kind, input.kind), eq(actions.persona, input.persona), or(eq(actions.status, 'planned'), eq(actions.status, 'pending'))));
  return Number(row?.n ?? 0);
}
