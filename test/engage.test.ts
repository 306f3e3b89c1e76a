import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { clearStop, ensureAccounts, getAccount, listAccounts, pauseAccount, recordStop, resumeAccount } from '../db/accounts.ts';
import { listActions, planActions } from '../db/actions.ts';
import { addDoNotContact } from '../db/do-not-contact.ts';
import { buildQueue, findLead } from '../db/leads.ts';
import { rows } from '../db/rows.ts';
import type { JobContext } from '../jobs/context.ts';
import engage from '../jobs/engage.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import type { WorkerConfig } from '../src/config/worker.ts';
import { resetThrottle, throttleFactor } from '../db/engage.ts';
import { actOnLead } from '../src/engage/assist.ts';
import { performAction, type EngageDeps } from '../src/engage/perform.ts';
import { automationWarning, dueByNow, workingProgress } from '../src/engage/rules.ts';
import { silentLogger } from '../src/log.ts';
import { XDoor, type AccountStore } from '../src/x/door.ts';
import { describeEachDatabase, type TestDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { jobContext } from './support/context.ts';

/**
 * The engage job and the perform path against the sandbox over HTTP, on a frozen clock, on both
 * databases: planning within caps, assist versus auto, one request per action (no users/me),
 * never twice, do-not-contact, and what X's refusals do (429, 5xx, dropped answers, spam, an
 * expired token).
 */

let sb: TestSandbox;
let config: LoadedConfig;
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 5 };

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
// A sandbox of each test's own: its clock, request log, rate-limit windows and world start afresh.
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
  fault?: string;
}

async function requestsSince(seq: number): Promise<Logged[]> {
  const log = await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}`);
  return log.requests;
}
const lastSeq = async () => (await requestsSince(0)).at(-1)?.seq ?? 0;
const ok = (log: Logged[]) => log.filter((r) => r.status === 200);
const writes = (log: Logged[]) => log.filter((r) => r.method === 'POST' && /\/2\/users\/\d+\/(likes|following)$/.test(r.path));

/** Moves the sandbox clock to the next weekday's 09:00 UTC (09:00 in London in November): the working day opens. */
async function nextMorning(): Promise<void> {
  const now = new Date(sb.clock.now());
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1, 9));
  while (next.getUTCDay() === 0 || next.getUTCDay() === 6) next.setUTCDate(next.getUTCDate() + 1);
  await sb.advance((next.getTime() - now.getTime()) / 1000);
}

function persona(id: string, change: (p: Persona) => unknown = (p) => p): Persona {
  const base = config.personas.find((p) => p.id === id)!;
  return change(structuredClone(base) as Persona) as Persona;
}

/** Actions due now for a persona with full caps (warm-up off). */
function dueNow(p: Persona): { like: number; follow: number } {
  const { progress } = workingProgress(p, new Date(sb.clock.now()));
  return { like: dueByNow(p.engagement.like.per_day, progress), follow: dueByNow(p.engagement.follow.per_day, progress) };
}

/** growth-saas-en with its engagement settings changed. */
function growth(engagement: Partial<Persona['engagement']> = {}): Persona {
  return persona('growth-saas-en', (p) => ({ ...p, engagement: { ...p.engagement, threshold: 30, ...engagement } }));
}

function worker(over: Partial<WorkerConfig['engagement']> = {}): WorkerConfig {
  return { ...config.worker, engagement: { ...config.worker.engagement, warmup: [1], jitter_seconds: [0, 0], ...over } };
}

function store(t: TestDatabase): AccountStore {
  return {
    load: (handle) => getAccount(t.db, handle),
    saveUserId: async () => {},
    saveTokens: async (handle, tokens, origin) => {
      await t.db.execute(sql`update accounts set access_token = ${tokens.accessToken}, refresh_token = ${tokens.refreshToken ?? null}, token_origin = ${origin} where handle = ${handle.toLowerCase()}`);
    },
  };
}

describeEachDatabase('engage', (t) => {
  let door: XDoor;

  const ctx = (personas: readonly Persona[], over: Partial<JobContext> = {}): JobContext =>
    jobContext({ db: t.db, x: door, now: () => new Date(sb.clock.now()), config: { worker: worker(), personas } }, { pacing: false, ...over });

  const deps = (personas: readonly Persona[]): EngageDeps => ({
    db: t.db,
    door,
    log: silentLogger(),
    now: () => new Date(sb.clock.now()),
    workerId: 'test-clicker',
    tier: 'payperuse',
    personas,
    engagement: worker().engagement,
  });

  beforeEach(async () => {
    await nextMorning();
    await t.reset();
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    door?.close();
    door = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, store: store(t), now: () => new Date(sb.clock.now()) });
    await ensureAccounts(t.db, door.handles.map((handle) => ({ handle, owner: door.ownerOf(handle)! })), new Date(sb.clock.now()));
    for (const handle of door.handles) await t.db.execute(sql`update accounts set x_user_id = ${(await door.account(handle)).cachedUserId!} where handle = ${handle.toLowerCase()}`);
    const p = growth();
    await search(ctx([p]));
    await score(ctx([p]));
  });

  it('assist plans one like and one follow per match above the threshold, within caps, and sends nothing', async () => {
    const p = growth({ mode: 'assist' });
    const seq = await lastSeq();
    const result = await engage(ctx([p]));
    const planned = await listActions(t.db, { statuses: ['planned'] });
    // growth-saas-en is worked by maya alone: 20 likes and 10 follows a day (warm-up off here).
    expect(planned.filter((a) => a.kind === 'like').length).toBeLessThanOrEqual(20);
    expect(planned.filter((a) => a.kind === 'follow')).toHaveLength(10);
    expect(result.counts.planned).toBe(planned.length);
    expect(writes(await requestsSince(seq))).toHaveLength(0);
    // Likes target the person's own post; follows the person.
    const [like] = await rows<{ author_id: string; prospect_id: string }>(t.db, sql`select p.author_id, a.prospect_id from actions a join posts p on p.x_post_id = a.target where a.kind = 'like' limit 1`);
    expect(like?.author_id).toBe(like?.prospect_id);
    // Run again: the day's room is taken by what waits, nothing more is planned.
    expect((await engage(ctx([p]))).counts.planned).toBe(0);
  });

  it('off plans nothing; a dry run plans in the log only', async () => {
    expect((await engage(ctx([growth({ mode: 'off' })]))).counts.planned).toBe(0);
    const dry = await engage(ctx([growth({ mode: 'auto' })], { dryRun: true }));
    expect(dry.counts.planned).toBeGreaterThan(0);
    expect(await listActions(t.db)).toHaveLength(0);
  });

  it('auto performs what is due, one request per action and no users/me, and never the same target twice', async () => {
    const p = growth({ mode: 'auto' });
    const seq = await lastSeq();
    const first = await engage(ctx([p]));
    // 09:00 London: the working day opens; what is due by 09:30 goes (2 likes, 1 follow).
    const due = dueNow(p);
    expect(due).toEqual({ like: 2, follow: 1 });
    expect(first.counts.performed).toBe(3);
    const log = await requestsSince(seq);
    expect(log.filter((r) => r.path === '/2/users/me')).toHaveLength(0);
    expect(ok(writes(log))).toHaveLength(3);
    // Through the day: everything the caps allow, spread over the hours.
    for (let hour = 0; hour < 10; hour++) {
      await sb.advance(3600);
      await engage(ctx([p]));
    }
    const done = await listActions(t.db, { statuses: ['done'] });
    expect(done.filter((a) => a.kind === 'follow')).toHaveLength(10);
    expect(done.filter((a) => a.kind === 'like').length).toBeLessThanOrEqual(20);
    const all = ok(writes(await requestsSince(seq)));
    expect(all).toHaveLength(done.length);
    const targets = all.map((r) => `${r.user}|${r.path}|${JSON.stringify(r.body)}`);
    expect(new Set(targets).size).toBe(targets.length);
    // Budgets say the same.
    const [used] = await rows<{ used: number }>(t.db, sql`select coalesce(sum(used), 0)::int as used from budgets where scope = 'persona:growth-saas-en'`);
    expect(used?.used).toBe(done.length);
  });

  it('a click performs one planned action now and says what happened; a second click is refused', async () => {
    const p = growth({ mode: 'assist' });
    await engage(ctx([p]));
    const [follow] = await listActions(t.db, { statuses: ['planned'], kind: 'follow', limit: 1 });
    const seq = await lastSeq();
    const outcome = await performAction(deps([p]), follow!.id, 'maya');
    expect(outcome.status).toBe('done');
    expect(outcome.status === 'done' && outcome.message).toMatch(/^@maya_sells (follows|asked to follow) user \d+/);
    const again = await performAction(deps([p]), follow!.id, 'maya');
    expect(again).toMatchObject({ status: 'refused', kind: 'not_planned', reason: expect.stringContaining('is done') });
    expect(writes(await requestsSince(seq)).filter((r) => r.status === 200)).toHaveLength(1);
    const [row] = await listActions(t.db, { statuses: ['done'] });
    expect(row).toMatchObject({ actor: 'maya', sends: 1, workerId: null });
  });

  it("a click on a lead whose owner's account is paused acts as another of the persona's accounts, never as the paused one", async () => {
    const p = persona('growth-saas-en', (q) => ({ ...q, engagement: { ...q.engagement, mode: 'assist', threshold: 30 }, queue: { ...q.queue, owners: ['maya', 'lucas'] } }));
    const [queued] = await buildQueue(t.db, { persona: p.id, day: new Date(sb.clock.now()).toISOString().slice(0, 10), perDay: 1, minScore: 0, owners: ['maya'], at: new Date(sb.clock.now()) });
    const lead = (await findLead(t.db, queued!.id))!;
    expect(lead.owner).toBe('maya');
    await pauseAccount(t.db, 'maya_sells', 'X refused a follow (403)', new Date(sb.clock.now()));
    const ids = Object.fromEntries(sb.accounts.accounts.map((a) => [a.username, a.id]));
    const seq = await lastSeq();
    const outcome = await actOnLead(deps([p]), lead, 'follow', 'maya');
    expect(outcome).toMatchObject({ status: 'done', message: expect.stringMatching(/^@lucas_ventes /) });
    const sent = writes(await requestsSince(seq));
    expect(sent.map((r) => r.user)).toEqual([ids.lucas_ventes]);
    const [action] = await listActions(t.db, { prospectId: lead.prospectId, kind: 'follow' });
    expect(action).toMatchObject({ account: ids.lucas_ventes, status: 'done', actor: 'maya' });
    // The like goes through the same account: one person, one account.
    expect(await actOnLead(deps([p]), lead, 'like', 'maya')).toMatchObject({ status: 'done', message: expect.stringMatching(/^@lucas_ventes liked/) });
  });

  it('do-not-contact cancels planned actions and a click on one is refused', async () => {
    const p = growth({ mode: 'assist' });
    await engage(ctx([p]));
    const [like] = await listActions(t.db, { statuses: ['planned'], kind: 'like', limit: 1 });
    const dnc = await addDoNotContact(t.db, { prospectId: like!.prospectId, source: 'manual', addedBy: 'maya' });
    expect(dnc.actionsCancelled).toBeGreaterThanOrEqual(1);
    expect(await performAction(deps([p]), like!.id, 'maya')).toMatchObject({ status: 'refused', kind: 'not_planned', reason: expect.stringContaining('is cancelled') });
    // And engage never plans them again.
    await engage(ctx([p]));
    const again = await listActions(t.db, { prospectId: like!.prospectId });
    expect(again.every((a) => a.status === 'cancelled')).toBe(true);
  });

  it("a click while X's stop is in force is stopped with the stop's kind; on a paused account it is refused as such", async () => {
    const p = growth({ mode: 'assist' });
    await engage(ctx([p]));
    const [like] = await listActions(t.db, { statuses: ['planned'], kind: 'like', limit: 1 });
    await recordStop(t.db, { kind: 'credits_depleted', detail: 'X: no credit left (402)', at: new Date(sb.clock.now()) });
    expect(await performAction(deps([p]), like!.id, 'maya')).toMatchObject({ status: 'stopped', kind: 'credits_depleted', reason: 'X: no credit left (402)' });
    await clearStop(t.db, 'credits_depleted');
    await pauseAccount(t.db, 'maya_sells', 'a person paused it', new Date(sb.clock.now()));
    expect(await performAction(deps([p]), like!.id, 'maya')).toMatchObject({ status: 'refused', kind: 'account_paused', reason: expect.stringMatching(/^@maya_sells is paused: a person paused it/) });
  });

  it('a planned action is not planned twice, even by another persona', async () => {
    const p = growth({ mode: 'assist' });
    await engage(ctx([p]));
    const before = await listActions(t.db);
    const again = await planActions(t.db, before.map((a) => ({ account: a.account, kind: a.kind, target: a.target, prospectId: a.prospectId, persona: 'other' })));
    expect(again).toHaveLength(0);
  });

  it('a 429 storm defers the kind until the window resets, without a loop, and corrects the budget', async () => {
    const p = growth({ mode: 'auto' });
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'likes.create': { storm_429: 1 } } });
    const seq = await lastSeq();
    const result = await engage(ctx([p]));
    const log = writes(await requestsSince(seq)).filter((r) => r.status !== 401);
    expect(log.filter((r) => r.path.endsWith('/likes'))).toHaveLength(1);
    expect(log.filter((r) => r.path.endsWith('/likes'))[0]?.status).toBe(429);
    expect(result.counts.deferred).toBe(1);
    // The like went back to planned, and its persona unit was given back.
    expect((await listActions(t.db, { kind: 'like', statuses: ['pending', 'done'] })).length).toBe(0);
    const [window] = await rows<{ used: number; limit: number }>(t.db, sql`select used, "limit" from budgets where scope = 'x' and kind = 'like' and "window" = '15min'`);
    expect(window?.used).toBe(window?.limit);
    // A later run within the window sends nothing to likes: the budget knows.
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    await sb.advance(60);
    const seq2 = await lastSeq();
    await engage(ctx([p]));
    expect(writes(await requestsSince(seq2)).filter((r) => r.path.endsWith('/likes'))).toHaveLength(0);
    await sb.advance(15 * 60);
    await engage(ctx([p]));
    expect((await listActions(t.db, { kind: 'like', statuses: ['done'] })).length).toBeGreaterThan(0);
  });

  it('5xx answers are retried a bounded number of times; an unknown outcome is settled by reading X, sent again only when X has not done it, and never failed', async () => {
    const p = growth({ mode: 'auto' });
    // Likes: X acts but the answer is lost. Follows: X keeps answering 503.
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'follows.create': { error_503: 1 }, 'likes.create': { drop_after: 1 } } });
    const seq = await lastSeq();
    const due = dueNow(p);
    const first = await engage(ctx([p]));
    expect(first.counts.unknown).toBe(due.like + due.follow);
    const pending = await listActions(t.db, { statuses: ['pending'] });
    expect(pending).toHaveLength(due.like + due.follow);
    expect(pending.every((a) => a.workerId === null)).toBe(true);
    const targetOf = (r: { body?: { tweet_id?: string; target_user_id?: string } | null }) => r.body?.tweet_id ?? r.body?.target_user_id;
    const accepted = (log: Awaited<ReturnType<typeof requestsSince>>, target: string) => writes(log).filter((r) => targetOf(r) === target && (r.status === 200 || r.fault === 'drop_after'));
    let log = writes(await requestsSince(seq)).filter((r) => r.status !== 401);
    // A lost connection after the request left is not re-sent; a 503 is retried, 3 tries in all.
    for (const a of pending) {
      const sent = log.filter((r) => targetOf(r) === a.target);
      expect(sent).toHaveLength(a.kind === 'like' ? 1 : FAST_RETRY.attempts);
    }
    // The likes' answers are back; the follows' next answer is lost too (X acts this time).
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'follows.create': { drop_after: 1 } } });
    const readSeq = await lastSeq();
    const second = await engage(ctx([p]));
    const reads = (await requestsSince(readSeq)).filter((r) => r.method === 'GET' && /\/2\/users\/[0-9]+\/(liked_tweets|following)$/.test(r.path));
    // One read per account and kind settles all of its lost outcomes.
    const groups = [...new Set(pending.map((a) => `/2/users/${a.account}/${a.kind === 'like' ? 'liked_tweets' : 'following'}`))].sort();
    expect(groups.length).toBeGreaterThanOrEqual(2);
    // The likes are all on the first page of liked posts; the follows are not there at all, so the
    // read goes as far as its bound (engagement.reconcile_pages) before sending again.
    expect([...new Set(reads.map((r) => r.path))].sort()).toEqual(groups);
    for (const path of groups.filter((g) => g.endsWith('liked_tweets'))) expect(reads.filter((r) => r.path === path)).toHaveLength(1);
    expect(reads.length).toBeLessThanOrEqual(groups.length * 3);
    expect(second.counts).toMatchObject({ reconciled: due.like, confirmed: due.like, resent: 0, unsettled: due.follow });
    expect(second.summary).toContain(`${due.like} reconciled (${due.like} found on X, 0 sent again); ${due.follow} still of unknown outcome (prospector status)`);
    for (const a of pending.filter((x) => x.kind === 'like')) {
      const [after] = await listActions(t.db, { prospectId: a.prospectId, kind: 'like' });
      // X had liked it: done by reading, nothing sent again.
      expect(after).toMatchObject({ status: 'done', sends: 1, reconcileAttempts: 1, outcome: expect.objectContaining({ reconciled: 'found on X' }) });
      expect(accepted(await requestsSince(seq), a.target)).toHaveLength(1);
    }
    for (const a of pending.filter((x) => x.kind === 'follow')) {
      const [after] = await listActions(t.db, { prospectId: a.prospectId, kind: 'follow' });
      // Not on X: sent once more, whose answer was lost: pending still, with the attempt counted.
      expect(after).toMatchObject({ status: 'pending', workerId: null, sends: 2, reconcileAttempts: 1 });
    }
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    const third = await engage(ctx([p]));
    expect(third.counts).toMatchObject({ reconciled: due.follow, confirmed: due.follow, resent: 0, unsettled: 0 });
    log = await requestsSince(seq);
    for (const a of pending.filter((x) => x.kind === 'follow')) {
      const [after] = await listActions(t.db, { prospectId: a.prospectId, kind: 'follow' });
      expect(after).toMatchObject({ status: 'done', sends: 2, reconcileAttempts: 2, outcome: expect.objectContaining({ reconciled: 'found on X' }) });
      expect(accepted(log, a.target)).toHaveLength(1);
    }
    expect(await listActions(t.db, { statuses: ['pending', 'failed'] })).toEqual([]);
  });

  it('a spam refusal pauses the account and halves the persona caps; resuming lets it act again', async () => {
    const p = growth({ mode: 'auto' });
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'follows.create': { spam_403: 1 } } });
    const result = await engage(ctx([p]));
    expect(result.counts.refused).toBeGreaterThanOrEqual(1);
    const maya = await getAccount(t.db, 'maya_sells');
    expect(maya?.pausedReason).toMatch(/automated or spam/);
    const [throttle] = await rows<{ factor: string }>(t.db, sql`select factor::text from persona_throttle where persona = 'growth-saas-en'`);
    expect(Number(throttle?.factor)).toBe(0.5);
    await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    const paused = await engage(ctx([p]));
    expect(paused.summary).toMatch(/no active account \(paused: @maya_sells\)/);
    expect(await resumeAccount(t.db, 'maya_sells')).toBe(true);
    expect((await engage(ctx([p]))).counts.performed).toBeGreaterThan(0);
  });

  it('outside working hours auto plans but sends nothing', async () => {
    const p = growth({ mode: 'auto', working_hours: { start: '14:00', end: '18:00', time_zone: 'Europe/London' } });
    const seq = await lastSeq();
    const result = await engage(ctx([p]));
    expect(result.counts.planned).toBeGreaterThan(0);
    expect(result.counts.performed).toBe(0);
    expect(result.summary).toContain('outside working hours (14:00–18:00 Europe/London)');
    expect(writes(await requestsSince(seq))).toHaveLength(0);
  });

  it('auto-throttle halves the caps when follows are rarely returned, and says why', async () => {
    const p = growth({ mode: 'auto' });
    const maya = (await getAccount(t.db, 'maya_sells'))!;
    // 20 follows done three days ago, one followed back: 5% < 10%.
    const throttle = { follows: 20, min_follow_back_rate: 0.1, answer_hours: 48 };
    const c = () => ctx([p], { config: { worker: worker({ throttle }), personas: [p] } });
    const prospects = await rows<{ id: string }>(t.db, sql`select x_user_id as id from prospects order by x_user_id limit 20`);
    expect(prospects).toHaveLength(20);
    const long = new Date(sb.clock.now() - 3 * 86_400_000);
    await planActions(t.db, prospects.map((r) => ({ account: maya.xUserId!, kind: 'follow' as const, target: r.id, prospectId: r.id, persona: p.id })), long);
    await t.db.execute(sql`update actions set status = 'done', sent_at = ${long.toISOString()}::timestamptz, finished_at = ${long.toISOString()}::timestamptz`);
    await t.db.execute(sql`insert into signals (prospect_id, account, kind, occurred_at) values (${prospects[0]!.id}, ${maya.xUserId!}, 'followed_back', ${long.toISOString()}::timestamptz)`);
    const result = await engage(c());
    expect(result.counts.throttled).toBe(1);
    const [row] = await rows<{ factor: string; reason: string }>(t.db, sql`select factor::text, reason from persona_throttle where persona = ${p.id}`);
    expect(Number(row?.factor)).toBe(0.5);
    expect(row?.reason).toBe('follow-back rate 5.0% over the last 20 follows is below 10.0%');
    // Half the caps: 10 likes and 5 follows a day now; and no second halving until 20 more follows.
    expect((await engage(c())).counts.throttled).toBe(0);
    const planned = await listActions(t.db, { statuses: ['planned', 'pending', 'done'], kind: 'like' });
    expect(planned.length).toBeLessThanOrEqual(10);
    // A person gives the persona its caps back.
    expect(await resetThrottle(t.db, p.id)).toBe(true);
    expect(await throttleFactor(t.db, p.id)).toBe(1);
  });

  it('a token that expires mid-run is refreshed, the new pair kept, and the action goes through once', async () => {
    const p = growth({ mode: 'auto' });
    await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
    const seq = await lastSeq();
    const result = await engage(ctx([p]));
    expect(result.counts.performed).toBe(3);
    const log = await requestsSince(seq);
    expect(log.filter((r) => r.path === '/2/oauth2/token' && r.status === 200)).toHaveLength(1);
    expect(ok(writes(log))).toHaveLength(3);
    // The like and the follow queues each met the expired token once; one refresh served both.
    expect(writes(log).filter((r) => r.status === 401).length).toBeLessThanOrEqual(2);
    const stored = await getAccount(t.db, 'maya_sells');
    expect(stored?.accessToken).toBeTruthy();
    expect((await listAccounts(t.db)).length).toBe(3);
  });
});

it('the start-up warning quotes X rule when a persona is in auto', () => {
  expect(automationWarning([{ id: 'a', engagement: { mode: 'assist' } } as Persona])).toBeUndefined();
  const warning = automationWarning([{ id: 'growth', engagement: { mode: 'auto' } } as Persona]);
  expect(warning).toContain('growth');
  expect(warning).toContain('Automated, bulk, or indiscriminate liking');
  expect(warning).toContain('No bulk, aggressive, or automated following');
});

it('an account configured for OAuth 1.0a acts with its OAuth 1.0a token', async () => {
  const door = await XDoor.sandbox(sb.url, { accounts: [{ handle: 'maya_sells', owner: 'maya', auth: 'oauth1' }] });
  try {
    expect(door.handles).toEqual(['maya_sells']);
    const maya = await door.account('maya_sells');
    expect(maya.auth).toBe('oauth1');
    const seq = await lastSeq();
    await maya.follow(sb.world.users[9]!.id);
    const [sent] = writes(await requestsSince(seq));
    expect(sent).toMatchObject({ status: 200, user: '1500000000000000001' });
  } finally {
    door.close();
  }
  await expect(XDoor.sandbox(sb.url, { accounts: [{ handle: 'nobody_here', owner: 'x' }] })).rejects.toThrow(/@nobody_here are not sandbox accounts/);
});

it('two workers sharing an account survive X rotating its refresh token: the second takes the pair the first kept', async () => {
  const a = await XDoor.sandbox(sb.url, { retry: FAST_RETRY });
  const b = await XDoor.sandbox(sb.url, { retry: FAST_RETRY });
  try {
    const [mayaA, mayaB] = [await a.account('maya_sells'), await b.account('maya_sells')];
    const user = sb.world.users[7]!.id;
    await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
    await mayaA.follow(user); // refreshes: X rotates the refresh token; b's is now spent
    await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
    const followed = await mayaB.follow(user);
    expect(followed.data).toMatchObject({ following: expect.any(Boolean) });
  } finally {
    a.close();
    b.close();
  }
});
