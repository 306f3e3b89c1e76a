import { asc, eq, sql } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { addDoNotContact, doNotContactHistory, isDoNotContact } from '../db/do-not-contact.ts';
import { buildQueue, decideLead, decideLeads, findLead, lastChange, LeadError, MAX_BULK, noteLead, undoDecision, type Lead } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { loadMigrations, migrate } from '../db/migrate.ts';
import { upsertProspects } from '../db/prospects.ts';
import { rows } from '../db/rows.ts';
import { actions, doNotContact, doNotContactEvents, leadEvents, leads } from '../db/schema.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

/**
 * The one path a lead's decisions go through, as a page uses it: request keys against double
 * submits, stale pages and two people deciding at once refused with who moved the lead, undo as a
 * new event (do-not-contact included), bulk decisions lead by lead, not-a-fit reasons and notes.
 */

const DAY = '2026-11-02';
const WEEK = 60 * 24 * 7;

describeEachDatabase('lead decisions', (t) => {
  beforeEach(() => t.reset());

  /** `n` new leads of saas-en, prospects 0..n-1, owned by maya; lead ids 1..n in prospect order. */
  async function queued(n: number, db: Database = t.db): Promise<Lead[]> {
    const indexes = Array.from({ length: n }, (_, i) => i);
    await upsertProspects(db, indexes.map((i) => prospectInput(i)));
    await upsertMatches(db, indexes.map((i) => ({ persona: 'saas-en', prospectId: xid(i), seenAt: AT })));
    await saveScores(db, indexes.map((i) => ({ persona: 'saas-en', prospectId: xid(i), score: 90 - i, components: {}, explanation: `+${90 - i} fit`, scoredAt: AT })));
    return buildQueue(db, { persona: 'saas-en', day: DAY, perDay: n, minScore: 0, owners: ['maya'], at: AT });
  }

  const eventsOf = (id: number, db: Database = t.db) => db.select().from(leadEvents).where(eq(leadEvents.leadId, id)).orderBy(asc(leadEvents.id));
  const stateOf = async (id: number) => (await t.db.select({ state: leads.state }).from(leads).where(eq(leads.id, id)))[0]?.state;

  it('a double submit with the same request id records one decision and answers the first result again', async () => {
    const [lead] = await queued(1);
    const first = await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', note: 'DM sent', requestId: 'form-7f3a', at: minutesAfter(5) });
    const again = await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', note: 'DM sent', requestId: 'form-7f3a', at: minutesAfter(6) });
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ replayed: true, event: { id: first.event.id, at: minutesAfter(5), requestId: 'form-7f3a' }, lead: { state: 'contacted' } });
    expect((await eventsOf(lead!.id)).map((e) => [e.kind, e.toState])).toEqual([
      ['queued', 'new'],
      ['decision', 'contacted'],
    ]);
    // The same key for something else is not a replay: refused, nothing written.
    await expect(decideLead(t.db, { lead: lead!.id, to: 'won', actor: 'maya', requestId: 'form-7f3a' })).rejects.toMatchObject({
      reason: 'duplicate',
      message: expect.stringContaining('request form-7f3a was already recorded on lead #1 (maya moved it from new to contacted at 2026-11-02 09:05 UTC)'),
    });
    // Without a key, the same decision again is a duplicate that says who made it.
    await expect(decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'lucas' })).rejects.toMatchObject({
      reason: 'duplicate',
      message: 'lead #1 is already contacted: maya moved it from new to contacted at 2026-11-02 09:05 UTC; nothing recorded',
    });
    expect(await eventsOf(lead!.id)).toHaveLength(2);
  });

  it('two submits of one request at the same moment record it once', async () => {
    const [lead] = await queued(1);
    const both = await Promise.all(
      [1, 2].map(() => decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'competitor', actor: 'maya', requestId: 'double-click', at: minutesAfter(1) })),
    );
    expect(both.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect(both[0]!.event.id).toBe(both[1]!.event.id);
    expect((await eventsOf(lead!.id)).filter((e) => e.kind === 'decision')).toHaveLength(1);
  });

  it('a stale page is refused, saying who changed the lead to what and when; a lead moved away and back is caught by the event id', async () => {
    const [lead] = await queued(1);
    const seen = await findLead(t.db, lead!.id);
    const seenEvent = lastChange(seen!.events)!;
    await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', at: minutesAfter(5), expectedState: 'new' });
    const stale = await decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'wrong-person', actor: 'lucas', expectedState: 'new' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(LeadError);
    expect(stale).toMatchObject({
      reason: 'stale',
      state: 'contacted',
      last: { actor: 'maya', toState: 'contacted', at: minutesAfter(5) },
      message: 'lead #1 changed since you saw it new: it is contacted now, maya moved it from new to contacted at 2026-11-02 09:05 UTC; reload it and decide again',
    });
    // maya undoes: the lead is new again, but a page that saw it before all this is still stale.
    await undoDecision(t.db, { lead: lead!.id, actor: 'maya', at: minutesAfter(6) });
    await expect(decideLead(t.db, { lead: lead!.id, to: 'won', actor: 'lucas', expectedState: 'new', expectedEventId: seenEvent.id })).rejects.toMatchObject({
      reason: 'stale',
      message: expect.stringContaining('changed since you saw an earlier version: it is new now, maya undid a decision at 2026-11-02 09:06 UTC, taking it from contacted back to new'),
    });
    // A note is no change of state: a page that saw the latest change still decides.
    await noteLead(t.db, { lead: lead!.id, actor: 'ana', note: 'looked them up', at: minutesAfter(7) });
    const latest = lastChange((await findLead(t.db, lead!.id))!.events)!;
    expect(latest.kind).toBe('undo');
    const won = await decideLead(t.db, { lead: lead!.id, to: 'won', actor: 'lucas', expectedEventId: latest.id, at: minutesAfter(8) });
    expect(won.lead.state).toBe('won');
  });

  it('two salespeople deciding at once: exactly one decision is recorded, the other is told who won', async () => {
    // Two handles on one database, as two processes (on PGlite, one process: the same handle).
    const other = await t.fresh();
    await migrate(other.handle);
    const maya = other.handle;
    const lucas = await other.connect();
    const [lead] = await queued(1, maya.db);
    const race = () =>
      Promise.allSettled([
        decideLead(maya.db, { lead: lead!.id, to: 'contacted', actor: 'maya', expectedState: 'new', at: minutesAfter(3) }),
        decideLead(lucas.db, { lead: lead!.id, to: 'not_a_fit', reason: 'competitor', actor: 'lucas', expectedState: 'new', at: minutesAfter(3) }),
      ]);
    let settled: Awaited<ReturnType<typeof race>>;
    if (t.kind === 'postgres') {
      // A third connection holds the lead's row while both deciders start: both wait on the lock,
      // then go one after the other.
      const holder = await other.connect();
      const started = await holder.db.transaction(async (tx) => {
        await tx.execute(sql`select id from leads where id = ${lead!.id} for update`);
        const running = race();
        await waitUntil(async () => (await rows<{ n: number }>(maya.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n >= 2);
        return { running };
      });
      settled = await started.running;
    } else {
      settled = await race();
    }
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = won[0]!.value;
    expect(lost[0]!.reason).toBeInstanceOf(LeadError);
    expect(lost[0]!.reason).toMatchObject({
      reason: 'stale',
      message: expect.stringContaining(`changed since you saw it new: it is ${winner.lead.state} now, ${winner.event.actor} moved it from new to ${winner.lead.state}`),
    });
    expect((await eventsOf(lead!.id, maya.db)).filter((e) => e.kind === 'decision')).toHaveLength(1);
  });

  it('undo reverts the last decision as a new event; undoing twice, or with nothing decided, is refused', async () => {
    const [lead, fresh] = await queued(2);
    await expect(undoDecision(t.db, { lead: fresh!.id, actor: 'maya' })).rejects.toMatchObject({
      reason: 'not_allowed',
      message: 'nothing to undo on lead #2: no decision since it was queued at 2026-11-02 09:00 UTC',
    });
    const decided = await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', at: minutesAfter(1) });
    await noteLead(t.db, { lead: lead!.id, actor: 'maya', note: 'oops, wrong lead', at: minutesAfter(2) });
    // The page's undo names the decision it means; a later decision makes it stale.
    await expect(undoDecision(t.db, { lead: lead!.id, actor: 'maya', expectedEventId: decided.event.id - 1 })).rejects.toMatchObject({ reason: 'stale' });
    const undone = await undoDecision(t.db, { lead: lead!.id, actor: 'maya', expectedEventId: decided.event.id, requestId: 'undo-1', at: minutesAfter(3) });
    expect(undone).toMatchObject({ replayed: false, lead: { state: 'new' }, event: { kind: 'undo', fromState: 'contacted', toState: 'new', undoes: decided.event.id, actor: 'maya' } });
    // The same undo sent twice is one undo; a second undo is refused.
    expect(await undoDecision(t.db, { lead: lead!.id, actor: 'maya', requestId: 'undo-1' })).toMatchObject({ replayed: true, event: { id: undone.event.id } });
    await expect(undoDecision(t.db, { lead: lead!.id, actor: 'maya', at: minutesAfter(4) })).rejects.toMatchObject({
      reason: 'not_allowed',
      message: expect.stringContaining('nothing to undo on lead #1: its last change is already an undo (maya undid a decision at 2026-11-02 09:03 UTC'),
    });
    // Nothing erased: queued, the decision, the note, the undo.
    expect((await eventsOf(lead!.id)).map((e) => [e.kind, e.fromState, e.toState])).toEqual([
      ['queued', null, 'new'],
      ['decision', 'new', 'contacted'],
      ['note', 'contacted', 'contacted'],
      ['undo', 'contacted', 'new'],
    ]);
    // After an undo, deciding again works.
    expect((await decideLead(t.db, { lead: lead!.id, to: 'replied', actor: 'maya', at: minutesAfter(5) })).lead.state).toBe('replied');
  });

  it('undoing a decision made on a snoozed lead brings the snooze back with its date', async () => {
    const [lead] = await queued(1);
    await decideLead(t.db, { lead: lead!.id, to: 'snoozed', snoozeUntil: minutesAfter(WEEK), actor: 'maya', at: minutesAfter(1) });
    await decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'not_in_market', actor: 'maya', at: minutesAfter(2) });
    const undone = await undoDecision(t.db, { lead: lead!.id, actor: 'maya', at: minutesAfter(3) });
    expect(undone.lead).toMatchObject({ state: 'snoozed', snoozedUntil: minutesAfter(WEEK) });
    expect(undone.event).toMatchObject({ fromState: 'not_a_fit', toState: 'snoozed', snoozedUntil: minutesAfter(WEEK) });
  });

  it('undoing a do-not-contact takes the person off the list (a history entry), reopens what it closed and plans again what it cancelled', async () => {
    const [en] = await queued(1);
    // The same person in another persona, where sofia contacted them; a like and a follow planned.
    const [fr] = await t.db.insert(leads).values({ prospectId: xid(0), persona: 'saas-fr', owner: 'sofia', queuedOn: DAY, state: 'contacted', score: 70, createdAt: AT, updatedAt: AT }).returning();
    await t.db.insert(leadEvents).values({ leadId: fr!.id, at: AT, actor: 'sofia', kind: 'decision', fromState: 'new', toState: 'contacted' });
    await t.db.insert(actions).values([
      { account: 'acct-1', kind: 'follow', target: xid(0), prospectId: xid(0), persona: 'saas-en', status: 'planned', plannedAt: AT },
      { account: 'acct-1', kind: 'like', target: xid(900), prospectId: xid(0), persona: 'saas-en', status: 'planned', plannedAt: AT },
    ]);
    await decideLead(t.db, { lead: en!.id, to: 'contacted', actor: 'maya', at: minutesAfter(1) });
    const dnc = await decideLead(t.db, { lead: en!.id, to: 'do_not_contact', actor: 'maya', note: 'asked by phone', at: minutesAfter(2) });
    expect(dnc.listed).toEqual({ added: true, leadsClosed: [fr!.id], actionsCancelled: 2 });
    expect(await stateOf(fr!.id)).toBe('do_not_contact');

    const undone = await undoDecision(t.db, { lead: en!.id, actor: 'maya', note: 'wrong person', at: minutesAfter(3) });
    expect(undone.lead.state).toBe('contacted');
    expect(undone.unlisted).toEqual({ removed: true, leadsReopened: [{ id: fr!.id, state: 'contacted' }], actionsReplanned: 2 });
    expect(await isDoNotContact(t.db, xid(0))).toBe(false);
    expect(await stateOf(fr!.id)).toBe('contacted');
    expect((await t.db.select({ status: actions.status }).from(actions)).map((a) => a.status)).toEqual(['planned', 'planned']);
    expect((await doNotContactHistory(t.db, { prospectId: xid(0) })).map((e) => [e.change, e.source, e.actor, e.reason])).toEqual([
      ['added', 'lead', 'maya', 'asked by phone'],
      ['removed', 'undo', 'maya', "maya's do not contact on lead #1 undone: wrong person"],
    ]);
    // The other lead's history says the list reopened it; it is not a decision to undo.
    expect((await eventsOf(fr!.id)).map((e) => [e.kind, e.fromState, e.toState])).toEqual([
      ['decision', 'new', 'contacted'],
      ['list', 'contacted', 'do_not_contact'],
      ['list', 'do_not_contact', 'contacted'],
    ]);
  });

  it('undoing a do-not-contact on someone already on the list for another reason leaves the list alone; a list closure is no decision to undo', async () => {
    const [won, open] = await queued(2);
    await decideLead(t.db, { lead: won!.id, to: 'won', actor: 'maya', at: minutesAfter(1) });
    await addDoNotContact(t.db, { prospectId: xid(0), source: 'opt_out', addedBy: 'system', reason: 'asked to stop', at: minutesAfter(2) });
    await decideLead(t.db, { lead: won!.id, to: 'do_not_contact', actor: 'maya', at: minutesAfter(3) });
    const undone = await undoDecision(t.db, { lead: won!.id, actor: 'maya', at: minutesAfter(4) });
    expect(undone.lead.state).toBe('won');
    expect(undone.unlisted).toBeUndefined();
    expect(await isDoNotContact(t.db, xid(0))).toBe(true);

    await addDoNotContact(t.db, { prospectId: xid(1), source: 'opt_out', addedBy: 'system', reason: 'asked to stop', at: minutesAfter(5) });
    await expect(undoDecision(t.db, { lead: open!.id, actor: 'maya' })).rejects.toMatchObject({
      reason: 'not_allowed',
      message:
        'nothing to undo on lead #2: its last change was not a decision: the do-not-contact list moved it from new to do_not_contact at 2026-11-02 09:05 UTC (system); to take the person off the list: prospector dnc remove',
    });
  });

  it('bulk: each lead decided on its own, a stale one refused with its reason while the rest are decided', async () => {
    const list = await queued(4);
    // Someone else contacts lead 2 after the page showed the selection as new.
    await decideLead(t.db, { lead: list[1]!.id, to: 'contacted', actor: 'lucas', at: minutesAfter(1) });
    const outcomes = await decideLeads(t.db, {
      leads: [...list.map((l) => ({ id: l.id, expectedState: 'new' as const })), list[0]!.id, 999],
      to: 'not_a_fit',
      reason: 'bot_or_fake',
      note: 'a bot farm',
      actor: 'maya',
      requestId: 'bulk-1',
      at: minutesAfter(2),
    });
    expect(outcomes.map((o) => [o.lead, o.outcome, o.outcome === 'refused' ? o.reason : o.result.lead.state])).toEqual([
      [1, 'done', 'not_a_fit'],
      [2, 'refused', 'stale'],
      [3, 'done', 'not_a_fit'],
      [4, 'done', 'not_a_fit'],
      [999, 'refused', 'not_found'],
    ]);
    expect(outcomes[1]).toMatchObject({ message: expect.stringContaining('lucas moved it from new to contacted') });
    expect(await stateOf(list[1]!.id)).toBe('contacted');
    // Sent again (a double submit of the bulk form): nothing new.
    const again = await decideLeads(t.db, {
      leads: list.map((l) => ({ id: l.id, expectedState: 'new' as const })),
      to: 'not_a_fit',
      reason: 'bot_or_fake',
      note: 'a bot farm',
      actor: 'maya',
      requestId: 'bulk-1',
    });
    expect(again.map((o) => (o.outcome === 'done' ? o.result.replayed : o.reason))).toEqual([true, 'stale', true, true]);
    expect((await t.db.select().from(leadEvents).where(eq(leadEvents.toState, 'not_a_fit'))).map((e) => [e.leadId, e.reason, e.note])).toEqual([
      [1, 'bot_or_fake', 'a bot farm'],
      [3, 'bot_or_fake', 'a bot farm'],
      [4, 'bot_or_fake', 'a bot farm'],
    ]);
    // Bad input is refused before any lead is touched; the selection is capped.
    await expect(decideLeads(t.db, { leads: [list[2]!.id], to: 'not_a_fit', reason: 'nope', actor: 'maya' })).rejects.toMatchObject({ reason: 'invalid' });
    await expect(decideLeads(t.db, { leads: Array.from({ length: MAX_BULK + 1 }, (_, i) => i + 1), to: 'contacted', actor: 'maya' })).rejects.toMatchObject({
      reason: 'invalid',
      message: `a bulk decision takes at most ${MAX_BULK} leads, got ${MAX_BULK + 1}`,
    });
    await expect(decideLeads(t.db, { leads: [], to: 'contacted', actor: 'maya' })).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('not a fit needs a reason from the list, stored on the event; the refusal lists the reasons', async () => {
    const [lead] = await queued(1);
    const list = 'wrong-person, wrong-company-size, competitor, student-or-job-seeker, bot-or-fake, not-in-market, other';
    await expect(decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', actor: 'maya' })).rejects.toMatchObject({ reason: 'invalid', message: `not a fit needs a reason: ${list}` });
    await expect(decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'too expensive', actor: 'maya' })).rejects.toMatchObject({
      reason: 'invalid',
      message: `'too expensive' is not a not-a-fit reason: give one of ${list}`,
    });
    await expect(decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'other', actor: 'maya' })).rejects.toThrow('not a fit for an other reason needs a note saying which');
    await expect(decideLead(t.db, { lead: lead!.id, to: 'contacted', reason: 'competitor', actor: 'maya' })).rejects.toThrow('a reason goes with not a fit only, not with contacted');
    expect(await eventsOf(lead!.id)).toHaveLength(1);
    const decided = await decideLead(t.db, { lead: lead!.id, to: 'not_a_fit', reason: 'Wrong company size', note: 'a team of 3', actor: 'maya', at: minutesAfter(1) });
    expect(decided.event).toMatchObject({ kind: 'decision', reason: 'wrong_company_size', note: 'a team of 3' });
    expect((await findLead(t.db, lead!.id))?.events.at(-1)).toMatchObject({ reason: 'wrong_company_size' });
    // The database holds the line too.
    await expect(t.db.insert(leadEvents).values({ leadId: lead!.id, at: AT, actor: 'x', kind: 'decision', fromState: 'new', toState: 'contacted', reason: 'competitor' })).rejects.toThrow();
  });

  it('a note is kept in the history and leaves the state as it is', async () => {
    const [lead] = await queued(1);
    await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', at: minutesAfter(1) });
    const noted = await noteLead(t.db, { lead: lead!.id, actor: 'maya', note: '  called, left a voicemail ', requestId: 'n1', at: minutesAfter(2) });
    expect(noted).toMatchObject({ replayed: false, lead: { state: 'contacted' }, event: { kind: 'note', fromState: 'contacted', toState: 'contacted', note: 'called, left a voicemail', actor: 'maya' } });
    expect((await noteLead(t.db, { lead: lead!.id, actor: 'maya', note: 'called, left a voicemail', requestId: 'n1' })).replayed).toBe(true);
    expect(await stateOf(lead!.id)).toBe('contacted');
    expect((await eventsOf(lead!.id)).map((e) => e.kind)).toEqual(['queued', 'decision', 'note']);
    await expect(noteLead(t.db, { lead: lead!.id, actor: 'maya', note: '   ' })).rejects.toMatchObject({ reason: 'invalid', message: 'a note needs some text' });
    await expect(noteLead(t.db, { lead: lead!.id, actor: 'maya', note: 'x'.repeat(2001) })).rejects.toThrow('a note is at most 2000 characters, got 2001');
    await expect(noteLead(t.db, { lead: lead!.id, actor: 'system', note: 'hi' })).rejects.toMatchObject({ reason: 'invalid' });
    await expect(noteLead(t.db, { lead: 4242, actor: 'maya', note: 'hi' })).rejects.toMatchObject({ reason: 'not_found', message: 'lead 4242 not found' });
    await expect(noteLead(t.db, { lead: lead!.id, actor: 'maya', note: 'hi', requestId: 'has spaces' })).rejects.toMatchObject({ reason: 'invalid' });
  });

  it('the migration sorts the history written before events had kinds: queued, decisions, the list\'s closures and reopenings', async () => {
    const { handle } = await t.fresh();
    const all = loadMigrations();
    const upTo = all.findIndex((m) => m.tag === '0004_lead_decisions');
    await migrate(handle, all.slice(0, upTo));
    const db = handle.db;
    const at = (m: number) => minutesAfter(m).toISOString();
    await upsertProspects(db, [0, 1, 2, 3].map((i) => prospectInput(i)));
    await db.insert(leads).values([
      { prospectId: xid(0), persona: 'saas-en', owner: 'maya', queuedOn: DAY, state: 'do_not_contact', score: 90, createdAt: AT, updatedAt: AT },
      { prospectId: xid(0), persona: 'saas-fr', owner: 'sofia', queuedOn: DAY, state: 'do_not_contact', score: 80, createdAt: AT, updatedAt: AT },
      { prospectId: xid(1), persona: 'saas-en', owner: 'maya', queuedOn: DAY, state: 'do_not_contact', score: 70, createdAt: AT, updatedAt: AT },
      { prospectId: xid(2), persona: 'saas-en', owner: 'maya', queuedOn: DAY, state: 'new', score: 60, createdAt: AT, updatedAt: AT },
      { prospectId: xid(3), persona: 'saas-en', owner: 'maya', queuedOn: DAY, state: 'snoozed', snoozedUntil: minutesAfter(WEEK), score: 50, createdAt: AT, updatedAt: AT },
    ]);
    // As the code before wrote them: maya's do not contact on lead 1 closing lead 2 with it; an
    // opt-out closing lead 3; ana adding and removing prospect 2 by hand; maya snoozing lead 5.
    await db.execute(sql`insert into lead_events (lead_id, at, actor, from_state, to_state, note) values
      (1, ${at(0)}, 'system', null, 'new', 'queued'), (2, ${at(0)}, 'system', null, 'new', 'queued'), (3, ${at(0)}, 'system', null, 'new', 'queued'),
      (4, ${at(0)}, 'system', null, 'new', 'queued'), (5, ${at(0)}, 'system', null, 'new', 'queued'),
      (1, ${at(1)}, 'maya', 'new', 'do_not_contact', 'rude'), (2, ${at(1)}, 'maya', 'new', 'do_not_contact', 'rude'),
      (3, ${at(2)}, 'system', 'new', 'do_not_contact', 'asked to stop'),
      (4, ${at(3)}, 'ana', 'new', 'do_not_contact', 'asked by email'), (4, ${at(4)}, 'ana', 'do_not_contact', 'new', 'off the do-not-contact list: wrong person'),
      (5, ${at(5)}, 'maya', 'new', 'snoozed', null)`);
    await db.insert(doNotContactEvents).values([
      { prospectId: xid(0), change: 'added', at: minutesAfter(1), actor: 'maya', source: 'lead', reason: 'rude' },
      { prospectId: xid(1), change: 'added', at: minutesAfter(2), actor: 'system', source: 'opt_out', reason: 'asked to stop' },
      { prospectId: xid(2), change: 'added', at: minutesAfter(3), actor: 'ana', source: 'manual', reason: 'asked by email' },
      { prospectId: xid(2), change: 'removed', at: minutesAfter(4), actor: 'ana', source: 'manual', reason: 'wrong person' },
    ]);
    await db.insert(doNotContact).values([
      { prospectId: xid(0), reason: 'rude', source: 'lead', addedAt: minutesAfter(1), addedBy: 'maya' },
      { prospectId: xid(1), reason: 'asked to stop', source: 'opt_out', addedAt: minutesAfter(2), addedBy: 'system' },
    ]);
    expect((await migrate(handle)).applied).toEqual(['0004_lead_decisions', '0005_review_page', '0006_notifications', '0007_search_refusals', '0008_action_leases']);
    const events = await db.select({ lead: leadEvents.leadId, kind: leadEvents.kind, until: leadEvents.snoozedUntil }).from(leadEvents).where(sql`${leadEvents.fromState} is not null`).orderBy(asc(leadEvents.id));
    expect(events).toEqual([
      { lead: 1, kind: 'decision', until: null },
      { lead: 2, kind: 'list', until: null },
      { lead: 3, kind: 'list', until: null },
      { lead: 4, kind: 'list', until: null },
      { lead: 4, kind: 'list', until: null },
      { lead: 5, kind: 'decision', until: minutesAfter(WEEK) },
    ]);
    expect(await db.select().from(leadEvents).where(eq(leadEvents.kind, 'queued'))).toHaveLength(5);
    // maya's do not contact can be undone, and takes prospect 0 off the list with lead 2 reopened.
    const undone = await undoDecision(db, { lead: 1, actor: 'maya', at: minutesAfter(6) });
    expect(undone.unlisted).toMatchObject({ removed: true, leadsReopened: [{ id: 2, state: 'new' }] });
  });
});

/** Polls a condition of the database (no fixed sleeps); fails after 10 s. */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitUntil: the condition did not hold within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
