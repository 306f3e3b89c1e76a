import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { OPEN_LEAD_STATES } from './do-not-contact.ts';
import { actions, leads, matches, signals, type SignalKind } from './schema.ts';

/**
 * What prospects did back, and what follows from it: the actions they answered, pending follows
 * accepted, leads turned warm and their scores raised.
 */

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
 * marked for rescoring as of `at` (signals count in the score). Returns the signals that were new.
 */
export async function addSignals(db: Database, input: readonly SignalInput[], at: Date = new Date()): Promise<Array<{ prospectId: string; kind: SignalKind }>> {
  if (input.length === 0) return [];
  return db.transaction(async (tx) => {
    const added = await tx
      .insert(signals)
      .values(input.map((s) => ({ ...s, postId: s.postId ?? null })))
      .onConflictDoNothing()
      .returning({ prospectId: signals.prospectId, kind: signals.kind });
    if (added.length > 0) {
      const ids = [...new Set(added.map((s) => s.prospectId))];
      await tx
        .update(matches)
        .set({ updatedAt: sql`greatest(${matches.updatedAt}, ${at.toISOString()}::timestamptz)` })
        .where(inArray(matches.prospectId, ids));
    }
    return added;
  });
}

/**
 * Takes back one signal that was a misreading (an opt-out a person dismissed as a normal reply),
 * so the score no longer counts it; its matches are marked for rescoring. The reply keeps its
 * reading and the decision. Returns whether there was one.
 */
export async function withdrawSignal(db: Database, input: SignalInput, at: Date = new Date()): Promise<boolean> {
  const gone = await db
    .delete(signals)
    .where(
      and(
        eq(signals.prospectId, input.prospectId),
        eq(signals.account, input.account),
        eq(signals.kind, input.kind),
        input.postId == null ? isNull(signals.postId) : eq(signals.postId, input.postId),
      ),
    )
    .returning({ id: signals.id });
  if (gone.length > 0) {
    await db
      .update(matches)
      .set({ updatedAt: sql`greatest(${matches.updatedAt}, ${at.toISOString()}::timestamptz)` })
      .where(eq(matches.prospectId, input.prospectId));
  }
  return gone.length > 0;
}

/** As addSignals; returns how many signals were new. */
export async function recordSignals(db: Database, input: readonly SignalInput[], at: Date = new Date()): Promise<number> {
  return (await addSignals(db, input, at)).length;
}

/** Which of `prospectIds` an account (its X user id) liked or followed: a `done` action on them. */
export async function engagedProspects(db: Database, account: string, prospectIds: readonly string[]): Promise<Set<string>> {
  if (prospectIds.length === 0) return new Set();
  const found = await db
    .selectDistinct({ prospectId: actions.prospectId })
    .from(actions)
    .where(and(eq(actions.account, account), eq(actions.status, 'done'), inArray(actions.prospectId, [...new Set(prospectIds)])));
  return new Set(found.map((r) => r.prospectId));
}

export interface PendingFollow {
  /** The action's id. */
  id: number;
  /** The protected user asked. */
  target: string;
  prospectId: string;
}

/** An account's follows that X left pending (a protected user must accept) and that are not known to be accepted. */
export async function pendingFollows(db: Database, account: string): Promise<PendingFollow[]> {
  return db
    .select({ id: actions.id, target: actions.target, prospectId: actions.prospectId })
    .from(actions)
    .where(
      and(
        eq(actions.account, account),
        eq(actions.kind, 'follow'),
        eq(actions.status, 'done'),
        sql`${actions.outcome} @> '{"pending_follow": true}'::jsonb`,
        sql`not (${actions.outcome} @> '{"accepted": true}'::jsonb)`,
      ),
    )
    .orderBy(asc(actions.id));
}

/** Marks pending follows as accepted: `accepted: true` and `accepted_at` added to their outcome. Returns how many changed. */
export async function acceptFollows(db: Database, input: { ids: readonly number[]; at: Date }): Promise<number> {
  if (input.ids.length === 0) return 0;
  const accepted = JSON.stringify({ accepted: true, accepted_at: input.at.toISOString() });
  const changed = await db
    .update(actions)
    .set({ outcome: sql`coalesce(${actions.outcome}, '{}'::jsonb) || ${accepted}::jsonb` })
    .where(and(inArray(actions.id, [...input.ids]), sql`not (coalesce(${actions.outcome}, '{}'::jsonb) @> '{"accepted": true}'::jsonb)`))
    .returning({ id: actions.id });
  return changed.length;
}

const positive = (prospectId: typeof leads.prospectId) =>
  sql`exists (select 1 from ${signals} s where s.prospect_id = ${prospectId} and s.kind <> 'opt_out')`;

export interface WarmedLead {
  id: number;
  prospectId: string;
  persona: string;
  warmAt: Date | null;
}

/**
 * Marks warm every open lead whose person engaged back (any positive signal, from any account)
 * and that is not warm yet: `warm_at` becomes their first such signal. Driven by the signals
 * table rather than by what one run saw, so a lead queued after its person engaged, or a run
 * cut short after recording signals, is caught up next time. Returns the leads it warmed.
 */
export async function markWarmLeads(db: Database, at: Date): Promise<WarmedLead[]> {
  return db
    .update(leads)
    .set({
      warmAt: sql`(select min(s.occurred_at) from ${signals} s where s.prospect_id = ${leads.prospectId} and s.kind <> 'opt_out')`,
      updatedAt: at,
    })
    .where(and(isNull(leads.warmAt), inArray(leads.state, OPEN_LEAD_STATES), positive(leads.prospectId)))
    .returning({ id: leads.id, prospectId: leads.prospectId, persona: leads.persona, warmAt: leads.warmAt });
}

/** How many open leads of these people are not warm yet (what a dry run would warm). */
export async function countColdLeads(db: Database, prospectIds: readonly string[]): Promise<number> {
  if (prospectIds.length === 0) return 0;
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(leads)
    .where(and(isNull(leads.warmAt), inArray(leads.state, OPEN_LEAD_STATES), inArray(leads.prospectId, [...new Set(prospectIds)])));
  return row?.n ?? 0;
}

export { matchesOfProspects } from './matches.ts';

/**
 * Raises the score of these people's open leads to their match's current score when that is
 * higher (`greatest(lead, match)`): a lead's score never drops because of a rescore. Returns the
 * leads raised.
 */
export async function raiseLeadScores(db: Database, prospectIds: readonly string[], at: Date): Promise<number[]> {
  if (prospectIds.length === 0) return [];
  const raised = await db
    .update(leads)
    .set({ score: sql`${matches.score}`, updatedAt: at })
    .from(matches)
    .where(
      and(
        eq(matches.persona, leads.persona),
        eq(matches.prospectId, leads.prospectId),
        inArray(leads.prospectId, [...new Set(prospectIds)]),
        inArray(leads.state, OPEN_LEAD_STATES),
        gt(matches.score, leads.score),
      ),
    )
    .returning({ id: leads.id });
  return raised.map((r) => r.id);
}
