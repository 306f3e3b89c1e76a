import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { addDoNotContact } from './do-not-contact.ts';
import { rows } from './rows.ts';
import { accounts, actions, leadEvents, leads, prospects, signals, type ActionKind, type ActionStatus, type LeadState, type SignalKind } from './schema.ts';

export type Lead = typeof leads.$inferSelect;
export type LeadEvent = typeof leadEvents.$inferSelect;

/** A lead as the queue shows it: with who the person is. */
export interface QueueEntry extends Lead {
  username: string;
  name: string;
  description: string | null;
  location: string | null;
  url: string | null;
  followersCount: number | null;
  verified: boolean | null;
}

/** Something the person did back, as a lead's history shows it. */
export interface LeadSignal {
  kind: SignalKind;
  /** The account's X user id, and its handle when the accounts table knows it. */
  account: string;
  accountHandle: string | null;
  postId: string | null;
  occurredAt: Date;
}

/** A like or follow towards the person, as a lead's history shows it. */
export interface LeadAction {
  id: number;
  kind: ActionKind;
  /** The acting account's X user id, and its handle when the accounts table knows it. */
  account: string;
  accountHandle: string | null;
  /** A post id for a like, a user id for a follow. */
  target: string;
  persona: string | null;
  status: ActionStatus;
  plannedAt: Date;
  sentAt: Date | null;
  finishedAt: Date | null;
  outcome: Record<string, unknown> | null;
  error: string | null;
  actor: string | null;
}

export interface LeadDetail extends QueueEntry {
  /** Every change of state, oldest first. */
  events: LeadEvent[];
  /** What the person did back with any account, oldest first. */
  signals: LeadSignal[];
  /** Likes and follows towards the person by any account and persona, oldest first (by when planned). */
  actions: LeadAction[];
}

/** Why a decision was refused; `reason` lets the web page answer 404 or 409. */
export class LeadError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_found' | 'invalid_transition',
  ) {
    super(message);
    this.name = 'LeadError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface BuildQueueInput {
  persona: string;
  /** The worker's day, 'YYYY-MM-DD'. */
  day: string;
  /** How many leads this persona gets a day. */
  perDay: number;
  /** Matches scoring below this are left out. */
  minScore: number;
  /** Salespeople the leads are dealt to, in turn. Empty: unassigned. */
  owners: readonly string[];
  at?: Date;
}

/**
 * Puts the day's best matches of a persona in the queue, as `new` leads dealt round-robin to the
 * owners, each with a 'system' event. A match qualifies when its score is at least `minScore`,
 * the person is not on the do-not-contact list, was never queued for this persona, and has no
 * lead in another persona either (one person, one salesperson at a time) unless that lead was
 * marked not a fit there. At most `perDay` leads per persona and day, counting those already
 * queued that day: running it again the same day adds nothing, unless new matches fill a day
 * that had too few.
 *
 * One statement in a transaction holding a lock per persona, so two workers cannot both fill
 * the same day.
 */
export async function buildQueue(db: Database, input: BuildQueueInput): Promise<Lead[]> {
  const { persona, day, perDay, minScore } = input;
  if (!DAY.test(day)) throw new Error(`buildQueue: day must be 'YYYY-MM-DD', got '${day}'`);
  if (!Number.isInteger(perDay) || perDay < 0) throw new Error(`buildQueue: perDay must be an integer ≥ 0, got ${perDay}`);
  if (!Number.isFinite(minScore) || minScore < 0 || minScore > 100) throw new Error(`buildQueue: minScore must be from 0 to 100, got ${minScore}`);
  const owners = [...input.owners];
  const at = (input.at ?? new Date()).toISOString();
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`prospector.queue:${persona}`}, 0))`);
    const created = await rows<{ id: number }>(
      tx,
      sql`
      with already as (
        select count(*)::int as n from leads where persona = ${persona} and queued_on = ${day}::date
      ), candidates as (
        select m.prospect_id, m.score, m.explanation
        from matches m
        where m.persona = ${persona}
          and m.score >= ${minScore}
          and not exists (
            select 1 from leads l
            where l.prospect_id = m.prospect_id and (l.persona = ${persona} or l.state <> 'not_a_fit'))
          and not exists (select 1 from do_not_contact d where d.prospect_id = m.prospect_id)
        order by m.score desc nulls last, m.prospect_id
        limit (select greatest(0, ${perDay}::int - n) from already)
      ), numbered as (
        select c.*, (row_number() over (order by c.score desc, c.prospect_id) - 1 + (select n from already))::int as seq
        from candidates c
      ), created as (
        insert into leads (prospect_id, persona, owner, queued_on, state, score, reasons, created_at, updated_at)
        select prospect_id, ${persona},
               case when cardinality(${sql.param(owners)}::text[]) = 0 then null
                    else (${sql.param(owners)}::text[])[seq % cardinality(${sql.param(owners)}::text[]) + 1] end,
               ${day}::date, 'new', score, explanation, ${at}::timestamptz, ${at}::timestamptz
        from numbered
        order by seq
        on conflict (prospect_id, persona) do nothing
        returning id
      ), events as (
        insert into lead_events (lead_id, at, actor, from_state, to_state, note)
        select id, ${at}::timestamptz, 'system', null, 'new', ${`queued for ${persona}`} from created
      )
      select id from created`,
    );
    if (created.length === 0) return [];
    return tx
      .select()
      .from(leads)
      .where(
        inArray(
          leads.id,
          created.map((c) => c.id),
        ),
      )
      .orderBy(desc(leads.score), asc(leads.prospectId));
  });
}

/** Where a person's decision may take a lead from each state (forward only; skipping ahead is fine). */
const FORWARD: readonly LeadState[] = ['new', 'contacted', 'replied', 'won'];
const ASIDE: readonly LeadState[] = ['not_a_fit', 'snoozed', 'do_not_contact'];

/** The states a lead may move to, given its state and (when snoozed) the state it was snoozed from. */
export function nextStates(state: LeadState, snoozedFrom: LeadState = 'new'): LeadState[] {
  switch (state) {
    case 'do_not_contact':
      return [];
    case 'won':
    case 'not_a_fit':
      return ['do_not_contact'];
    case 'snoozed':
      return [...FORWARD.slice(FORWARD.indexOf(snoozedFrom) + 1), ...ASIDE];
    default:
      return [...FORWARD.slice(FORWARD.indexOf(state) + 1), ...ASIDE];
  }
}

export interface DecideLeadInput {
  lead: number;
  to: LeadState;
  /** The person deciding. */
  actor: string;
  note?: string | null;
  /** Required when `to` is 'snoozed': when the lead comes back. */
  snoozeUntil?: Date;
  at?: Date;
}

/**
 * A person's decision on a lead: moves its state forward (new → contacted → replied → won), or
 * aside (not a fit, snoozed until a date, do not contact), and records who, when and why. A snoozed
 * lead can move on from where it was. Anything else is refused with a LeadError naming both
 * states. Do not contact also puts the person on the global list (see addDoNotContact).
 */
export async function decideLead(db: Database, input: DecideLeadInput): Promise<Lead> {
  const at = input.at ?? new Date();
  const actor = input.actor.trim();
  if (actor === '' || actor === 'system') {
    throw new Error(`decideLead: a decision needs the name of the person making it, got '${input.actor}'`);
  }
  if (input.to === 'snoozed' && !(input.snoozeUntil instanceof Date && input.snoozeUntil > at)) {
    throw new Error(`decideLead: snoozing lead ${input.lead} needs a snoozeUntil after ${at.toISOString()}`);
  }
  return db.transaction(async (tx) => {
    const [lead] = await tx.select().from(leads).where(eq(leads.id, input.lead)).for('update');
    if (!lead) throw new LeadError(`lead ${input.lead} not found`, 'not_found');
    let snoozedFrom: LeadState | undefined;
    if (lead.state === 'snoozed') {
      const [last] = await tx
        .select({ from: leadEvents.fromState })
        .from(leadEvents)
        .where(and(eq(leadEvents.leadId, lead.id), eq(leadEvents.toState, 'snoozed'), ne(leadEvents.fromState, 'snoozed')))
        .orderBy(desc(leadEvents.at), desc(leadEvents.id))
        .limit(1);
      snoozedFrom = last?.from ?? 'new';
    }
    const allowed = nextStates(lead.state, snoozedFrom);
    if (!allowed.includes(input.to)) {
      const options = allowed.length > 0 ? `it can go to ${allowed.join(', ')}` : 'it is final';
      throw new LeadError(`lead ${lead.id} cannot move from ${lead.state} to ${input.to}: leads only move forward, and from ${lead.state}${snoozedFrom ? ` (snoozed while ${snoozedFrom})` : ''} ${options}`, 'invalid_transition');
    }
    const [updated] = await tx
      .update(leads)
      .set({ state: input.to, snoozedUntil: input.to === 'snoozed' ? input.snoozeUntil : null, updatedAt: at })
      .where(eq(leads.id, lead.id))
      .returning();
    await tx.insert(leadEvents).values({ leadId: lead.id, at, actor, fromState: lead.state, toState: input.to, note: input.note ?? null });
    if (input.to === 'do_not_contact') {
      await addDoNotContact(tx, { prospectId: lead.prospectId, reason: input.note ?? null, source: 'lead', addedBy: actor, at });
    }
    return updated!;
  });
}

const queueColumns = {
  id: leads.id,
  prospectId: leads.prospectId,
  persona: leads.persona,
  owner: leads.owner,
  queuedOn: leads.queuedOn,
  state: leads.state,
  score: leads.score,
  reasons: leads.reasons,
  snoozedUntil: leads.snoozedUntil,
  warmAt: leads.warmAt,
  createdAt: leads.createdAt,
  updatedAt: leads.updatedAt,
  username: prospects.username,
  name: prospects.name,
  description: prospects.description,
  location: prospects.location,
  url: prospects.url,
  followersCount: prospects.followersCount,
  verified: prospects.verified,
};

export interface ListQueueInput {
  day?: string;
  persona?: string;
  owner?: string;
  states?: readonly LeadState[];
  /** Default 500. */
  limit?: number;
}

/** Leads with their prospect, newest day first, best score first. Every filter is optional. */
export async function listQueue(db: Database, input: ListQueueInput = {}): Promise<QueueEntry[]> {
  if (input.day !== undefined && !DAY.test(input.day)) throw new Error(`listQueue: day must be 'YYYY-MM-DD', got '${input.day}'`);
  const where: (SQL | undefined)[] = [
    input.day === undefined ? undefined : eq(leads.queuedOn, input.day),
    input.persona === undefined ? undefined : eq(leads.persona, input.persona),
    input.owner === undefined ? undefined : eq(leads.owner, input.owner),
    input.states === undefined ? undefined : inArray(leads.state, input.states),
  ];
  return db
    .select(queueColumns)
    .from(leads)
    .innerJoin(prospects, eq(prospects.xUserId, leads.prospectId))
    .where(and(...where))
    .orderBy(desc(leads.queuedOn), desc(leads.score), asc(leads.id))
    .limit(input.limit ?? 500);
}

/**
 * A lead by id (`42`, `'42'`, `'#42'`) or by the person's X handle (`'@maya'`, `'maya'`, any case;
 * a handle made of digits needs its '@'). For a handle with several leads, the latest. With its
 * history: its state changes, and what happened between the team and the person (likes and
 * follows by any account, what they did back).
 */
export async function findLead(db: Database, idOrHandle: string | number): Promise<LeadDetail | undefined> {
  const key = String(idOrHandle).trim();
  const id = typeof idOrHandle === 'number' ? idOrHandle : /^#?\d+$/.test(key) ? Number(key.replace('#', '')) : undefined;
  let where: SQL;
  if (id !== undefined) {
    if (!Number.isSafeInteger(id) || id > 2_147_483_647) return undefined;
    where = eq(leads.id, id);
  } else {
    where = sql`lower(${prospects.username}) = lower(${key.replace(/^@/, '')})`;
  }
  const [lead] = await db
    .select(queueColumns)
    .from(leads)
    .innerJoin(prospects, eq(prospects.xUserId, leads.prospectId))
    .where(where)
    .orderBy(desc(leads.queuedOn), desc(leads.id))
    .limit(1);
  if (!lead) return undefined;
  const events = await db.select().from(leadEvents).where(eq(leadEvents.leadId, lead.id)).orderBy(asc(leadEvents.at), asc(leadEvents.id));
  const theirSignals = await db
    .select({ kind: signals.kind, account: signals.account, accountHandle: accounts.handle, postId: signals.postId, occurredAt: signals.occurredAt })
    .from(signals)
    .leftJoin(accounts, eq(accounts.xUserId, signals.account))
    .where(eq(signals.prospectId, lead.prospectId))
    .orderBy(asc(signals.occurredAt), asc(signals.id));
  const theirActions = await db
    .select({
      id: actions.id,
      kind: actions.kind,
      account: actions.account,
      accountHandle: accounts.handle,
      target: actions.target,
      persona: actions.persona,
      status: actions.status,
      plannedAt: actions.plannedAt,
      sentAt: actions.sentAt,
      finishedAt: actions.finishedAt,
      outcome: actions.outcome,
      error: actions.error,
      actor: actions.actor,
    })
    .from(actions)
    .leftJoin(accounts, eq(accounts.xUserId, actions.account))
    .where(eq(actions.prospectId, lead.prospectId))
    .orderBy(asc(actions.plannedAt), asc(actions.id));
  return { ...lead, events, signals: theirSignals, actions: theirActions };
}
