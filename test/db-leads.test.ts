import { asc, eq } from 'drizzle-orm';
import { beforeEach, expect, it } from 'vitest';
import { addDoNotContact, isDoNotContact } from '../db/do-not-contact.ts';
import { buildQueue, decideLead, findLead, LeadError, listQueue, nextStates, type Lead } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { upsertProspects } from '../db/prospects.ts';
import { actions, doNotContact, leadEvents, leads } from '../db/schema.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

const DAY1 = '2026-11-02';
const DAY2 = '2026-11-03';
const DAY1_AT = AT;
const DAY2_AT = new Date('2026-11-03T07:00:00Z');

describeEachDatabase('lead queue and decisions', (t) => {
  beforeEach(() => t.reset());

  /** Prospects 0..n-1 matched for a persona, prospect i scoring scores[i]. */
  async function scored(persona: string, scores: number[]): Promise<void> {
    await upsertProspects(
      t.db,
      scores.map((_, i) => prospectInput(i)),
    );
    await upsertMatches(
      t.db,
      scores.map((_, i) => ({ persona, prospectId: xid(i), seenAt: AT })),
    );
    await saveScores(
      t.db,
      scores.map((score, i) => ({ persona, prospectId: xid(i), score, components: { fit: score / 100 }, explanation: `+${score} fit`, scoredAt: AT })),
    );
  }

  const queue = (over: Partial<Parameters<typeof buildQueue>[1]> = {}) =>
    buildQueue(t.db, { persona: 'saas-en', day: DAY1, perDay: 3, minScore: 50, owners: ['maya', 'lucas'], at: DAY1_AT, ...over });

  const ids = (list: Pick<Lead, 'prospectId'>[]) => list.map((l) => l.prospectId);

  it('queues the top N above the minimum score, dealt round-robin, each with a system event', async () => {
    await scored('saas-en', [40, 90, 75, 95, 60, 85, 49]);
    const created = await queue();
    expect(created.map((l) => [l.prospectId, l.score, l.owner, l.state, l.queuedOn, l.reasons])).toEqual([
      [xid(3), 95, 'maya', 'new', DAY1, '+95 fit'],
      [xid(1), 90, 'lucas', 'new', DAY1, '+90 fit'],
      [xid(5), 85, 'maya', 'new', DAY1, '+85 fit'],
    ]);
    const events = await t.db.select().from(leadEvents).orderBy(asc(leadEvents.leadId));
    expect(events.map((e) => [e.leadId, e.actor, e.fromState, e.toState, e.at])).toEqual(created.map((l) => [l.id, 'system', null, 'new', DAY1_AT]).sort((a, b) => Number(a[0]) - Number(b[0])));
  });

  it('is idempotent for a day, tops up a short day, and never re-queues someone on a later day', async () => {
    await scored('saas-en', [90, 80, 70, 60, 55]);
    expect(ids(await queue())).toEqual([xid(0), xid(1), xid(2)]);
    expect(await queue()).toEqual([]);
    expect(await t.db.select().from(leads)).toHaveLength(3);

    // A later day: the next best, never the ones already queued.
    const day2 = await queue({ day: DAY2, at: DAY2_AT });
    expect(ids(day2)).toEqual([xid(3), xid(4)]);
    // The round-robin goes on from the leads already queued that day.
    expect(day2.map((l) => l.owner)).toEqual(['maya', 'lucas']);
    // A new match arrives the same day: the short day is topped up, to perDay and no further.
    await upsertProspects(t.db, [prospectInput(10), prospectInput(11)]);
    await upsertMatches(t.db, [10, 11].map((i) => ({ persona: 'saas-en', prospectId: xid(i), seenAt: AT })));
    await saveScores(t.db, [10, 11].map((i) => ({ persona: 'saas-en', prospectId: xid(i), score: 99, components: {}, explanation: '', scoredAt: AT })));
    const topUp = await queue({ day: DAY2, at: DAY2_AT });
    expect(ids(topUp)).toEqual([xid(10)]);
    expect(topUp[0]!.owner).toBe('maya');
    expect(await queue({ day: DAY2, at: DAY2_AT })).toEqual([]);
  });

  it('leaves out people on the do-not-contact list and people decided in another persona', async () => {
    await scored('saas-en', [90, 80, 70, 60, 55, 52]);
    await upsertMatches(t.db, [0, 1, 2, 3].map((i) => ({ persona: 'saas-fr', prospectId: xid(i), seenAt: AT })));
    await saveScores(t.db, [0, 1, 2, 3].map((i) => ({ persona: 'saas-fr', prospectId: xid(i), score: 99, components: {}, explanation: '', scoredAt: AT })));
    const fr = await buildQueue(t.db, { persona: 'saas-fr', day: DAY1, perDay: 3, minScore: 50, owners: ['sofia'], at: AT });
    expect(ids(fr)).toEqual([xid(0), xid(1), xid(2)]);
    // In saas-fr: 0 stays new (someone has them), 1 is not a fit there (fine for saas-en), 2 was won.
    await decideLead(t.db, { lead: fr[1]!.id, to: 'not_a_fit', reason: 'wrong_person', actor: 'sofia', at: AT });
    await decideLead(t.db, { lead: fr[2]!.id, to: 'won', actor: 'sofia', at: AT });
    await addDoNotContact(t.db, { prospectId: xid(3), source: 'opt_out', addedBy: 'system', reason: 'asked to be left alone', at: AT });

    const en = await queue();
    expect(ids(en)).toEqual([xid(1), xid(4), xid(5)]);
  });

  it('deals to nobody without owners, and checks its inputs', async () => {
    await scored('saas-en', [90]);
    expect((await queue({ owners: [] })).map((l) => l.owner)).toEqual([null]);
    await expect(queue({ day: '3 Nov' })).rejects.toThrow("buildQueue: day must be 'YYYY-MM-DD', got '3 Nov'");
    await expect(queue({ perDay: -1 })).rejects.toThrow('perDay must be an integer ≥ 0');
  });

  it('two workers building the same day at once queue perDay leads, not twice as many', async () => {
    await scored('saas-en', Array.from({ length: 20 }, (_, i) => 99 - i));
    const [a, b] = await Promise.all([queue({ perDay: 5 }), queue({ perDay: 5 })]);
    expect(a.length + b.length).toBe(5);
    expect(await t.db.select().from(leads)).toHaveLength(5);
  });

  it('decisions move forward with who, when and why; backward moves are refused naming both states', async () => {
    await scored('saas-en', [90]);
    const [lead] = await queue();
    const id = lead!.id;
    await decideLead(t.db, { lead: id, to: 'contacted', actor: 'maya', note: 'DM sent', at: minutesAfter(10) });
    await expect(decideLead(t.db, { lead: id, to: 'new', actor: 'maya' })).rejects.toThrow('lead 1 cannot move from contacted to new');
    await expect(decideLead(t.db, { lead: id, to: 'contacted', actor: 'maya' })).rejects.toThrow(LeadError);
    await decideLead(t.db, { lead: id, to: 'replied', actor: 'maya', note: 'wants a demo', at: minutesAfter(20) });
    const won = await decideLead(t.db, { lead: id, to: 'won', actor: 'lucas', note: 'signed 🎉', at: minutesAfter(30) });
    expect(won.lead).toMatchObject({ id, state: 'won', updatedAt: minutesAfter(30) });
    await expect(decideLead(t.db, { lead: id, to: 'replied', actor: 'maya' })).rejects.toThrow(/lead 1 cannot move from won to replied: .*it can go to do_not_contact/);

    const detail = await findLead(t.db, id);
    expect(detail?.events.map((e) => [e.actor, e.fromState, e.toState, e.note, e.at])).toEqual([
      ['system', null, 'new', 'queued for saas-en', DAY1_AT],
      ['maya', 'new', 'contacted', 'DM sent', minutesAfter(10)],
      ['maya', 'contacted', 'replied', 'wants a demo', minutesAfter(20)],
      ['lucas', 'replied', 'won', 'signed 🎉', minutesAfter(30)],
    ]);
    await expect(decideLead(t.db, { lead: 999, to: 'won', actor: 'maya' })).rejects.toMatchObject({ reason: 'not_found', message: 'lead 999 not found' });
    await expect(decideLead(t.db, { lead: id, to: 'do_not_contact', actor: 'system' })).rejects.toThrow('a decision needs the name of the person making it');
  });

  it('snooze needs a date, and a snoozed lead moves on from where it was', async () => {
    await scored('saas-en', [90]);
    const [lead] = await queue();
    const id = lead!.id;
    await expect(decideLead(t.db, { lead: id, to: 'snoozed', actor: 'maya', at: AT })).rejects.toThrow('needs a snoozeUntil after');
    await decideLead(t.db, { lead: id, to: 'contacted', actor: 'maya', at: AT });
    const snoozed = await decideLead(t.db, { lead: id, to: 'snoozed', actor: 'maya', snoozeUntil: minutesAfter(60 * 24 * 7), at: minutesAfter(1) });
    expect(snoozed.lead).toMatchObject({ state: 'snoozed', snoozedUntil: minutesAfter(60 * 24 * 7) });
    await decideLead(t.db, { lead: id, to: 'snoozed', actor: 'maya', snoozeUntil: minutesAfter(60 * 24 * 14), at: minutesAfter(2) });
    await expect(decideLead(t.db, { lead: id, to: 'contacted', actor: 'maya', at: minutesAfter(3) })).rejects.toThrow('lead 1 cannot move from snoozed to contacted: leads only move forward, and from snoozed (snoozed while contacted) it can go to replied, won, not_a_fit, snoozed, do_not_contact');
    const replied = await decideLead(t.db, { lead: id, to: 'replied', actor: 'maya', at: minutesAfter(4) });
    expect(replied.lead).toMatchObject({ state: 'replied', snoozedUntil: null });
    expect(nextStates('new')).toEqual(['contacted', 'replied', 'won', 'not_a_fit', 'snoozed', 'do_not_contact']);
    expect(nextStates('do_not_contact')).toEqual([]);
  });

  it('do not contact is global: the list, open leads in every persona (with events), planned actions', async () => {
    await scored('saas-en', [90, 80]);
    await upsertMatches(t.db, [{ persona: 'saas-fr', prospectId: xid(0), seenAt: AT }]);
    await saveScores(t.db, [{ persona: 'saas-fr', prospectId: xid(0), score: 70, components: {}, explanation: '', scoredAt: AT }]);
    // saas-fr first: then prospect 0 is taken and saas-en leaves them out, so create the saas-en lead directly.
    const [fr] = await buildQueue(t.db, { persona: 'saas-fr', day: DAY1, perDay: 1, minScore: 0, owners: ['sofia'], at: AT });
    const [en] = await t.db.insert(leads).values({ prospectId: xid(0), persona: 'saas-en', owner: 'maya', queuedOn: DAY1, state: 'contacted', score: 90, createdAt: AT, updatedAt: AT }).returning();
    await t.db.insert(actions).values([
      { account: 'acct-1', kind: 'follow', target: xid(0), prospectId: xid(0), persona: 'saas-en', status: 'planned', plannedAt: AT },
      { account: 'acct-1', kind: 'like', target: xid(900), prospectId: xid(0), persona: 'saas-en', status: 'done', plannedAt: AT },
      { account: 'acct-2', kind: 'like', target: xid(901), prospectId: xid(0), persona: 'saas-fr', status: 'planned', plannedAt: AT },
      { account: 'acct-1', kind: 'follow', target: xid(1), prospectId: xid(1), persona: 'saas-en', status: 'planned', plannedAt: AT },
    ]);

    const result = await addDoNotContact(t.db, { prospectId: xid(0), reason: 'asked us to stop', source: 'opt_out', addedBy: 'system', at: minutesAfter(5) });
    expect(result).toEqual({ added: true, leadsClosed: [fr!.id, en!.id].sort((a, b) => a - b), actionsCancelled: 2 });
    expect(await isDoNotContact(t.db, xid(0))).toBe(true);
    const states = await t.db.select({ persona: leads.persona, state: leads.state }).from(leads).where(eq(leads.prospectId, xid(0))).orderBy(asc(leads.persona));
    expect(states).toEqual([
      { persona: 'saas-en', state: 'do_not_contact' },
      { persona: 'saas-fr', state: 'do_not_contact' },
    ]);
    const events = await t.db.select().from(leadEvents).where(eq(leadEvents.toState, 'do_not_contact')).orderBy(asc(leadEvents.leadId));
    const before = new Map([
      [fr!.id, 'new'],
      [en!.id, 'contacted'],
    ]);
    expect(events.map((e) => [e.leadId, e.actor, e.fromState, e.note, e.at])).toEqual(
      [...before].sort(([a], [b]) => a - b).map(([id, from]) => [id, 'system', from, 'asked us to stop', minutesAfter(5)]),
    );
    const acts = await t.db.select({ target: actions.target, status: actions.status }).from(actions).orderBy(asc(actions.id));
    expect(acts.map((a) => a.status)).toEqual(['cancelled', 'done', 'cancelled', 'planned']);
    // Again: already listed, nothing else to close.
    expect(await addDoNotContact(t.db, { prospectId: xid(0), source: 'manual', addedBy: 'ana', at: minutesAfter(6) })).toEqual({ added: false, leadsClosed: [], actionsCancelled: 0 });
    const [entry] = await t.db.select().from(doNotContact);
    expect(entry).toMatchObject({ reason: 'asked us to stop', source: 'opt_out', addedBy: 'system', addedAt: minutesAfter(5) });
  });

  it('deciding do_not_contact on a lead puts the person on the global list', async () => {
    await scored('saas-en', [90, 80]);
    const [first] = await queue();
    await decideLead(t.db, { lead: first!.id, to: 'do_not_contact', actor: 'maya', note: 'not interested, ever', at: minutesAfter(1) });
    expect(await t.db.select().from(doNotContact)).toEqual([{ prospectId: first!.prospectId, reason: 'not interested, ever', source: 'lead', addedAt: minutesAfter(1), addedBy: 'maya' }]);
    const events = await t.db.select().from(leadEvents).where(eq(leadEvents.leadId, first!.id));
    expect(events.filter((e) => e.toState === 'do_not_contact')).toHaveLength(1);
  });

  it('listQueue filters by day, persona and owner; findLead by id or handle', async () => {
    await scored('saas-en', [90, 80, 70, 60]);
    await queue({ perDay: 2 });
    await queue({ perDay: 2, day: DAY2, at: DAY2_AT });
    expect((await listQueue(t.db)).map((l) => [l.queuedOn, l.prospectId])).toEqual([
      [DAY2, xid(2)],
      [DAY2, xid(3)],
      [DAY1, xid(0)],
      [DAY1, xid(1)],
    ]);
    expect((await listQueue(t.db, { day: DAY1, owner: 'lucas' })).map((l) => [l.username, l.owner, l.score])).toEqual([['user_1', 'lucas', 80]]);
    expect(await listQueue(t.db, { persona: 'nobody' })).toEqual([]);
    expect((await listQueue(t.db, { states: ['new'], day: DAY2 })).map((l) => l.name)).toEqual(['User 2', 'User 3']);

    const byId = await findLead(t.db, 1);
    expect(byId).toMatchObject({ id: 1, username: 'user_0', description: 'Head of Growth #0' });
    expect((await findLead(t.db, '#1'))?.id).toBe(1);
    expect((await findLead(t.db, '@USER_3'))?.prospectId).toBe(xid(3));
    expect((await findLead(t.db, 'user_3'))?.events).toHaveLength(1);
    expect(await findLead(t.db, '@nobody')).toBeUndefined();
    expect(await findLead(t.db, 99_999_999_999)).toBeUndefined();
  });
});
