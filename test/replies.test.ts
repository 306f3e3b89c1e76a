import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ensureAccounts, getAccount } from '../db/accounts.ts';
import { listActions } from '../db/actions.ts';
import { addDoNotContact, doNotContactHistory, isDoNotContact, listDoNotContact, removeDoNotContact } from '../db/do-not-contact.ts';
import { engageCandidates } from '../db/engage.ts';
import { buildQueue, decideLead, findLead, listQueue, type Lead } from '../db/leads.ts';
import { heldRepliesOf, listReplies } from '../db/replies.ts';
import { leadEvents, leads, matches, posts, replies, signals as signalsTable } from '../db/schema.ts';
import type { JobContext } from '../jobs/context.ts';
import engage from '../jobs/engage.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import signals from '../jobs/signals.ts';
import { printLead, printQueue } from '../src/commands/pipeline.ts';
import { printReplies } from '../src/commands/replies.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import type { WorkerConfig } from '../src/config/worker.ts';
import { actOnLead } from '../src/engage/assist.ts';
import { performAction, type EngageDeps } from '../src/engage/perform.ts';
import { decideReply, ReplyDecisionError } from '../src/engage/replies/decide.ts';
import { silentLogger } from '../src/log.ts';
import { XDoor, type AccountStore } from '../src/x/door.ts';
import { describeEachDatabase, type TestDatabase } from './support/db.ts';
import { jobContext } from './support/context.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * What happens after a reply is read, end to end, on both databases, with the real client against
 * the sandbox: a prospect answers one of the team's accounts (the sandbox's `say` route), the
 * signals job reads it, and then do-not-contact, a held reply pausing engagement, a person's
 * decision, warming and scores. Each test has its own sandbox and clock.
 *
 * The texts are the ones the product must read right. "pls stop liking my posts bot" is an
 * opt-out for any reader; "stop the presses, this is great" is a normal reply only for a reader
 * that knows a look-alike (the phrase matcher behind today's reader takes it for an opt-out).
 * No text makes today's reader answer `doubtful`, so the tests of held replies run the job with a
 * reader that reads DOUBTFUL so and everything else as the product's reader does.
 */

const OPT_OUT = 'pls stop liking my posts bot';
const LOOK_ALIKE = 'stop the presses, this is great';
const NORMAL = 'thanks for the follow, love what you share about growth';
const DOUBTFUL = 'why does a sales account keep liking everything I post?';


let sb: TestSandbox;
let config: LoadedConfig;
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 5 };

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
beforeEach(async () => {
  sb = await startTestSandbox({ users: 3000 });
});
afterEach(async () => {
  await sb?.close();
});

interface Logged {
  seq: number;
  method: string;
  path: string;
  body: Record<string, string> | null;
  user: string | null;
  status: number;
}

async function requestsSince(seq: number): Promise<Logged[]> {
  return (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}`)).requests;
}
const lastSeq = async () => (await requestsSince(0)).at(-1)?.seq ?? 0;
const writes = (log: Logged[]) => log.filter((r) => r.method === 'POST' && r.status === 200 && /\/2\/users\/\d+\/(likes|following)$/.test(r.path));

/**
 * growth-saas-en with its engagement settings changed; signals weigh a quarter of the score (loaded
 * weights sum to 1), so one reply visibly moves it.
 */
function growth(engagement: Partial<Persona['engagement']> = {}): Persona {
  const base = structuredClone(config.personas.find((p) => p.id === 'growth-saas-en')!) as Persona;
  const others = 1 - base.weights.signals;
  const weights = Object.fromEntries(Object.entries(base.weights).map(([k, w]) => [k, k === 'signals' ? 0.25 : (w * 0.75) / others])) as Persona['weights'];
  return { ...base, weights, engagement: { ...base.engagement, threshold: 20, ...engagement } };
}

function worker(): WorkerConfig {
  return { ...config.worker, engagement: { ...config.worker.engagement, warmup: [1], jitter_seconds: [0, 0] } };
}

function store(t: TestDatabase): AccountStore {
  return {
    load: (handle) => getAccount(t.db, handle),
    saveUserId: async () => {},
    saveTokens: async () => {},
  };
}

describeEachDatabase('replies read by signals, and what follows', (t) => {
  let door: XDoor;
  const now = () => new Date(sb.clock.now());
  const ctx = (p: Persona, over: Partial<JobContext> = {}): JobContext => jobContext({ db: t.db, x: door, now, config: { worker: worker(), personas: [p] } }, { pacing: false, ...over });
  const deps = (p: Persona): EngageDeps => ({ db: t.db, door, log: silentLogger(), now, workerId: 'test-clicker', tier: 'payperuse', personas: [p], engagement: worker().engagement });

  beforeEach(async () => {
    // The next weekday's 09:00 UTC: growth-saas-en's working day opens (London, November).
    const start = now();
    const next = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + 1, 9));
    while (next.getUTCDay() === 0 || next.getUTCDay() === 6) next.setUTCDate(next.getUTCDate() + 1);
    await sb.advance((next.getTime() - start.getTime()) / 1000);
    await t.reset();
    door?.close();
    door = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, store: store(t), now });
    await ensureAccounts(t.db, door.handles.map((handle) => ({ handle, owner: door.ownerOf(handle)! })), now());
    for (const handle of door.handles) await t.db.execute(sql`update accounts set x_user_id = ${(await door.account(handle)).cachedUserId!} where handle = ${handle.toLowerCase()}`);
    const p = growth();
    await search(ctx(p));
    await score(ctx(p));
    // Followers read once: a baseline, so later runs read only what is new.
    await signals(ctx(p));
  });
  afterEach(() => door?.close());

  interface Prospect {
    id: string;
    username: string;
    lead: Lead;
  }

  /** Queues the persona's best matches; returns the `n` best leads, nothing planned for them yet. */
  async function queued(p: Persona, n: number): Promise<Prospect[]> {
    await buildQueue(t.db, { persona: p.id, day: now().toISOString().slice(0, 10), perDay: 10, minScore: 0, owners: ['maya'], at: now() });
    const found: Prospect[] = [];
    for (const lead of await t.db.select().from(leads).orderBy(sql`${leads.score} desc`, leads.id).limit(n)) {
      found.push({ id: lead.prospectId, username: (await findLead(t.db, lead.id))!.username, lead });
    }
    return found;
  }

  /**
   * Queues the persona's best matches and plans their likes and follows (assist: nothing sent).
   * Returns `n` people with a lead and both a like and a follow planned, best first.
   */
  async function queuedAndPlanned(p: Persona, n: number): Promise<Prospect[]> {
    await queued(p, n);
    await engage(ctx({ ...p, engagement: { ...p.engagement, mode: 'assist' } }));
    const planned = await listActions(t.db, { statuses: ['planned'] });
    const found: Prospect[] = [];
    for (const lead of await t.db.select().from(leads).orderBy(sql`${leads.score} desc`, leads.id)) {
      const theirs = planned.filter((a) => a.prospectId === lead.prospectId);
      if (!theirs.some((a) => a.kind === 'like') || !theirs.some((a) => a.kind === 'follow')) continue;
      const detail = (await findLead(t.db, lead.id))!;
      found.push({ id: lead.prospectId, username: detail.username, lead });
      if (found.length === n) break;
    }
    if (found.length < n) throw new Error(`only ${found.length} leads with a like and a follow planned, wanted ${n}`);
    return found;
  }

  /** The prospect answers @maya_sells with these words; the clock moves past the minute, so the post is in her mentions. */
  async function answer(who: Prospect, text: string, kind: 'reply' | 'mention' = 'reply'): Promise<void> {
    await sb.admin('/__sandbox/say', { method: 'POST', body: { from: who.username, to: 'maya_sells', text, kind } });
    await sb.advance(120);
  }

  /** Likes and follows sent (200) towards the person since `seq`. */
  async function touches(who: Prospect, seq: number): Promise<Logged[]> {
    const theirPosts = new Set((await t.db.select({ id: posts.xPostId }).from(posts).where(eq(posts.authorId, who.id))).map((r) => r.id));
    return writes(await requestsSince(seq)).filter((r) => r.body?.target_user_id === who.id || theirPosts.has(r.body?.tweet_id ?? ''));
  }

  async function replyOf(who: Prospect) {
    const found = await t.db.select().from(replies).where(eq(replies.prospectId, who.id));
    expect(found).toHaveLength(1);
    return found[0]!;
  }
  async function signalKinds(who: Prospect): Promise<string[]> {
    return (await t.db.select({ kind: signalsTable.kind }).from(signalsTable).where(eq(signalsTable.prospectId, who.id))).map((s) => s.kind).sort();
  }
  async function leadOf(who: Prospect) {
    const [lead] = await t.db.select().from(leads).where(eq(leads.id, who.lead.id));
    return lead!;
  }
  async function matchScore(who: Prospect): Promise<number> {
    const [m] = await t.db.select({ score: matches.score }).from(matches).where(and(eq(matches.prospectId, who.id), eq(matches.persona, 'growth-saas-en')));
    return m!.score!;
  }

  it('the sandbox puts a reply with the given words in the account\'s mentions, and refuses what it cannot do', async () => {
    const [who] = await queuedAndPlanned(growth(), 1);
    const said = await sb.admin<{ visible_from: string; kind: string }>('/__sandbox/say', { method: 'POST', body: { from: `@${who!.username}`, to: 'maya_sells', text: NORMAL, kind: 'mention' } });
    expect(Date.parse(said.visible_from)).toBeGreaterThan(sb.clock.now());
    const maya = await door.account('maya_sells');
    const before = [];
    for await (const page of maya.mentions({ maxPages: 1 })) before.push(...page.posts.filter((post) => post.author_id === who!.id));
    expect(before).toHaveLength(0);
    await sb.advance(120);
    const after = [];
    for await (const page of maya.mentions({ maxPages: 1 })) after.push(...page.posts.filter((post) => post.author_id === who!.id));
    expect(after.map((post) => post.text)).toEqual([`@maya_sells ${NORMAL}`]);
    await expect(sb.admin('/__sandbox/say', { method: 'POST', body: { from: 'nobody_at_all_x', to: 'maya_sells', text: 'hi' } })).rejects.toThrow(/400 .*from: expected the username or id of a sandbox user/);
    await expect(sb.admin('/__sandbox/say', { method: 'POST', body: { from: who!.username, to: 'maya_sells', text: 'hi', kind: 'dm' } })).rejects.toThrow(/400 .*kind: expected .*reply.* or .*mention/);
    await expect(sb.admin('/__sandbox/say', { method: 'POST', body: { from: who!.username, to: 'someone', text: 'hi' } })).rejects.toThrow(/400 .*to: expected one of maya_sells/);
  });

  it(`"${OPT_OUT}": on do-not-contact before the next engage run, and never engaged again (auto runs send nothing to them, a click is refused)`, async () => {
    const p = growth();
    const [who] = await queuedAndPlanned(p, 1);
    const leadScore = (await leadOf(who!)).score;
    const before = await matchScore(who!);
    await answer(who!, OPT_OUT);

    const read = await signals(ctx(p));
    expect(read.counts.opt_outs).toBeGreaterThanOrEqual(1);
    const reply = await replyOf(who!);
    expect(reply).toMatchObject({ outcome: 'opt_out', held: false, decision: null, text: `@maya_sells ${OPT_OUT}` });
    expect(await isDoNotContact(t.db, who!.id)).toBe(true);
    // The history links the reply that asked.
    expect(await doNotContactHistory(t.db, { prospectId: who!.id })).toEqual([expect.objectContaining({ change: 'added', actor: 'system', source: 'opt_out', replyId: reply.id })]);
    expect(await signalKinds(who!)).toEqual(['opt_out']);
    const lead = await leadOf(who!);
    expect(lead).toMatchObject({ state: 'do_not_contact', warmAt: null, score: leadScore });
    expect(await matchScore(who!)).toBeLessThanOrEqual(before);
    expect(await matchScore(who!)).toBe(0);

    // Engage in auto mode through the day: others are liked and followed, never them.
    const auto = growth({ mode: 'auto' });
    const seq = await lastSeq();
    for (let hour = 0; hour < 4; hour++) {
      await engage(ctx(auto));
      await sb.advance(3600);
    }
    expect(writes(await requestsSince(seq)).length).toBeGreaterThan(0);
    expect(await touches(who!, seq)).toEqual([]);
    // A salesperson's click is refused too.
    const detail = (await findLead(t.db, who!.lead.id))!;
    for (const kind of ['like', 'follow'] as const) {
      const clicked = await actOnLead(deps(auto), detail, kind, 'maya');
      expect(clicked).toMatchObject({ status: 'nothing', reason: expect.stringContaining('cancelled') });
    }
    expect(await touches(who!, seq)).toEqual([]);
  });

  // Passes once the reply reader tells a look-alike from a request to stop (today's phrase matcher
  // reads "stop" in it).
  it(`"${LOOK_ALIKE}": stays a lead, turns warm, its score goes up`, async () => {
    const p = growth();
    const [who] = await queuedAndPlanned(p, 1);
    const leadScore = (await leadOf(who!)).score;
    await answer(who!, LOOK_ALIKE);

    const read = await signals(ctx(p));
    expect(read.counts.replied).toBeGreaterThanOrEqual(1);
    expect(await replyOf(who!)).toMatchObject({ outcome: 'other', held: false });
    expect(await isDoNotContact(t.db, who!.id)).toBe(false);
    expect(await signalKinds(who!)).toEqual(['replied']);
    const lead = await leadOf(who!);
    expect(lead.state).toBe('new');
    expect(lead.warmAt).not.toBeNull();
    expect(lead.score).toBeGreaterThan(leadScore);
  });

  it('a doubtful reply pauses engagement at once, shows in prospector replies and on the lead; confirm puts them on do-not-contact, once', async () => {
    const p = growth();
    const [who, other] = await queued(p, 2);
    const leadScore = (await leadOf(who!)).score;
    const before = await matchScore(who!);
    await answer(who!, DOUBTFUL);

    const read = await signals(ctx(p));
    expect(read.counts.held).toBe(1);
    expect(read.summary).toMatch(/@maya_sells \d+ mentions? \(1 held\)/);
    const reply = await replyOf(who!);
    expect(reply).toMatchObject({ outcome: 'doubtful', held: true, decision: null });
    // Not a reply as far as scores go: no signal, nothing warm, no score raised.
    expect(await signalKinds(who!)).toEqual([]);
    expect(await leadOf(who!)).toMatchObject({ state: 'new', warmAt: null, score: leadScore });
    expect(await matchScore(who!)).toBe(before);
    expect(await isDoNotContact(t.db, who!.id)).toBe(false);

    // Engagement paused: engage leaves them out, sends them nothing; a click is refused with what to do.
    const candidates = await engageCandidates(t.db, { persona: p.id, threshold: 0, at: now(), limit: 100_000 });
    expect(candidates.some((c) => c.prospect_id === other!.id)).toBe(true);
    expect(candidates.some((c) => c.prospect_id === who!.id)).toBe(false);
    const auto = growth({ mode: 'auto' });
    const seq = await lastSeq();
    await engage(ctx(auto));
    await sb.advance(3600);
    await engage(ctx(auto));
    expect(await listActions(t.db, { prospectId: other!.id })).not.toEqual([]);
    expect(await listActions(t.db, { prospectId: who!.id })).toEqual([]);
    expect(await touches(who!, seq)).toEqual([]);
    const refused = await actOnLead(deps(p), (await findLead(t.db, who!.lead.id))!, 'follow', 'maya');
    expect(refused).toMatchObject({ status: 'refused', kind: 'reply_held', reason: expect.stringContaining(`prospector replies confirm ${reply.id} or dismiss ${reply.id}`) });
    expect(await touches(who!, seq)).toEqual([]);

    // Where people look: prospector replies, the queue, the lead.
    const listed = await listReplies(t.db);
    expect(listed.map((r) => r.id)).toEqual([reply.id]);
    expect(listed[0]).toMatchObject({ username: who!.username, leads: [{ id: who!.lead.id, persona: 'growth-saas-en', state: 'new' }] });
    const printed = printReplies(listed, false);
    expect(printed).toMatch(new RegExp(`^\\s*${reply.id}\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\s+@${who!.username}\\s+@maya_sells\\s+#${who!.lead.id} growth-saas-en\\s+doubtful, held\\s+may ask to stop.*\\s+@maya_sells why does a sales`, 'm'));
    const held = await heldRepliesOf(t.db, [who!.id, other!.id]);
    const queue = printQueue(await listQueue(t.db), 'table', held);
    expect(queue).toMatch(new RegExp(`#${who!.lead.id} @${who!.username}: possible opt-out: reply ${reply.id} to @maya_sells "@maya_sells why does`));
    expect(queue.match(/possible opt-out: reply/g)).toHaveLength(1);
    expect(printLead((await findLead(t.db, who!.lead.id))!, held.get(who!.id))).toContain(`possible opt-out: reply ${reply.id}`);

    // A person confirms: do-not-contact, by them, linked to the reply; held no more.
    const decided = await decideReply({ db: t.db, config: { personas: [p] }, now: now() }, { id: reply.id, verdict: 'confirm', actor: 'maya', note: 'asked on the phone too' });
    expect(decided.message).toMatch(new RegExp(`^reply ${reply.id} confirmed as an opt-out: @${who!.username} is now on the do-not-contact list; 1 lead closed$`));
    expect(await replyOf(who!)).toMatchObject({ held: false, decision: 'confirmed', decidedBy: 'maya', decidedAt: now(), note: 'asked on the phone too' });
    const [entry] = await listDoNotContact(t.db, { prospectId: who!.id });
    expect(entry).toMatchObject({ source: 'opt_out', addedBy: 'maya', reason: 'asked on the phone too', replyId: reply.id });
    expect(await leadOf(who!)).toMatchObject({ state: 'do_not_contact', warmAt: null });
    expect(await matchScore(who!)).toBe(0);
    expect(await listReplies(t.db)).toEqual([]);
    // Twice: a clear refusal, nothing written again.
    const events = await doNotContactHistory(t.db);
    const again = await decideReply({ db: t.db, config: { personas: [p] }, now: now() }, { id: reply.id, verdict: 'dismiss', actor: 'lucas' }).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ReplyDecisionError);
    expect((again as ReplyDecisionError).reason).toBe('already_decided');
    expect((again as Error).message).toMatch(new RegExp(`^reply ${reply.id} was already confirmed by maya at \\S+Z: a reply is decided once`));
    expect(await doNotContactHistory(t.db)).toEqual(events);
    expect(await replyOf(who!)).toMatchObject({ decision: 'confirmed', decidedBy: 'maya' });
  });

  it('dismissing a doubtful reply resumes engagement, counts it as a reply: the lead warms and its score goes up', async () => {
    const p = growth();
    const [who] = await queuedAndPlanned(p, 1);
    const leadScore = (await leadOf(who!)).score;
    await answer(who!, DOUBTFUL);
    await signals(ctx(p));
    const reply = await replyOf(who!);
    expect(reply.held).toBe(true);
    const [like] = await listActions(t.db, { prospectId: who!.id, kind: 'like', statuses: ['planned'] });
    expect(await performAction(deps(p), like!.id, 'maya')).toMatchObject({ status: 'refused', kind: 'reply_held' });
    // Auto mode passes over their planned actions (the best match's) without trying them: others go.
    const held = await lastSeq();
    const auto = await engage(ctx(growth({ mode: 'auto' })));
    expect(auto.counts).toMatchObject({ refused: 0 });
    expect(auto.counts.performed).toBeGreaterThan(0);
    expect(await touches(who!, held)).toEqual([]);

    const decided = await decideReply({ db: t.db, config: { personas: [p] }, now: now() }, { id: reply.id, verdict: 'dismiss', actor: 'maya' });
    expect(decided.message).toMatch(/dismissed: counted as a normal (reply|mention); engagement with @\S+ resumes; 1 lead warm$/);
    expect(await replyOf(who!)).toMatchObject({ held: false, decision: 'dismissed', decidedBy: 'maya' });
    expect(await signalKinds(who!)).toEqual([reply.kind === 'reply' ? 'replied' : 'mentioned']);
    const lead = await leadOf(who!);
    expect(lead.state).toBe('new');
    expect(lead.warmAt).toEqual(reply.postedAt);
    expect(lead.score).toBeGreaterThan(leadScore);
    expect(lead.score).toBe(await matchScore(who!));
    expect(await isDoNotContact(t.db, who!.id)).toBe(false);
    // Engagement resumes: the click goes through.
    const seq = await lastSeq();
    expect(await performAction(deps(p), like!.id, 'maya')).toMatchObject({ status: 'done' });
    expect(await touches(who!, seq)).toHaveLength(1);
    // Twice: refused.
    await expect(decideReply({ db: t.db, config: { personas: [p] }, now: now() }, { id: reply.id, verdict: 'dismiss', actor: 'maya' })).rejects.toThrow(/already dismissed by maya/);
  });

  it('an opt-out or doubtful reply never raises a score nor warms a lead, where a normal reply does', async () => {
    const p = growth();
    const [optOut, doubtful, normal] = await queuedAndPlanned(p, 3);
    const before = new Map<string, { lead: number; match: number }>();
    for (const who of [optOut!, doubtful!, normal!]) before.set(who.id, { lead: (await leadOf(who)).score, match: await matchScore(who) });
    await answer(optOut!, OPT_OUT, 'mention');
    await answer(doubtful!, DOUBTFUL, 'mention');
    await answer(normal!, NORMAL, 'mention');

    const read = await signals(ctx(p));
    expect(read.counts).toMatchObject({ held: 1 });
    expect(read.summary).toMatch(/@maya_sells \d+ mentions \(\d+ opt-outs?, 1 held\)/);
    for (const who of [optOut!, doubtful!]) {
      const lead = await leadOf(who);
      expect(lead.warmAt).toBeNull();
      expect(lead.score).toBe(before.get(who.id)!.lead);
      expect(await matchScore(who)).toBeLessThanOrEqual(before.get(who.id)!.match);
    }
    // The same run with a normal reply: warm, and a higher score.
    const warm = await leadOf(normal!);
    expect(warm.warmAt).not.toBeNull();
    expect(warm.score).toBeGreaterThan(before.get(normal!.id)!.lead);
    expect(await signalKinds(normal!)).toEqual(['mentioned']);
    expect(await signalKinds(doubtful!)).toEqual([]);
    expect(await signalKinds(optOut!)).toEqual(['opt_out']);
    // Read again after a run cut short (the cursor put back): nothing changes, nothing twice.
    await t.db.execute(sql`delete from signal_cursors`);
    const stored = await t.db.select().from(replies).orderBy(replies.id);
    await signals(ctx(p));
    expect(await t.db.select().from(replies).orderBy(replies.id)).toEqual(stored);
    expect(await leadOf(doubtful!)).toMatchObject({ warmAt: null, score: before.get(doubtful!.id)!.lead });
  });

  it('do-not-contact by hand: added and removed with who and why, the leads it closed back where they were; never erased', async () => {
    const p = growth();
    const [who] = await queuedAndPlanned(p, 1);
    await decideLead(t.db, { lead: who!.lead.id, to: 'contacted', actor: 'maya', at: now() });
    const added = await addDoNotContact(t.db, { prospectId: who!.id, source: 'manual', addedBy: 'maya', reason: 'asked by email', at: now() });
    expect(added).toMatchObject({ added: true, leadsClosed: [who!.lead.id], actionsCancelled: 2 });
    // Added again: the first entry stands, no second history entry.
    expect((await addDoNotContact(t.db, { prospectId: who!.id, source: 'manual', addedBy: 'lucas', at: now() })).added).toBe(false);
    await sb.advance(600);
    const removed = await removeDoNotContact(t.db, { prospectId: who!.id, source: 'manual', removedBy: 'sofia', reason: 'wrong person', at: now() });
    expect(removed).toEqual({ removed: true, leadsReopened: [{ id: who!.lead.id, state: 'contacted' }], actionsReplanned: 2 });
    expect(await removeDoNotContact(t.db, { prospectId: who!.id, source: 'manual', removedBy: 'sofia', reason: 'again', at: now() })).toMatchObject({ removed: false });
    expect(await isDoNotContact(t.db, who!.id)).toBe(false);
    expect((await doNotContactHistory(t.db, { prospectId: who!.id })).map((e) => [e.change, e.actor, e.source, e.reason])).toEqual([
      ['added', 'maya', 'manual', 'asked by email'],
      ['removed', 'sofia', 'manual', 'wrong person'],
    ]);
    const trail = await t.db.select().from(leadEvents).where(eq(leadEvents.leadId, who!.lead.id)).orderBy(leadEvents.id);
    expect(trail.map((e) => [e.fromState, e.toState, e.actor])).toEqual([
      [null, 'new', 'system'],
      ['new', 'contacted', 'maya'],
      ['contacted', 'do_not_contact', 'maya'],
      ['do_not_contact', 'contacted', 'sofia'],
    ]);
    expect(trail.at(-1)?.note).toBe('off the do-not-contact list: wrong person');
    // Engagement may resume: a click goes through.
    const seq = await lastSeq();
    expect(await actOnLead(deps(p), (await findLead(t.db, who!.lead.id))!, 'follow', 'maya')).toMatchObject({ status: 'done' });
    expect(await touches(who!, seq)).toHaveLength(1);
  });

  it('a wrong automatic opt-out is reversed by dismissing it: off the list with history, lead reopened, the reply counted, the score back', async () => {
    const p = growth();
    const [who] = await queuedAndPlanned(p, 1);
    const leadScore = (await leadOf(who!)).score;
    await answer(who!, OPT_OUT);
    await signals(ctx(p));
    const reply = await replyOf(who!);
    expect(reply.outcome).toBe('opt_out');
    expect(await matchScore(who!)).toBe(0);
    // Automatic readings are listed with --all only.
    expect(await listReplies(t.db)).toEqual([]);
    expect((await listReplies(t.db, { all: true })).map((r) => r.id)).toContain(reply.id);

    const decided = await decideReply({ db: t.db, config: { personas: [p] }, now: now() }, { id: reply.id, verdict: 'dismiss', actor: 'maya', note: 'joking with us' });
    expect(decided.message).toContain(`@${who!.username} is off the do-not-contact list (1 lead reopened)`);
    expect(await isDoNotContact(t.db, who!.id)).toBe(false);
    expect((await doNotContactHistory(t.db, { prospectId: who!.id })).map((e) => [e.change, e.actor, e.source, e.replyId, e.reason])).toEqual([
      ['added', 'system', 'opt_out', reply.id, expect.stringMatching(/^asked to stop/)],
      ['removed', 'maya', 'reply', reply.id, 'joking with us'],
    ]);
    expect(await replyOf(who!)).toMatchObject({ outcome: 'opt_out', decision: 'dismissed', decidedBy: 'maya', note: 'joking with us', held: false });
    expect(await signalKinds(who!)).toEqual([reply.kind === 'reply' ? 'replied' : 'mentioned']);
    const lead = await leadOf(who!);
    expect(lead.state).toBe('new');
    expect(lead.warmAt).not.toBeNull();
    expect(lead.score).toBeGreaterThan(leadScore);
    expect(await matchScore(who!)).toBe(lead.score);
    const [last] = await t.db.select().from(leadEvents).where(eq(leadEvents.leadId, who!.lead.id)).orderBy(sql`${leadEvents.id} desc`).limit(1);
    expect(last).toMatchObject({ fromState: 'do_not_contact', toState: 'new', actor: 'maya' });
    // What the opt-out cancelled is planned again, and a click goes through.
    const seq = await lastSeq();
    expect(await actOnLead(deps(p), (await findLead(t.db, who!.lead.id))!, 'like', 'maya')).toMatchObject({ status: 'done' });
    expect(await touches(who!, seq)).toHaveLength(1);
  });
});
