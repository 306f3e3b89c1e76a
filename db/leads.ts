import { and, asc, desc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { addDoNotContact, removeDoNotContact, type DoNotContactResult, type RemoveDoNotContactResult } from './do-not-contact.ts';
import { rows } from './rows.ts';
import {
  accounts,
  actions,
  doNotContactEvents,
  LEAD_STATES,
  leadEvents,
  leads,
  NOT_A_FIT_REASONS,
  prospects,
  signals,
  type ActionKind,
  type ActionStatus,
  type LeadState,
  type NotAFitReason,
  type SignalKind,
} from './schema.ts';

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

/**
 * Why a decision, an undo or a note was refused, for the caller to branch on: `not_found` (404),
 * `invalid` (a bad input: 400), `stale` (the lead moved since the caller saw it), `not_allowed`
 * (not from this state, or nothing to undo), `duplicate` (already so, or a request key reused for
 * something else); the last three are a 409 on the page. The message is a sentence for a person;
 * `state` and `last` say where the lead is and who moved it last.
 */
export class LeadError extends Error {
  constructor(
    message: string,
    readonly reason: LeadErrorReason,
    readonly state?: LeadState,
    readonly last?: LastChange,
  ) {
    super(message);
    this.name = 'LeadError';
  }
}

export type LeadErrorReason = 'not_found' | 'invalid' | 'stale' | 'not_allowed' | 'duplicate';

/** A lead's latest change of state (notes aside), as a refusal names it. */
export type LastChange = Pick<LeadEvent, 'id' | 'kind' | 'actor' | 'at' | 'fromState' | 'toState' | 'snoozedUntil'>;

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
        insert into lead_events (lead_id, at, actor, kind, from_state, to_state, note)
        select id, ${at}::timestamptz, 'system', 'queued', null, 'new', ${`queued for ${persona}`} from created
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

/** At most this many leads in one bulk decision: a selection on a page, not the whole table. */
export const MAX_BULK = 200;
/** A note, or a decision's note, is at most this long. */
export const MAX_NOTE = 2000;
/** A request key: up to 100 printable ASCII characters without spaces (a UUID, a form token). */
const REQUEST_ID = /^[\x21-\x7e]{1,100}$/;

/** A not-a-fit reason as people write it ('competitor', 'wrong-person', 'Wrong person'), or undefined. */
export function notAFitReason(text: string): NotAFitReason | undefined {
  const key = text.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (NOT_A_FIT_REASONS as readonly string[]).includes(key) ? (key as NotAFitReason) : undefined;
}

/** The reasons as a refusal lists them, as `--reason` takes them: `wrong-person, wrong-company-size, …`. In words: the code with spaces. */
export function notAFitReasonList(): string {
  return NOT_A_FIT_REASONS.map((r) => r.replaceAll('_', '-')).join(', ');
}

export interface DecideLeadInput {
  lead: number;
  to: LeadState;
  /** The person deciding. */
  actor: string;
  note?: string | null;
  /** Required with 'not_a_fit': a reason from NOT_A_FIT_REASONS (as people write it is fine); 'other' needs a note. */
  reason?: string | null;
  /** Required when `to` is 'snoozed': when the lead comes back. */
  snoozeUntil?: Date;
  /**
   * The caller's key for this request (a form token, a UUID): sent again, the first event is
   * returned (`replayed`) and nothing is written. Scoped to the lead, so a bulk request may use one.
   */
  requestId?: string | null;
  /** The state the caller saw: if the lead is in another now, a `stale` LeadError says who moved it. */
  expectedState?: LeadState;
  /** The id of the lead's last change the caller saw (notes aside; see lastChange): catches a lead moved away and back too. */
  expectedEventId?: number;
  at?: Date;
}

export interface DecisionResult {
  /** The lead as it is now. */
  lead: Lead;
  /** The event written, or when `replayed`, the one the first request wrote. */
  event: LeadEvent;
  /** The request key named a request already recorded: nothing was written this time. */
  replayed: boolean;
  /** Deciding do_not_contact: what the list did (other leads of the person closed, planned actions cancelled). */
  listed?: DoNotContactResult;
  /** Undoing a do_not_contact that put them on the list: off it again, what it closed reopened, what it cancelled planned again. */
  unlisted?: RemoveDoNotContactResult;
}

/**
 * The one way a person's decision on a lead is recorded, for the CLI and the page alike: moves its
 * state forward (new → contacted → replied → won), or aside (not a fit with a reason, snoozed until
 * a date, do not contact), with who, when and why, in one transaction holding the lead's row lock.
 * A snoozed lead can move on from where it was. Do not contact also puts the person on the global
 * list (see addDoNotContact).
 *
 * Nothing is recorded twice and nobody decides blind: a request sent again with its `requestId`
 * gets the first event back; a lead already in the asked state is a `duplicate`; a lead that moved
 * since the caller saw it (`expectedState`, `expectedEventId`) is `stale`, naming who moved it to
 * what and when. Two people deciding at once: the second waits for the first's lock, then finds
 * the lead moved. Every refusal is a LeadError whose `reason` the page maps to 400, 404 or 409.
 */
export async function decideLead(db: Database, input: DecideLeadInput): Promise<DecisionResult> {
  const checked = checkDecision(input);
  return db.transaction(async (tx) => {
    const lead = await lockLead(tx, input.lead);
    const first = await replayOf(tx, lead, checked.requestId, (e) => e.kind === 'decision' && e.toState === input.to, `a decision to ${input.to}`);
    if (first) return first;
    const [last] = await lastChanges(tx, lead.id, 1);
    if (lead.state === input.to && input.to !== 'snoozed') {
      throw new LeadError(`lead #${lead.id} is already ${lead.state}${last ? `: ${describeChange(last)}` : ''}; nothing recorded`, 'duplicate', lead.state, last);
    }
    checkFresh(lead, last, input);
    let snoozedFrom: LeadState | undefined;
    if (lead.state === 'snoozed') snoozedFrom = await stateBeforeSnooze(tx, lead.id);
    const allowed = nextStates(lead.state, snoozedFrom);
    if (!allowed.includes(input.to)) {
      const options = allowed.length > 0 ? `it can go to ${allowed.join(', ')}` : 'it is final';
      throw new LeadError(
        `lead ${lead.id} cannot move from ${lead.state} to ${input.to}: leads only move forward, and from ${lead.state}${snoozedFrom ? ` (snoozed while ${snoozedFrom})` : ''} ${options}`,
        'not_allowed',
        lead.state,
        last,
      );
    }
    const snoozedUntil = input.to === 'snoozed' ? input.snoozeUntil! : null;
    const [updated] = await tx.update(leads).set({ state: input.to, snoozedUntil, updatedAt: checked.at }).where(eq(leads.id, lead.id)).returning();
    const [event] = await tx
      .insert(leadEvents)
      .values({ leadId: lead.id, at: checked.at, actor: checked.actor, kind: 'decision', fromState: lead.state, toState: input.to, note: checked.note, reason: checked.reason, snoozedUntil, requestId: checked.requestId })
      .returning();
    const result: DecisionResult = { lead: updated!, event: event!, replayed: false };
    if (input.to === 'do_not_contact') {
      result.listed = await addDoNotContact(tx, { prospectId: lead.prospectId, reason: checked.note, source: 'lead', addedBy: checked.actor, at: checked.at });
    }
    return result;
  });
}

export interface UndoDecisionInput {
  lead: number;
  /** The person undoing. */
  actor: string;
  note?: string | null;
  requestId?: string | null;
  /** The decision the caller means to undo (the id its decision returned): refused as `stale` if the lead moved since. */
  expectedEventId?: number;
  at?: Date;
}

/**
 * Reverts the lead's last change when it was a person's decision, as a new `undo` event from the
 * state it is in back to the state before (a snooze's date comes back with it), naming the
 * decision it reverts; nothing is erased. Undoing a do not contact that put the person on the list
 * takes them off it again (removeDoNotContact: a history entry, their other leads reopened, what it
 * cancelled planned again). Refused with a LeadError `not_allowed` when the last change is not a
 * decision: already an undo (an undo is not undone: decide again), the queue's, or the list's.
 */
export async function undoDecision(db: Database, input: UndoDecisionInput): Promise<DecisionResult> {
  const at = input.at ?? new Date();
  const actor = checkActor(input.actor, 'an undo');
  const note = checkNote(input.note);
  const requestId = checkRequestId(input.requestId);
  return db.transaction(async (tx) => {
    const lead = await lockLead(tx, input.lead);
    const first = await replayOf(tx, lead, requestId, (e) => e.kind === 'undo', 'an undo');
    if (first) return first;
    const [last, before] = await lastChanges(tx, lead.id, 2);
    checkFresh(lead, last, { expectedEventId: input.expectedEventId });
    if (!last || last.kind !== 'decision' || last.fromState === null) {
      throw new LeadError(`nothing to undo on lead #${lead.id}: ${last ? nothingToUndo(last) : 'it has no history'}`, 'not_allowed', lead.state, last);
    }
    if (lead.state !== last.toState) {
      throw new LeadError(`lead #${lead.id} is ${lead.state} but its last decision took it to ${last.toState}: not undone, look at its history`, 'not_allowed', lead.state, last);
    }
    let back: LeadState = last.fromState;
    let snoozedUntil: Date | null = null;
    if (back === 'snoozed') {
      // The snooze's date, from the change that snoozed it; history from before dates were kept has none.
      snoozedUntil = before?.toState === 'snoozed' ? before.snoozedUntil : null;
      if (!snoozedUntil) back = await stateBeforeSnooze(tx, lead.id);
    }
    const [updated] = await tx.update(leads).set({ state: back, snoozedUntil, updatedAt: at }).where(eq(leads.id, lead.id)).returning();
    const [event] = await tx
      .insert(leadEvents)
      .values({ leadId: lead.id, at, actor, kind: 'undo', fromState: lead.state, toState: back, note, snoozedUntil, requestId, undoes: last.id })
      .returning();
    const result: DecisionResult = { lead: updated!, event: event!, replayed: false };
    if (last.toState === 'do_not_contact' && (await listedBy(tx, lead.prospectId, last))) {
      result.unlisted = await removeDoNotContact(tx, {
        prospectId: lead.prospectId,
        reason: `${last.actor}'s do not contact on lead #${lead.id} undone${note ? `: ${note}` : ''}`,
        source: 'undo',
        removedBy: actor,
        at,
      });
    }
    return result;
  });
}

export interface NoteLeadInput {
  lead: number;
  actor: string;
  note: string;
  requestId?: string | null;
  at?: Date;
}

/** A note on a lead (a call, a voicemail), kept in its history; the state stays as it is. */
export async function noteLead(db: Database, input: NoteLeadInput): Promise<DecisionResult> {
  const at = input.at ?? new Date();
  const actor = checkActor(input.actor, 'a note');
  const note = checkNote(input.note);
  if (note === null) throw new LeadError('a note needs some text', 'invalid');
  const requestId = checkRequestId(input.requestId);
  return db.transaction(async (tx) => {
    const lead = await lockLead(tx, input.lead);
    const first = await replayOf(tx, lead, requestId, (e) => e.kind === 'note' && e.note === note, 'a different note');
    if (first) return first;
    const [event] = await tx.insert(leadEvents).values({ leadId: lead.id, at, actor, kind: 'note', fromState: lead.state, toState: lead.state, note, requestId }).returning();
    return { lead, event: event!, replayed: false };
  });
}

/** A lead of a bulk decision, with what the caller saw of it. */
export type BulkLead = number | { id: number; expectedState?: LeadState; expectedEventId?: number };

export interface DecideLeadsInput extends Omit<DecideLeadInput, 'lead' | 'expectedState' | 'expectedEventId'> {
  /** At most MAX_BULK; a lead named twice is decided once. */
  leads: readonly BulkLead[];
}

export type BulkOutcome = { lead: number; outcome: 'done'; result: DecisionResult } | { lead: number; outcome: 'refused'; reason: LeadErrorReason; message: string };

/**
 * One decision on a selection of leads, in the order given, each lead in its own transaction
 * (decideLead): a lead that is stale, already decided or not allowed is refused with its reason
 * while the others are decided, and each lock is held for one lead only, so two people's bulk
 * decisions over overlapping selections never wait on each other for long or deadlock. Bad input
 * (the same for every lead) is refused before any lead is touched.
 */
export async function decideLeads(db: Database, input: DecideLeadsInput): Promise<BulkOutcome[]> {
  const { leads: selection, ...decision } = input;
  if (selection.length === 0) throw new LeadError('a bulk decision needs at least one lead', 'invalid');
  const at = input.at ?? new Date();
  checkDecision({ ...decision, lead: 0, at });
  const chosen = new Map<number, Pick<DecideLeadInput, 'expectedState' | 'expectedEventId'>>();
  for (const item of selection) {
    const { id, ...seen } = typeof item === 'number' ? { id: item } : item;
    if (!chosen.has(id)) chosen.set(id, seen);
  }
  if (chosen.size > MAX_BULK) throw new LeadError(`a bulk decision takes at most ${MAX_BULK} leads, got ${chosen.size}`, 'invalid');
  const outcomes: BulkOutcome[] = [];
  for (const [id, seen] of chosen) {
    try {
      outcomes.push({ lead: id, outcome: 'done', result: await decideLead(db, { ...decision, ...seen, lead: id, at }) });
    } catch (error) {
      if (!(error instanceof LeadError)) {
        const done = outcomes.filter((o) => o.outcome === 'done').map((o) => `#${o.lead}`);
        throw new Error(`decideLeads: lead #${id} failed${done.length ? ` (already decided: ${done.join(', ')})` : ''}: ${(error as Error).message}`, { cause: error });
      }
      outcomes.push({ lead: id, outcome: 'refused', reason: error.reason, message: error.message });
    }
  }
  return outcomes;
}

/** The latest change of state in a lead's history (notes aside): what `expectedEventId` names. */
export function lastChange(events: readonly LeadEvent[]): LeadEvent | undefined {
  return events.filter((e) => e.kind !== 'note').reduce<LeadEvent | undefined>((latest, e) => (!latest || e.id > latest.id ? e : latest), undefined);
}

/** The decision's inputs checked and tidied, or a LeadError `invalid` saying what is wrong. */
function checkDecision(input: DecideLeadInput): { actor: string; note: string | null; reason: NotAFitReason | null; requestId: string | null; at: Date } {
  const at = input.at ?? new Date();
  const actor = checkActor(input.actor, 'a decision');
  const note = checkNote(input.note);
  if (!(LEAD_STATES as readonly string[]).includes(input.to)) throw new LeadError(`no lead state '${String(input.to)}': one of ${LEAD_STATES.join(', ')}`, 'invalid');
  if (input.to === 'snoozed' && !(input.snoozeUntil instanceof Date && input.snoozeUntil > at)) {
    throw new LeadError(`snoozing needs a snoozeUntil after ${at.toISOString()}: the day the lead comes back`, 'invalid');
  }
  if (input.to !== 'snoozed' && input.snoozeUntil !== undefined) throw new LeadError(`a snoozeUntil goes with snoozed only, not with ${input.to}`, 'invalid');
  let reason: NotAFitReason | null = null;
  if (input.to === 'not_a_fit') {
    if (!input.reason) throw new LeadError(`not a fit needs a reason: ${notAFitReasonList()}`, 'invalid');
    reason = notAFitReason(input.reason) ?? null;
    if (!reason) throw new LeadError(`'${input.reason}' is not a not-a-fit reason: give one of ${notAFitReasonList()}`, 'invalid');
    if (reason === 'other' && !note) throw new LeadError('not a fit for an other reason needs a note saying which', 'invalid');
  } else if (input.reason) {
    throw new LeadError(`a reason goes with not a fit only, not with ${input.to}`, 'invalid');
  }
  return { actor, note, reason, requestId: checkRequestId(input.requestId), at };
}

function checkActor(actor: string, what: string): string {
  const name = actor.trim();
  if (name === '' || name === 'system' || name.length > 100) throw new LeadError(`${what} needs the name of the person making it (at most 100 characters), got '${actor.slice(0, 100)}'`, 'invalid');
  return name;
}

function checkNote(note: string | null | undefined): string | null {
  const text = note?.trim() ?? '';
  if (text.length > MAX_NOTE) throw new LeadError(`a note is at most ${MAX_NOTE} characters, got ${text.length}`, 'invalid');
  return text === '' ? null : text;
}

function checkRequestId(id: string | null | undefined): string | null {
  if (id === null || id === undefined) return null;
  if (!REQUEST_ID.test(id)) throw new LeadError('a request id is 1 to 100 printable ASCII characters without spaces (a UUID, a form token)', 'invalid');
  return id;
}

/** The lead, its row locked until the transaction ends: deciders of one lead go one at a time. */
async function lockLead(tx: Database, id: number): Promise<Lead> {
  const found = Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? await tx.select().from(leads).where(eq(leads.id, id)).for('update') : [];
  if (!found[0]) throw new LeadError(`lead ${id} not found`, 'not_found');
  return found[0];
}

/**
 * When `requestId` was already used on this lead: the first result, if it was the same kind of
 * request (`same`); a `duplicate` LeadError if it was something else. Undefined for a new key.
 */
async function replayOf(tx: Database, lead: Lead, requestId: string | null, same: (e: LeadEvent) => boolean, what: string): Promise<DecisionResult | undefined> {
  if (requestId === null) return undefined;
  const [first] = await tx
    .select()
    .from(leadEvents)
    .where(and(eq(leadEvents.leadId, lead.id), eq(leadEvents.requestId, requestId)));
  if (!first) return undefined;
  if (!same(first)) {
    throw new LeadError(`request ${requestId} was already recorded on lead #${lead.id} (${describeChange(first)}), so it cannot also be ${what}: a new request needs a new id`, 'duplicate', lead.state, first);
  }
  return { lead, event: first, replayed: true };
}

/** A `stale` LeadError when the lead is not where the caller saw it. */
function checkFresh(lead: Lead, last: LastChange | undefined, seen: Pick<DecideLeadInput, 'expectedState' | 'expectedEventId'>): void {
  const movedState = seen.expectedState !== undefined && seen.expectedState !== lead.state;
  const movedEvent = seen.expectedEventId !== undefined && seen.expectedEventId !== last?.id;
  if (!movedState && !movedEvent) return;
  const saw = movedState ? `you saw it ${seen.expectedState}` : 'you saw an earlier version';
  throw new LeadError(`lead #${lead.id} changed since ${saw}: it is ${lead.state} now${last ? `, ${describeChange(last)}` : ''}; reload it and decide again`, 'stale', lead.state, last);
}

/** The lead's latest changes of state (notes aside), newest first. By id: the row lock orders a lead's events. */
async function lastChanges(tx: Database, leadId: number, limit: number): Promise<LastChange[]> {
  return tx
    .select({ id: leadEvents.id, kind: leadEvents.kind, actor: leadEvents.actor, at: leadEvents.at, fromState: leadEvents.fromState, toState: leadEvents.toState, snoozedUntil: leadEvents.snoozedUntil })
    .from(leadEvents)
    .where(and(eq(leadEvents.leadId, leadId), ne(leadEvents.kind, 'note')))
    .orderBy(desc(leadEvents.id))
    .limit(limit);
}

/** The state a snoozed lead was snoozed from ('new' when its history does not say). */
async function stateBeforeSnooze(tx: Database, leadId: number): Promise<LeadState> {
  const [last] = await tx
    .select({ from: leadEvents.fromState })
    .from(leadEvents)
    .where(and(eq(leadEvents.leadId, leadId), eq(leadEvents.toState, 'snoozed'), ne(leadEvents.fromState, 'snoozed')))
    .orderBy(desc(leadEvents.id))
    .limit(1);
  return last?.from ?? 'new';
}

/** Whether the person is on the list because of this do-not-contact decision (not an earlier opt-out or list entry). */
async function listedBy(tx: Database, prospectId: string, decision: LastChange): Promise<boolean> {
  const [latest] = await tx
    .select({ change: doNotContactEvents.change, source: doNotContactEvents.source, actor: doNotContactEvents.actor, at: doNotContactEvents.at })
    .from(doNotContactEvents)
    .where(eq(doNotContactEvents.prospectId, prospectId))
    .orderBy(desc(doNotContactEvents.id))
    .limit(1);
  return latest?.change === 'added' && latest.source === 'lead' && latest.actor === decision.actor && latest.at.getTime() === decision.at.getTime();
}

const when = (at: Date) => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A change in words, for refusals: `maya moved it from new to contacted at 2026-11-02 09:10 UTC`. */
export function describeChange(e: Pick<LeadEvent, 'kind' | 'actor' | 'at' | 'fromState' | 'toState' | 'snoozedUntil'>): string {
  const until = e.toState === 'snoozed' && e.snoozedUntil ? ` until ${e.snoozedUntil.toISOString().slice(0, 10)}` : '';
  switch (e.kind) {
    case 'queued':
      return `it was queued at ${when(e.at)}`;
    case 'note':
      return `${e.actor} wrote a note at ${when(e.at)}`;
    case 'undo':
      return `${e.actor} undid a decision at ${when(e.at)}, taking it from ${e.fromState} back to ${e.toState}${until}`;
    case 'list':
      return `the do-not-contact list moved it from ${e.fromState} to ${e.toState} at ${when(e.at)} (${e.actor})`;
    default:
      return `${e.actor} moved it from ${e.fromState} to ${e.toState}${until} at ${when(e.at)}`;
  }
}

/** Why the last change cannot be undone, in words. */
function nothingToUndo(last: LastChange): string {
  switch (last.kind) {
    case 'undo':
      return `its last change is already an undo (${describeChange(last)}); an undo is not undone: decide again instead`;
    case 'list':
      return `its last change was not a decision: ${describeChange(last)}; to take the person off the list: prospector dnc remove`;
    default:
      return `no decision since ${describeChange(last)}`;
  }
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
