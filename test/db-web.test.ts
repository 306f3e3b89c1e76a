import { beforeEach, expect, it } from 'vitest';
import { abandonAction, claimAction, finishAction, planActions } from '../db/actions.ts';
import { ensureAccounts, saveAccountUserId } from '../db/accounts.ts';
import { addDoNotContact } from '../db/do-not-contact.ts';
import { buildQueue, decideLead } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { upsertPosts, upsertProspects } from '../db/prospects.ts';
import { recordReply } from '../db/replies.ts';
import { finishRun, startRun } from '../db/runs.ts';
import { addReads } from '../db/search.ts';
import { addSignals } from '../db/signals.ts';
import { activity, doNotContactPage, leadHistory, personaFunnel, todayQueue } from '../db/web.ts';
import { pauseAll } from '../db/work.ts';
import { AT, describeEachDatabase, minutesAfter, prospectInput, xid } from './support/db.ts';

const DAY = '2026-11-02';
const ACCOUNT = '900001';

describeEachDatabase('review page queries', (t) => {
  beforeEach(() => t.reset());

  /** Prospects 0..n-1, each with a post, matched for `persona` with scores[i]; queued for DAY. */
  async function world(persona: string, scores: number[], owners = ['maya', 'lucas']) {
    await upsertProspects(
      t.db,
      scores.map((_, i) => prospectInput(i, { description: i === 0 ? '<script>alert(1)</script> VP Growth' : `Head of Growth #${i}` })),
    );
    await upsertPosts(
      t.db,
      scores.map((_, i) => ({ xPostId: xid(1000 + i), authorId: xid(i), text: `anyone recommend a CRM? #${i}`, createdAt: AT, kind: 'original' as const, seenAt: AT })),
    );
    await upsertMatches(
      t.db,
      scores.map((_, i) => ({ persona, prospectId: xid(i), postId: xid(1000 + i), seenAt: AT })),
    );
    await saveScores(
      t.db,
      scores.map((score, i) => ({ persona, prospectId: xid(i), score, components: {}, explanation: `+${score} title matches`, scoredAt: AT })),
    );
    return buildQueue(t.db, { persona, day: DAY, perDay: scores.length, minScore: 50, owners, at: AT });
  }

  it("today's queue: every card with the person, the post that found them, actions, signals and a held reply", async () => {
    const queued = await world('saas-en', [90, 70, 60, 40]);
    expect(queued).toHaveLength(3);
    const top = queued[0]!;
    await ensureAccounts(t.db, [{ handle: 'maya_sells', owner: 'maya' }], AT);
    await saveAccountUserId(t.db, 'maya_sells', ACCOUNT, AT);
    const [like, follow] = await planActions(
      t.db,
      [
        { account: ACCOUNT, kind: 'like', target: xid(1000), prospectId: xid(0), persona: 'saas-en' },
        { account: ACCOUNT, kind: 'follow', target: xid(0), prospectId: xid(0), persona: 'saas-en' },
      ],
      AT,
    );
    const claimed = await claimAction(t.db, { id: follow!.id, workerId: 'w', actor: 'maya', checks: [{ scope: 'x', window: 'day', limit: 400, lengthMs: 86_400_000 }], at: minutesAfter(1) });
    expect(claimed.claimed).toBe(true);
    await finishAction(t.db, { id: follow!.id, status: 'done', at: minutesAfter(2) });
    await addSignals(t.db, [{ prospectId: xid(0), account: ACCOUNT, kind: 'followed_back', occurredAt: minutesAfter(30) }], minutesAfter(31));
    await recordReply(t.db, {
      postId: xid(5000),
      prospectId: xid(1),
      account: ACCOUNT,
      kind: 'reply',
      text: 'maybe not now',
      language: 'en',
      outcome: 'doubtful',
      reason: 'test',
      postedAt: minutesAfter(40),
      readAt: minutesAfter(41),
    });

    const cards = await todayQueue(t.db, { day: DAY });
    expect(cards.map((c) => [c.id, c.score, c.owner, c.username])).toEqual([
      [top.id, 90, 'maya', 'user_0'],
      [queued[1]!.id, 70, 'lucas', 'user_1'],
      [queued[2]!.id, 60, 'maya', 'user_2'],
    ]);
    const first = cards[0]!;
    expect(first.description).toBe('<script>alert(1)</script> VP Growth');
    expect(first.reasons).toBe('+90 title matches');
    expect(first.post).toEqual({ id: xid(1000), text: 'anyone recommend a CRM? #0', createdAt: AT });
    expect(first.actions.map((a) => [a.id, a.kind, a.status, a.accountHandle])).toEqual([
      [like!.id, 'like', 'planned', 'maya_sells'],
      [follow!.id, 'follow', 'done', 'maya_sells'],
    ]);
    expect(first.signals).toEqual([{ kind: 'followed_back', occurredAt: minutesAfter(30) }]);
    expect(first.heldReply).toBe(false);
    expect(first.followersCount).toBe(100);
    expect(first.queuedOn).toBe(DAY);
    expect(cards[1]!.heldReply).toBe(true);
    expect(cards[1]!.actions).toEqual([]);

    expect((await todayQueue(t.db, { day: DAY, owner: 'lucas' })).map((c) => c.id)).toEqual([queued[1]!.id]);
    await decideLead(t.db, { lead: top.id, to: 'contacted', actor: 'maya', at: minutesAfter(60) });
    expect((await todayQueue(t.db, { day: DAY, state: 'contacted' })).map((c) => c.id)).toEqual([top.id]);
    expect(await todayQueue(t.db, { day: DAY, persona: 'other' })).toEqual([]);
    expect(await todayQueue(t.db, { day: '2026-11-03' })).toEqual([]);
    await expect(todayQueue(t.db, { day: '2/11/2026' })).rejects.toThrow(/todayQueue: day must be 'YYYY-MM-DD', got '2\/11\/2026'/);
  });

  it("a lead's history: matches across personas, scores then and now, decisions with notes", async () => {
    const [lead] = await world('saas-en', [80]);
    await upsertMatches(t.db, [{ persona: 'saas-fr', prospectId: xid(0), postId: xid(1000), seenAt: minutesAfter(5) }]);
    await saveScores(t.db, [{ persona: 'saas-fr', prospectId: xid(0), score: 55, components: {}, explanation: '+55 fr', scoredAt: minutesAfter(5) }]);
    await saveScores(t.db, [{ persona: 'saas-en', prospectId: xid(0), score: 88, components: {}, explanation: '+88 now', scoredAt: minutesAfter(10) }]);
    await decideLead(t.db, { lead: lead!.id, to: 'contacted', actor: 'maya', note: 'sent a DM', at: minutesAfter(20) });

    const h = await leadHistory(t.db, lead!.id);
    expect(h?.matches.map((m) => [m.persona, m.score, m.lead?.id ?? null, m.post?.id])).toEqual([
      ['saas-en', 88, lead!.id, xid(1000)],
      ['saas-fr', 55, null, xid(1000)],
    ]);
    expect(h?.scores.map((s) => [s.persona, s.queued, s.queuedOn, s.now])).toEqual([
      ['saas-en', 80, DAY, 88],
      ['saas-fr', null, null, 55],
    ]);
    expect(h?.notes).toEqual([{ at: minutesAfter(20), actor: 'maya', toState: 'contacted', note: 'sent a DM' }]);
    expect(h?.events.map((e) => e.toState)).toEqual(['new', 'contacted']);
    expect(h?.heldReply).toBe(false);
    expect(await leadHistory(t.db, 424242)).toBeUndefined();
  });

  it("a persona's funnel: each stage, the score histogram, reads and cost per queued lead and per reply", async () => {
    const queued = await world('saas-en', [95, 85, 75, 65, 30, 20]);
    expect(queued).toHaveLength(4);
    await ensureAccounts(t.db, [{ handle: 'maya_sells', owner: 'maya' }], AT);
    await saveAccountUserId(t.db, 'maya_sells', ACCOUNT, AT);
    const planned = await planActions(
      t.db,
      [0, 1].map((i) => ({ account: ACCOUNT, kind: 'follow' as const, target: xid(i), prospectId: xid(i), persona: 'saas-en' })),
      AT,
    );
    for (const a of planned) {
      await claimAction(t.db, { id: a.id, workerId: 'w', actor: 'maya', checks: [], at: minutesAfter(1) });
      await finishAction(t.db, { id: a.id, status: 'done', at: minutesAfter(2) });
    }
    await addSignals(
      t.db,
      [
        { prospectId: xid(0), account: ACCOUNT, kind: 'followed_back', occurredAt: minutesAfter(60) },
        // Before anything was done towards them, and towards someone never engaged: not engaging back.
        { prospectId: xid(1), account: ACCOUNT, kind: 'mentioned', postId: xid(7001), occurredAt: minutesAfter(1) },
        { prospectId: xid(5), account: ACCOUNT, kind: 'mentioned', postId: xid(7002), occurredAt: minutesAfter(60) },
      ],
      minutesAfter(60),
    );
    await decideLead(t.db, { lead: queued[0]!.id, to: 'won', actor: 'maya', at: minutesAfter(90) });
    // Contacted, then put aside: it still went as far as contacted.
    await decideLead(t.db, { lead: queued[3]!.id, to: 'contacted', actor: 'lucas', at: minutesAfter(80) });
    await decideLead(t.db, { lead: queued[3]!.id, to: 'not_a_fit', reason: 'not_in_market', actor: 'lucas', at: minutesAfter(85) });
    await decideLead(t.db, { lead: queued[1]!.id, to: 'contacted', actor: 'lucas', at: minutesAfter(90) });
    await decideLead(t.db, { lead: queued[2]!.id, to: 'replied', actor: 'maya', at: minutesAfter(90) });
    await addReads(t.db, { persona: 'saas-en', day: DAY, posts: 100, users: 40, requests: 2, costUsd: 0.8 });
    await addReads(t.db, { persona: 'saas-en', day: '2026-10-01', posts: 999, costUsd: 9 });

    const f = await personaFunnel(t.db, { persona: 'saas-en', from: DAY, to: DAY, minScore: 50 });
    expect(f.stages).toEqual([
      { stage: 'found', count: 6 },
      { stage: 'matched', count: 4 },
      { stage: 'engaged', count: 2 },
      { stage: 'engaged back', count: 1 },
      { stage: 'queued', count: 4 },
      { stage: 'contacted', count: 4 },
      { stage: 'replied', count: 2 },
      { stage: 'won', count: 1 },
    ]);
    expect(f.scores.map((b) => b.count)).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 1, 1]);
    expect(f.scores[9]).toEqual({ from: 90, to: 100, count: 1 });
    expect(f.reads).toEqual({ posts: 100, users: 40, requests: 2, costUsd: 0.8 });
    expect(f.costPerQueuedLead).toBeCloseTo(0.2);
    expect(f.costPerReply).toBeCloseTo(0.4);
    // Found and matched count matches found in the period whatever their score; without a minimum, all of them.
    expect((await personaFunnel(t.db, { persona: 'saas-en', from: DAY, to: DAY })).stages[1]).toEqual({ stage: 'matched', count: 6 });

    const later = await personaFunnel(t.db, { persona: 'saas-en', from: '2026-11-03', to: '2026-11-30' });
    expect(later.stages.every((s) => s.count === 0)).toBe(true);
    expect(later.costPerQueuedLead).toBeNull();
    await expect(personaFunnel(t.db, { persona: 'saas-en', from: '2026-11-05', to: DAY })).rejects.toThrow(/from \(2026-11-05\) is after to \(2026-11-02\)/);
  });

  it('activity: action totals and errors, open budget windows, runs with their outcome lines, the pause, answers lost', async () => {
    await world('saas-en', [90, 80]);
    await ensureAccounts(t.db, [{ handle: 'maya_sells', owner: 'maya' }], AT);
    await saveAccountUserId(t.db, 'maya_sells', ACCOUNT, AT);
    const [ok, bad] = await planActions(
      t.db,
      [0, 1].map((i) => ({ account: ACCOUNT, kind: 'follow' as const, target: xid(i), prospectId: xid(i), persona: 'saas-en' })),
      AT,
    );
    const checks = [{ scope: 'x', window: 'day' as const, limit: 400, lengthMs: 86_400_000 }];
    await claimAction(t.db, { id: ok!.id, workerId: 'w', actor: 'maya', checks, at: minutesAfter(1) });
    await finishAction(t.db, { id: ok!.id, status: 'done', at: minutesAfter(2) });
    await claimAction(t.db, { id: bad!.id, workerId: 'w', actor: 'maya', checks, at: minutesAfter(3) });
    await finishAction(t.db, { id: bad!.id, status: 'failed', error: 'X answered 403: forbidden', at: minutesAfter(4) });
    const run = await startRun(t.db, { job: 'search', persona: 'saas-en', workerId: 'w', at: minutesAfter(5) });
    await finishRun(t.db, { id: run!, status: 'failed', error: 'X answered 503', at: minutesAfter(6) });
    await pauseAll(t.db, { reason: 'deploying', by: 'ops', at: minutesAfter(7) });

    const a = await activity(t.db, { since: AT, at: minutesAfter(10) });
    expect(a.totals).toEqual([
      { kind: 'follow', status: 'done', count: 1 },
      { kind: 'follow', status: 'failed', count: 1 },
    ]);
    expect(a.actions.map((x) => [x.id, x.status, x.accountHandle, x.username])).toEqual([
      [bad!.id, 'failed', 'maya_sells', 'user_1'],
      [ok!.id, 'done', 'maya_sells', 'user_0'],
    ]);
    expect(a.errors.map((x) => [x.id, x.error])).toEqual([[bad!.id, 'X answered 403: forbidden']]);
    expect(a.budgets.map((b) => [b.accountHandle, b.kind, b.scope, b.window, b.used, b.limit])).toEqual([['maya_sells', 'follow', 'x', 'day', 2, 400]]);
    expect(a.runs.map((r) => [r.job, r.persona, r.status, r.error])).toEqual([['search', 'saas-en', 'failed', 'X answered 503']]);
    expect(a.pause?.reason).toBe('deploying');
    // A day later the windows have closed and nothing happened since.
    const tomorrow = await activity(t.db, { since: minutesAfter(24 * 60), at: minutesAfter(25 * 60) });
    expect([tomorrow.budgets, tomorrow.actions, tomorrow.runs, tomorrow.totals, tomorrow.unsettled]).toEqual([[], [], [], [], []]);
    // A like whose answer was lost: listed until reading X settles it, with its attempts, whenever it was sent.
    const [lost] = await planActions(t.db, [{ account: ACCOUNT, kind: 'like', target: '1900000000000000001', prospectId: xid(0), persona: 'saas-en' }], minutesAfter(24 * 60));
    await claimAction(t.db, { id: lost!.id, workerId: 'w', actor: 'engage', checks, at: minutesAfter(24 * 60 + 1) });
    await abandonAction(t.db, { id: lost!.id, error: 'ECONNRESET; outcome unknown: settled by reading X', workerId: 'w' });
    const later = await activity(t.db, { since: minutesAfter(30 * 24 * 60), at: minutesAfter(30 * 24 * 60) });
    expect(later.unsettled.map((x) => [x.id, x.kind, x.status, x.attempts, x.accountHandle, x.error])).toEqual([[lost!.id, 'like', 'pending', 0, 'maya_sells', 'ECONNRESET; outcome unknown: settled by reading X']]);
  });

  it('the do-not-contact page: the list, searched by handle prefix or X user id, and its history', async () => {
    await world('saas-en', [90]);
    await upsertProspects(t.db, [prospectInput(7, { username: 'Ada_Lovelace' }), prospectInput(8, { username: 'ada100' }), prospectInput(9, { username: 'a_da' })]);
    for (const [i, m] of [7, 8, 9].entries()) await addDoNotContact(t.db, { prospectId: xid(m), reason: `reason ${m}`, source: 'manual', addedBy: 'ops', at: minutesAfter(i) });
    await addDoNotContact(t.db, { prospectId: '42', reason: 'asked by email', source: 'manual', addedBy: 'ops', at: minutesAfter(5) });

    const all = await doNotContactPage(t.db);
    expect(all.entries.map((e) => [e.prospectId, e.username])).toEqual([
      ['42', null],
      [xid(9), 'a_da'],
      [xid(8), 'ada100'],
      [xid(7), 'Ada_Lovelace'],
    ]);
    expect(all.history).toHaveLength(4);
    expect(all.history[0]!.prospectId).toBe('42');
    expect((await doNotContactPage(t.db, { search: '@ada' })).entries.map((e) => e.username)).toEqual(['ada100', 'Ada_Lovelace']);
    // '_' is a character here, not LIKE's wildcard.
    expect((await doNotContactPage(t.db, { search: 'a_' })).entries.map((e) => e.username)).toEqual(['a_da']);
    expect((await doNotContactPage(t.db, { search: '42' })).entries.map((e) => e.reason)).toEqual(['asked by email']);
    expect((await doNotContactPage(t.db, { search: '  ' })).search).toBeNull();
  });
});
