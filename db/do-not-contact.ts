import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { rows } from './rows.ts';
import { actions, doNotContact, doNotContactEvents, leadEvents, leads, prospects, type DoNotContactChange, type LeadState } from './schema.ts';

/** Lead states a do-not-contact closes: everything not already settled. */
export const OPEN_LEAD_STATES: readonly LeadState[] = ['new', 'contacted', 'replied', 'snoozed'];

/** What cancelled a planned action because its person went on the list (also claimAction's word). */
const CANCELLED = 'do not contact';

export interface DoNotContactInput {
  /** The person's X user id. They need not be a stored prospect. */
  prospectId: string;
  reason?: string | null;
  /** Where it came from: 'lead' (a salesperson's decision), 'opt_out' (the person asked), 'manual', 'import'. */
  source: string;
  /** A person's name, or 'system'. */
  addedBy: string;
  /** The reply that asked to stop, when there is one: the history links it. */
  replyId?: number | null;
  at?: Date;
}

export interface DoNotContactResult {
  /** False when the person was already on the list (the first entry is kept). */
  added: boolean;
  /** Open leads of that person, in any persona, now `do_not_contact`. */
  leadsClosed: number[];
  /** Planned likes and follows towards them, now `cancelled`. */
  actionsCancelled: number;
}

/**
 * Puts a person on the global do-not-contact list, in one transaction: their open leads in every
 * persona become `do_not_contact` (each with an event naming who and why), and likes or follows
 * still planned towards them are cancelled. Actions already sent stay as they are. When the
 * person was not on the list yet, the history gets an `added` event in the same transaction.
 */
export async function addDoNotContact(db: Database, input: DoNotContactInput): Promise<DoNotContactResult> {
  const at = input.at ?? new Date();
  const reason = input.reason ?? null;
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(doNotContact)
      .values({ prospectId: input.prospectId, reason, source: input.source, addedAt: at, addedBy: input.addedBy })
      .onConflictDoNothing()
      .returning({ prospectId: doNotContact.prospectId });
    if (inserted.length > 0) {
      await tx.insert(doNotContactEvents).values({ prospectId: input.prospectId, change: 'added', at, actor: input.addedBy, source: input.source, reason, replyId: input.replyId ?? null });
    }
    const open = await tx
      .select({ id: leads.id, state: leads.state })
      .from(leads)
      .where(and(eq(leads.prospectId, input.prospectId), inArray(leads.state, OPEN_LEAD_STATES)))
      .orderBy(leads.id)
      .for('update');
    if (open.length > 0) {
      const ids = open.map((l) => l.id);
      await tx.update(leads).set({ state: 'do_not_contact', snoozedUntil: null, updatedAt: at }).where(inArray(leads.id, ids));
      await tx.insert(leadEvents).values(
        open.map((l) => ({ leadId: l.id, at, actor: input.addedBy, kind: 'list' as const, fromState: l.state, toState: 'do_not_contact' as const, note: reason ?? `do not contact (${input.source})` })),
      );
    }
    const cancelled = await tx
      .update(actions)
      .set({ status: 'cancelled', finishedAt: at, error: CANCELLED })
      .where(and(eq(actions.prospectId, input.prospectId), eq(actions.status, 'planned')))
      .returning({ id: actions.id });
    return { added: inserted.length > 0, leadsClosed: open.map((l) => l.id), actionsCancelled: cancelled.length };
  });
}

export interface RemoveDoNotContactInput {
  prospectId: string;
  /** Why: kept in the history and in each reopened lead's event. */
  reason: string;
  /** Where it came from: 'manual' (the CLI), 'reply' (an opt-out reading dismissed)… */
  source: string;
  /** The person removing them. */
  removedBy: string;
  /** The reply whose opt-out reading was dismissed, when that is why. */
  replyId?: number | null;
  at?: Date;
}

export interface RemoveDoNotContactResult {
  /** False when the person was not on the list (nothing changed). */
  removed: boolean;
  /** Leads the do-not-contact had closed, back in the state they had. */
  leadsReopened: Array<{ id: number; state: LeadState }>;
  /** Likes and follows the do-not-contact had cancelled before they were sent, planned again. */
  actionsReplanned: number;
}

/**
 * Takes a person off the do-not-contact list, in one transaction, without erasing anything: the
 * history gets a `removed` event (who, why, the reply if any); each lead the list had closed goes
 * back to the state it had (a snoozed one to the state it was snoozed from, as its date is gone),
 * with a lead event; likes and follows cancelled by it, never sent, are planned again so that
 * engagement resumes where it stopped.
 */
export async function removeDoNotContact(db: Database, input: RemoveDoNotContactInput): Promise<RemoveDoNotContactResult> {
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    const gone = await tx.delete(doNotContact).where(eq(doNotContact.prospectId, input.prospectId)).returning({ prospectId: doNotContact.prospectId });
    if (gone.length === 0) return { removed: false, leadsReopened: [], actionsReplanned: 0 };
    await tx.insert(doNotContactEvents).values({ prospectId: input.prospectId, change: 'removed', at, actor: input.removedBy, source: input.source, reason: input.reason, replyId: input.replyId ?? null });
    const closed = await tx
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.prospectId, input.prospectId), eq(leads.state, 'do_not_contact')))
      .orderBy(leads.id)
      .for('update');
    const reopened: Array<{ id: number; state: LeadState }> = [];
    for (const lead of closed) {
      const state = await stateBefore(tx, lead.id, 'do_not_contact');
      const back = state === 'snoozed' ? await stateBefore(tx, lead.id, 'snoozed') : state;
      await tx.update(leads).set({ state: back, snoozedUntil: null, updatedAt: at }).where(eq(leads.id, lead.id));
      await tx.insert(leadEvents).values({ leadId: lead.id, at, actor: input.removedBy, kind: 'list', fromState: 'do_not_contact', toState: back, note: `off the do-not-contact list: ${input.reason}` });
      reopened.push({ id: lead.id, state: back });
    }
    const replanned = await tx
      .update(actions)
      .set({ status: 'planned', finishedAt: null, error: null })
      .where(and(eq(actions.prospectId, input.prospectId), eq(actions.status, 'cancelled'), eq(actions.error, CANCELLED), eq(actions.sends, 0)))
      .returning({ id: actions.id });
    return { removed: true, leadsReopened: reopened, actionsReplanned: replanned.length };
  });
}

/** The state a lead had before its last move into `state` ('new' when the history does not say). */
async function stateBefore(db: Database, leadId: number, state: LeadState): Promise<LeadState> {
  const [last] = await db
    .select({ from: leadEvents.fromState })
    .from(leadEvents)
    .where(and(eq(leadEvents.leadId, leadId), eq(leadEvents.toState, state), ne(leadEvents.fromState, state)))
    .orderBy(desc(leadEvents.at), desc(leadEvents.id))
    .limit(1);
  return last?.from ?? 'new';
}

/** Whether a person is on the do-not-contact list. */
export async function isDoNotContact(db: Database, prospectId: string): Promise<boolean> {
  const found = await db.select({ id: doNotContact.prospectId }).from(doNotContact).where(eq(doNotContact.prospectId, prospectId)).limit(1);
  return found.length > 0;
}

export interface DoNotContactEntry {
  prospectId: string;
  /** From the prospects table; null for someone never stored as a prospect. */
  username: string | null;
  name: string | null;
  reason: string | null;
  source: string;
  addedAt: Date;
  addedBy: string;
  /** The reply that asked to stop, when the latest `added` event names one. */
  replyId: number | null;
}

/** The list as it stands, most recently added first; `prospectId` alone, one entry or none. */
export async function listDoNotContact(db: Database, input: { prospectId?: string; limit?: number } = {}): Promise<DoNotContactEntry[]> {
  return db
    .select({
      prospectId: doNotContact.prospectId,
      username: prospects.username,
      name: prospects.name,
      reason: doNotContact.reason,
      source: doNotContact.source,
      addedAt: doNotContact.addedAt,
      addedBy: doNotContact.addedBy,
      replyId: sql<number | null>`(select e.reply_id from ${doNotContactEvents} e where e.prospect_id = ${doNotContact.prospectId} and e.change = 'added' order by e.at desc, e.id desc limit 1)`.mapWith(
        (v: unknown) => (v === null ? null : Number(v)),
      ),
    })
    .from(doNotContact)
    .leftJoin(prospects, eq(prospects.xUserId, doNotContact.prospectId))
    .where(input.prospectId === undefined ? undefined : eq(doNotContact.prospectId, input.prospectId))
    .orderBy(desc(doNotContact.addedAt), asc(doNotContact.prospectId))
    .limit(input.limit ?? 1000);
}

export interface DoNotContactEvent {
  id: number;
  prospectId: string;
  username: string | null;
  change: DoNotContactChange;
  at: Date;
  actor: string;
  source: string;
  reason: string | null;
  replyId: number | null;
}

/** Every change to the list, oldest first: one person's, or everyone's (the latest `limit`). */
export async function doNotContactHistory(db: Database, input: { prospectId?: string; limit?: number } = {}): Promise<DoNotContactEvent[]> {
  const latest = await db
    .select({
      id: doNotContactEvents.id,
      prospectId: doNotContactEvents.prospectId,
      username: prospects.username,
      change: doNotContactEvents.change,
      at: doNotContactEvents.at,
      actor: doNotContactEvents.actor,
      source: doNotContactEvents.source,
      reason: doNotContactEvents.reason,
      replyId: doNotContactEvents.replyId,
    })
    .from(doNotContactEvents)
    .leftJoin(prospects, eq(prospects.xUserId, doNotContactEvents.prospectId))
    .where(input.prospectId === undefined ? undefined : eq(doNotContactEvents.prospectId, input.prospectId))
    .orderBy(desc(doNotContactEvents.at), desc(doNotContactEvents.id))
    .limit(input.limit ?? 1000);
  return latest.reverse();
}

/**
 * A person by `@handle` (any case) or X user id (digits; a handle made of digits needs its '@'):
 * a stored prospect, or, by id, someone the list or a reply knows. Undefined when nobody is known.
 */
export async function findPerson(db: Database, key: string): Promise<{ prospectId: string; username: string | null } | undefined> {
  const text = key.trim();
  if (/^\d{1,20}$/.test(text)) {
    const [prospect] = await db.select({ prospectId: prospects.xUserId, username: prospects.username }).from(prospects).where(eq(prospects.xUserId, text));
    if (prospect) return prospect;
    const [known] = await rows<{ id: string }>(
      db,
      sql`select prospect_id as id from do_not_contact where prospect_id = ${text}
        union all select prospect_id from do_not_contact_events where prospect_id = ${text}
        union all select prospect_id from replies where prospect_id = ${text} limit 1`,
    );
    return known ? { prospectId: known.id, username: null } : undefined;
  }
  const handle = text.replace(/^@/, '');
  if (!/^[A-Za-z0-9_]{1,15}$/.test(handle)) return undefined;
  const [found] = await db
    .select({ prospectId: prospects.xUserId, username: prospects.username })
    .from(prospects)
    .where(sql`lower(${prospects.username}) = lower(${handle})`)
    .orderBy(desc(prospects.lastSeenAt))
    .limit(1);
  return found;
}
