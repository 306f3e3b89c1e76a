import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { debit, refund, type BudgetCheck, type Exhausted } from './budgets.ts';
import { rows } from './rows.ts';
import { actions, doNotContact, type ActionKind, type ActionStatus } from './schema.ts';
import { deadWorkers, stillHolds } from './workers.ts';

/**
 * Likes and follows, each at most once per account and target, ever (invariant 1). Their life:
 *
 *   planned ──claim (budget debited, same transaction)──▶ pending ──▶ done | failed
 *      ▲                                                     │
 *      └──── released (X said 429 or refused the token) ─────┘
 *
 * A row is `pending` from before the request leaves until its outcome is written, held by one
 * worker under a lease (the database's time until which its request may still be in flight). An
 * outcome that is lost (a dropped answer, a crash, X failing) leaves it pending: `orphanedActions`
 * finds it once its holder is gone and its lease has run out, `takeOrphan` takes it, and the
 * reconciliation reads X to learn whether the like or follow is there; only when X says it is not
 * does `beginResend` record one more request. It is never failed for want of an answer.
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
  | { claimed: false; reason: 'fenced' }
  | { claimed: false; reason: 'gone'; status: ActionStatus | 'missing' | 'do_not_contact' | 'busy' };

/** How long a holder's request may be in flight, as the database counts it from now. */
const leaseFromNow = (leaseMs: number) => sql`now() + make_interval(secs => ${leaseMs / 1000})`;

/**
 * The default lease of a pending action: the longest one try of a like or follow may be out (the
 * X client's write timeout, 30 s by default) with room to spare; each retry renews it
 * (`renewLease`). Callers with another timeout pass their own.
 */
export const DEFAULT_LEASE_MS = 40_000;

/**
 * Makes a planned action pending and debits its budgets, in one transaction, before any request
 * is sent. Refused when this process has lost its liveness lock (`fenced`: nothing changes), when
 * the action is no longer planned (done, cancelled, claimed by another worker), when its person is
 * on the do-not-contact list (the action is cancelled), or when a budget window is used up
 * (nothing changes). The holder's lease runs `leaseMs` from now, on the database's clock.
 */
export async function claimAction(
  db: Database,
  input: { id: number; workerId: string; actor: string; checks: readonly BudgetCheck[]; at: Date; leaseMs?: number },
): Promise<ClaimResult> {
  return db.transaction(async (tx) => {
    if (!(await stillHolds(tx, input.workerId))) return { claimed: false, reason: 'fenced' };
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
      .set({
        status: 'pending',
        workerId: input.workerId,
        actor: input.actor,
        sentAt: input.at,
        sends: sql`${actions.sends} + 1`,
        error: null,
        leaseUntil: leaseFromNow(input.leaseMs ?? DEFAULT_LEASE_MS),
      })
      .where(eq(actions.id, row.id))
      .returning();
    return { claimed: true, action: pending! };
  });
}

/**
 * Before a request of a pending action is tried again (after a 5xx): proves, in one transaction,
 * that this process still holds its lock and the action, and extends the lease for the new try.
 */
export async function renewLease(db: Database, input: { id: number; workerId: string; leaseMs: number }): Promise<'ok' | 'fenced' | 'lost'> {
  return db.transaction(async (tx) => {
    if (!(await stillHolds(tx, input.workerId))) return 'fenced';
    const renewed = await tx
      .update(actions)
      .set({ leaseUntil: leaseFromNow(input.leaseMs) })
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), eq(actions.workerId, input.workerId)))
      .returning({ id: actions.id });
    return renewed.length > 0 ? 'ok' : 'lost';
  });
}

/** Only while `workerId` (when given) still holds the pending action: a taker's outcome is not overwritten. */
const heldBy = (workerId: string | undefined) => (workerId === undefined ? undefined : eq(actions.workerId, workerId));

/** Records how a sent action ended. False when the action was no longer pending (under `workerId`, when given). */
export async function finishAction(
  db: Database,
  input: { id: number; status: 'done' | 'failed'; outcome?: Record<string, unknown> | null; error?: string | null; at: Date; workerId?: string },
): Promise<boolean> {
  const updated = await db
    .update(actions)
    .set({ status: input.status, finishedAt: input.at, outcome: input.outcome ?? null, error: input.error ?? null, workerId: null, leaseUntil: null })
    .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), heldBy(input.workerId)))
    .returning({ id: actions.id });
  return updated.length > 0;
}

/**
 * A pending action X refused before acting (429, a refused token), or one this process did not
 * send after all (it lost its lock between the claim and the request): back to planned, and the
 * units of `refundScopes` it took are given back. X's own window stays as X counts it.
 */
export async function releaseAction(
  db: Database,
  input: { id: number; error: string; refundScopes: readonly string[]; at: Date; workerId?: string; /** The request never left: it is not counted in `sends`. */ unsent?: boolean },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: 'planned', workerId: null, sentAt: null, error: input.error, leaseUntil: null, ...(input.unsent ? { sends: sql`greatest(${actions.sends} - 1, 0)` } : {}) })
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), heldBy(input.workerId)))
      .returning();
    if (!row) return;
    for (const scope of input.refundScopes) await refund(tx, row.account, row.kind, scope, input.at);
  });
}

/** A pending action X refused for good (the post is gone): failed, and `refundScopes` given back. */
export async function failAction(db: Database, input: { id: number; error: string; refundScopes: readonly string[]; at: Date; outcome?: Record<string, unknown>; workerId?: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(actions)
      .set({ status: 'failed', workerId: null, finishedAt: input.at, error: input.error, outcome: input.outcome ?? null, leaseUntil: null })
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), heldBy(input.workerId)))
      .returning();
    if (!row) return;
    for (const scope of input.refundScopes) await refund(tx, row.account, row.kind, scope, input.at);
  });
}

/**
 * A pending action whose outcome is unknown (the connection dropped, X kept failing, X could not
 * be read): left pending without a holder, for the next reconciliation to settle by reading X.
 * Never failed: X may well have done it.
 */
export async function abandonAction(db: Database, input: { id: number; error: string; workerId?: string }): Promise<void> {
  await db
    .update(actions)
    .set({ workerId: null, error: input.error, leaseUntil: null })
    .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), heldBy(input.workerId)));
}

/** No request of the holder can still be out: no holder, or its lease has run out (the database's clock). */
const leaseOver = or(isNull(actions.workerId), isNull(actions.leaseUntil), sql`${actions.leaseUntil} < now()`);

/**
 * Pending actions to settle: abandoned (no holder), or held by a worker that is gone, or by this
 * one, and whose lease has run out (its request can no longer be in flight).
 */
export async function orphanedActions(db: Database, input: { workerId: string; accounts?: readonly string[] }): Promise<Action[]> {
  const pending = await db
    .select()
    .from(actions)
    .where(
      and(
        eq(actions.status, 'pending'),
        input.accounts ? inArray(actions.account, [...input.accounts]) : undefined,
        leaseOver,
      ),
    )
    .orderBy(asc(actions.id));
  const holders = pending.map((a) => a.workerId).filter((w): w is string => w !== null && w !== input.workerId);
  const dead = await deadWorkers(db, holders);
  // This worker's own, past their lease: a run of its that failed before recording the outcome.
  return pending.filter((a) => a.workerId === null || a.workerId === input.workerId || dead.has(a.workerId));
}

export type TakeResult = { ok: true; action: Action } | { ok: false; reason: 'busy' | 'fenced' };

/**
 * Takes an orphaned pending action to settle it: this worker becomes its holder under a new lease,
 * and the attempt is counted. Refused (`busy`) when another live worker holds it, or its holder's
 * lease has not run out; `fenced` when this process has lost its own lock.
 */
export async function takeOrphan(db: Database, input: { id: number; workerId: string; at: Date; leaseMs?: number }): Promise<TakeResult> {
  return db.transaction(async (tx) => {
    if (!(await stillHolds(tx, input.workerId))) return { ok: false, reason: 'fenced' };
    const [row] = await tx
      .select()
      .from(actions)
      // Under a lease, its request may still be out (this process's own too: another job or a click).
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), leaseOver))
      .for('update', { skipLocked: true });
    if (!row) return { ok: false, reason: 'busy' };
    if (row.workerId !== null && row.workerId !== input.workerId && !(await deadWorkers(tx, [row.workerId])).has(row.workerId)) return { ok: false, reason: 'busy' };
    const [taken] = await tx
      .update(actions)
      .set({ workerId: input.workerId, reconciledAt: input.at, reconcileAttempts: sql`${actions.reconcileAttempts} + 1`, leaseUntil: leaseFromNow(input.leaseMs ?? DEFAULT_LEASE_MS) })
      .where(eq(actions.id, row.id))
      .returning();
    return { ok: true, action: taken! };
  });
}

export type ResendStart = { ok: true; action: Action } | { ok: false; reason: 'busy' | 'fenced' } | { ok: false; reason: 'exhausted'; exhausted: Exhausted };

/**
 * Before sending a taken action again (X was read and has not done it): records the request and
 * debits X's request windows, which count it, in one transaction, under a new lease.
 */
export async function beginResend(db: Database, input: { id: number; workerId: string; checks: readonly BudgetCheck[]; at: Date; leaseMs?: number }): Promise<ResendStart> {
  return db.transaction(async (tx) => {
    if (!(await stillHolds(tx, input.workerId))) return { ok: false, reason: 'fenced' };
    const [row] = await tx
      .select()
      .from(actions)
      .where(and(eq(actions.id, input.id), eq(actions.status, 'pending'), eq(actions.workerId, input.workerId)))
      .for('update');
    if (!row) return { ok: false, reason: 'busy' };
    const exhausted = await debit(tx, row.account, row.kind, input.checks, input.at);
    if (exhausted) return { ok: false, reason: 'exhausted', exhausted };
    const [taken] = await tx
      .update(actions)
      .set({ sends: sql`${actions.sends} + 1`, leaseUntil: leaseFromNow(input.leaseMs ?? DEFAULT_LEASE_MS) })
      .where(eq(actions.id, row.id))
      .returning();
    return { ok: true, action: taken! };
  });
}

/** Pending actions whose outcome is not known yet, with how often they were reconciled (for `prospector status`). */
export async function unsettledActions(db: Database): Promise<Array<{ id: number; account: string; kind: ActionKind; target: string; sentAt: Date | null; attempts: number; error: string | null; holder: string | null }>> {
  const found = await db
    .select({ id: actions.id, account: actions.account, kind: actions.kind, target: actions.target, sentAt: actions.sentAt, attempts: actions.reconcileAttempts, error: actions.error, holder: actions.workerId })
    .from(actions)
    .where(and(eq(actions.status, 'pending'), or(isNull(actions.workerId), sql`${actions.reconcileAttempts} > 0`)))
    .orderBy(asc(actions.id))
    .limit(200);
  return found;
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
