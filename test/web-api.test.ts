import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts, getAccount } from '../db/accounts.ts';
import { listActions } from '../db/actions.ts';
import { addDoNotContact, listDoNotContact } from '../db/do-not-contact.ts';
import { findLead, listQueue, type QueueEntry } from '../db/leads.ts';
import { getReply, recordReply } from '../db/replies.ts';
import { currentPause } from '../db/work.ts';
import { utcDay } from '../jobs/context.ts';
import queue from '../jobs/queue.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import type { EngageDeps } from '../src/engage/perform.ts';
import { silentLogger } from '../src/log.ts';
import { hashPassword } from '../src/web/auth.ts';
import type { ActAnswer, DecisionAnswer, DncAddAnswer, DncAnswer, DncHistoryAnswer, DncRemoveAnswer, LeadAnswer, PauseAnswer, QueueAnswer, RepliesAnswer, ReplyDecisionAnswer, ResumeAnswer, StatusAnswer } from '../src/web/api.ts';
import { buildWebApp, type WebServerOptions } from '../src/web/server.ts';
import { XDoor, type AccountStore } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import { describeEachDatabase, openPglite } from './support/db.ts';
import { workerConfig } from './support/observe.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { cookiesOf } from './support/web.ts';

/**
 * The worker's JSON API over HTTP (`app.inject`), on both databases, against leads the real jobs
 * made from the sandbox: every route, the token missing or wrong, bad bodies, unknown leads, a
 * decision refused, a click done (the budget moves) and refused with its reason, the pause, the
 * held replies and their decision, the do-not-contact list and its history.
 */

const TOKEN = 'a-test-token-of-the-worker';
const FAST_RETRY = { attempts: 3, baseMs: 1, maxMs: 5 };

let sb: TestSandbox;
let config: LoadedConfig;

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
  sb = await startTestSandbox({ users: 3000 });
});
afterAll(async () => sb?.close());

const bearer = { authorization: `Bearer ${TOKEN}` };


describeEachDatabase('the JSON API', (t) => {
  let app: FastifyInstance;
  let door: XDoor;
  let personas: Persona[];
  const now = () => new Date(sb.clock.now());

  beforeAll(async () => {
    await t.reset();
    personas = config.personas.filter((p) => p.id === 'growth-saas-en');
    const store: AccountStore = {
      load: (handle) => getAccount(t.db, handle),
      saveUserId: async () => {},
      saveTokens: async () => {},
    };
    door = await XDoor.sandbox(sb.url, { retry: FAST_RETRY, store, now });
    await ensureAccounts(t.db, door.handles.map((handle) => ({ handle, owner: door.ownerOf(handle)! })), now());
    for (const handle of door.handles) await t.db.execute(sql`update accounts set x_user_id = ${(await door.account(handle)).cachedUserId!} where handle = ${handle.toLowerCase()}`);
    const ctx = jobContext({ db: t.db, x: door, now, config: { worker: config.worker, personas } }, { pacing: false });
    await search(ctx);
    await score(ctx);
    await queue(ctx);
    const engage: EngageDeps = { db: t.db, door, log: silentLogger(), now, workerId: 'test-worker', tier: 'payperuse', personas, engagement: { ...config.worker.engagement, warmup: [1] } };
    app = await buildWebApp(options({ personas: () => personas, api: { token: TOKEN, engage: async () => engage, worldNow: async () => now(), workers: async () => [] } }));
  });
  afterAll(async () => {
    await app?.close();
    door?.close();
  });

  const options = (over: Partial<WebServerOptions> = {}): WebServerOptions => ({
    host: '127.0.0.1',
    port: 0,
    db: t.db,
    config: workerConfig(),
    log: silentLogger(),
    now,
    processMetrics: false,
    // Someone is configured: no local user, so only the token (or a sign-in) gets in.
    users: [{ name: 'maya', passwordHash: hashPassword('correct horse battery staple') }],
    secret: 'a test secret of at least thirty-two characters',
    ...over,
  });

  const get = async <T>(url: string, headers: Record<string, string> = bearer) => {
    const res = await app.inject({ method: 'GET', url, headers });
    return { status: res.statusCode, body: res.json<T & { error?: string; field?: string }>(), type: res.headers['content-type'] };
  };
  const post = async <T>(url: string, body: unknown, headers: Record<string, string> = bearer) => {
    const res = await app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.statusCode, body: res.json<T & { error?: string; field?: string }>() };
  };

  const today = () => utcDay(now());
  const firstLead = async () => (await listQueue(t.db, { day: today() }))[0]!;

  it('a missing or wrong token is 401 with a message saying where the token is; the right one gets in', async () => {
    for (const url of ['/api/status', '/api/queue', '/api/leads/1']) {
      const missing = await get(url, {});
      expect(missing.status).toBe(401);
      expect(missing.body.error).toMatch(/^no token: send Authorization: Bearer <token>, the token in worker.json/);
    }
    for (const headers of [{ authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: `Bearer ${TOKEN}x` }, { authorization: 'Bearer' }]) {
      const wrong = await get('/api/status', headers);
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toMatch(/^wrong token: use the token in worker.json/);
    }
    for (const url of ['/api/pause', '/api/resume', '/api/leads/1/decision', '/api/leads/1/act']) {
      const res = await post(url, { as: 'maya', decision: 'won', kind: 'like' }, {});
      expect(res.status).toBe(401);
    }
    expect(await currentPause(t.db)).toBeUndefined();
    expect((await get('/api/status')).status).toBe(200);
  });

  it('GET /api/status: the health /healthz reports and the workers running', async () => {
    const res = await get<StatusAnswer>('/api/status');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.body.health.checks.database.state).toBe('ok');
    expect(res.body.health.checks.pause.paused).toBe(false);
    expect(res.body.workers).toEqual([]);
  });

  it("GET /api/queue: today's leads by default, the CLI's filters, and a bad filter is 400", async () => {
    const expected = await listQueue(t.db, { day: today() });
    expect(expected.length).toBeGreaterThan(2);
    const res = await get<QueueAnswer>('/api/queue');
    expect(res.status).toBe(200);
    expect(res.body.day).toBe(today());
    expect(res.body.entries.map((e) => e.id)).toEqual(expected.map((e) => e.id));
    expect(res.body.held).toEqual({});
    const owner = expected[0]!.owner!;
    expect((await get<QueueAnswer>(`/api/queue?owner=${owner}`)).body.entries.every((e) => e.owner === owner)).toBe(true);
    expect((await get<QueueAnswer>('/api/queue?persona=rh-pme-fr')).body.entries).toEqual([]);
    expect((await get<QueueAnswer>('/api/queue?date=2020-01-01')).body.entries).toEqual([]);
    const all = await get<QueueAnswer>('/api/queue?all=1');
    expect(all.body.day).toBeNull();
    expect(all.body.entries).toHaveLength(expected.length);

    const bad = await get('/api/queue?date=2026-02-30');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'date: expected a day YYYY-MM-DD, got "2026-02-30"', field: 'date' });
    expect((await get('/api/queue?all=maybe')).status).toBe(400);
    expect((await get('/api/queue?date=2026-01-01&date=2026-01-02')).status).toBe(400);
  });

  it('GET /api/leads/:key: by number, #number or @handle, with its history; an unknown lead is 404', async () => {
    const lead = await firstLead();
    for (const key of [String(lead.id), `%23${lead.id}`, `@${lead.username}`]) {
      const res = await get<LeadAnswer>(`/api/leads/${key}`);
      expect(res.status).toBe(200);
      expect(res.body.lead.id).toBe(lead.id);
      expect(res.body.lead.events.map((e) => e.toState)).toEqual(['new']);
      expect(res.body.held).toEqual([]);
    }
    const missing = await get('/api/leads/@nobody_at_all');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe("no lead @nobody_at_all: give a lead number (#42) or the prospect's @handle");
    expect((await get('/api/leads/99999999999')).status).toBe(404);
  });

  it('POST /api/leads/:key/decision: records who and why through decideLead; a step back is 409, a bad body 400', async () => {
    const lead = await firstLead();
    const url = `/api/leads/${lead.id}/decision`;
    const done = await post<DecisionAnswer>(url, { decision: 'contacted', note: 'sent a DM', as: 'maya' });
    expect(done.status).toBe(200);
    expect(done.body.lead.state).toBe('new');
    expect(done.body.result.lead.state).toBe('contacted');
    const stored = await findLead(t.db, lead.id);
    expect(stored!.events.at(-1)).toMatchObject({ fromState: 'new', toState: 'contacted', actor: 'maya', note: 'sent a DM' });

    const again = await post(url, { decision: 'contacted', as: 'maya' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/^lead #\d+ is already contacted/);
    expect((await post(`/api/leads/@nobody_at_all/decision`, { decision: 'won', as: 'maya' })).status).toBe(404);

    const bad = async (body: unknown) => {
      const res = await post(url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toBeTypeOf('string');
      expect(res.body.error).not.toMatch(/\n\s+at /);
      return res.body;
    };
    expect((await bad({ decision: 'maybe', as: 'maya' })).field).toBe('decision');
    expect((await bad({ decision: 'new', as: 'maya' })).field).toBe('decision');
    expect((await bad({ decision: 'won' })).field).toBe('as');
    expect((await bad({ decision: 'won', as: '' })).field).toBe('as');
    expect((await bad({ decision: 'won', as: 'system' })).field).toBe('as');
    expect((await bad({ decision: 'won', as: 'x'.repeat(65) })).field).toBe('as');
    expect((await bad({ decision: 'won', as: 'maya', note: 42 })).field).toBe('note');
    expect((await bad({ decision: 'snooze', as: 'maya' })).field).toBe('until');
    expect((await bad({ decision: 'won', as: 'maya', until: '2030-01-01' })).field).toBe('until');
    expect(await bad({ decision: 'snooze', as: 'maya', until: '2020-01-01' })).toEqual({
      error: expect.stringMatching(/^until 2020-01-01 is not after today \(\d{4}-\d{2}-\d{2}, UTC\): give the day the lead comes back, \d{4}-\d{2}-\d{2} or later$/),
      field: 'until',
    });
    await bad('{"decision": "won", ');
    await bad('[1, 2]');
    // Nothing of the refused ones was written.
    expect((await findLead(t.db, lead.id))!.events).toHaveLength(2);

    // After today in the sandbox's world and on the wall clock, which records the decision.
    const later = utcDay(new Date(Math.max(now().getTime(), Date.now()) + 3 * 86_400_000));
    const snoozed = await post<DecisionAnswer>(url, { decision: 'snooze', until: later, as: 'maya' });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body.result.lead.state).toBe('snoozed');

    // The rest of the decide path: an undo, a replayed request, a note, a not-a-fit reason.
    expect((await post<DecisionAnswer>(url, { undo: true, as: 'maya' })).body.result.lead.state).toBe('contacted');
    const replayedOnce = await post<DecisionAnswer>(url, { decision: 'replied', expectedState: 'contacted', requestId: 'r-1', as: 'maya' });
    expect(replayedOnce.status).toBe(200);
    expect((await post<DecisionAnswer>(url, { decision: 'replied', expectedState: 'contacted', requestId: 'r-1', as: 'maya' })).body.result.replayed).toBe(true);
    expect((await post<DecisionAnswer>(url, { decision: 'note', note: 'called back', as: 'maya' })).body.result.event).toMatchObject({ kind: 'note', note: 'called back' });
    const reasonless = await post<DecisionAnswer>(url, { decision: 'not-a-fit', reason: 'too far', as: 'maya' });
    expect(reasonless.status).toBe(400);
    expect(reasonless.body.error).toMatch(/^reason: expected one of /);
    expect((await post<DecisionAnswer>(url, { decision: 'not-a-fit', reason: 'competitor', as: 'maya' })).body.result.event.reason).toBe('competitor');
  });

  it('POST /api/leads/:key/act: the one perform path, with the budget left; a second click and a click while paused are refused with the reason', async () => {
    const lead = (await listQueue(t.db, { day: today() }))[1]!;
    const url = `/api/leads/${lead.id}/act`;
    const liked = await post<ActAnswer>(url, { kind: 'like', as: 'maya' });
    expect(liked.status).toBe(200);
    expect(liked.body.status).toBe('done');
    expect(liked.body.message).toMatch(/^@\w+ liked post \d+$/);
    const daily = liked.body.budget.find((b) => b.scope === 'x' && b.window === 'day');
    // X's own count (the sandbox's, which both databases' suites share) corrects the window.
    expect(daily!.used).toBeGreaterThanOrEqual(1);
    expect(daily!.left).toBe(daily!.limit - daily!.used);
    expect(liked.body.budget.some((b) => b.scope === 'persona:growth-saas-en')).toBe(true);
    const actions = await listActions(t.db, { prospectId: lead.prospectId, kind: 'like' });
    expect(actions.filter((a) => a.status === 'done')).toHaveLength(1);
    expect(actions.find((a) => a.status === 'done')!.actor).toBe('maya');

    const twice = await post<ActAnswer>(url, { kind: 'like', as: 'maya' });
    expect(twice.status).toBe(409);
    expect(twice.body.status).toBe('nothing');
    expect(twice.body.reason).toMatch(/already done/);
    expect(twice.body.error).toBe(twice.body.reason);
    expect(twice.body.budget.find((b) => b.scope === 'x' && b.window === 'day')!.used).toBe(daily!.used);

    const paused = await post<PauseAnswer>('/api/pause', { reason: 'lunch', as: 'ops' });
    expect(paused.status).toBe(200);
    const refused = await post<ActAnswer>(url, { kind: 'follow', as: 'maya' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ status: 'refused', kind: 'workers_paused', reason: 'all workers are paused (lunch) by ops: prospector resume' });
    expect(await listActions(t.db, { prospectId: lead.prospectId, kind: 'follow', statuses: ['done', 'pending'] })).toEqual([]);
    expect((await post<ResumeAnswer>('/api/resume', {})).body.resumed).toBe(true);

    expect((await post(url, { kind: 'retweet', as: 'maya' })).body).toEqual({ error: 'kind: expected like or follow, got "retweet"', field: 'kind' });
    expect((await post(url, { kind: 'follow' })).status).toBe(400);
    expect((await post('/api/leads/@nobody_at_all/act', { kind: 'like', as: 'maya' })).status).toBe(404);
  });

  it('POST /api/pause and /api/resume: a pause is recorded once, with who and why; resuming twice is not an error', async () => {
    const first = await post<PauseAnswer>('/api/pause', { reason: 'deploy', as: 'ops' });
    expect(first.status).toBe(200);
    expect(first.body.fresh).toBe(true);
    expect(first.body.pause).toMatchObject({ pausedBy: 'ops', reason: 'deploy' });
    const second = await post<PauseAnswer>('/api/pause', { as: 'lucas' });
    expect(second.body.fresh).toBe(false);
    expect(second.body.pause.pausedBy).toBe('ops');
    expect((await post('/api/pause', { reason: 'x'.repeat(501), as: 'ops' })).status).toBe(400);
    expect((await post('/api/pause', {})).body.field).toBe('as');
    const resumed = await post<ResumeAnswer>('/api/resume', {});
    expect(resumed.body).toMatchObject({ resumed: true, pause: { pausedBy: 'ops' } });
    expect((await post<ResumeAnswer>('/api/resume', {})).body).toEqual({ resumed: false, pause: null });
    expect(await currentPause(t.db)).toBeUndefined();
  });

  let bob: QueueEntry;
  it('GET /api/replies and POST /api/replies/:id/decision: the held ones, every one with all, decided once through decideReply', async () => {
    // Two leads nobody decided yet, and any third person.
    const entries = (await listQueue(t.db, { day: today() })).sort((a, b) => b.id - a.id);
    const open = entries.filter((e) => e.state === 'new');
    expect(open.length).toBeGreaterThanOrEqual(2);
    const [eve, carl] = [open[0]!, entries.find((e) => e.id !== open[0]!.id && e.id !== open[1]!.id)!];
    bob = open[1]!;
    const account = (await door.account(door.handles[0]!)).cachedUserId!;
    const base = { account, kind: 'reply' as const, language: 'en', readAt: now() };
    expect((await get<RepliesAnswer>('/api/replies')).body).toEqual({ replies: [] });
    const held = (await recordReply(t.db, { ...base, postId: '1900000000000000001', prospectId: eve.prospectId, text: 'who are you?', outcome: 'doubtful', reason: 'may ask us to stop', postedAt: new Date(now().getTime() - 60_000) })).reply;
    const optOut = (await recordReply(t.db, { ...base, postId: '1900000000000000002', prospectId: bob.prospectId, text: 'stop the presses', outcome: 'opt_out', reason: 'asked to stop ("stop")', postedAt: new Date(now().getTime() - 30_000) })).reply;
    const normal = (await recordReply(t.db, { ...base, postId: '1900000000000000003', prospectId: carl.prospectId, text: 'great post', outcome: 'other', reason: 'a normal reply', postedAt: new Date(now().getTime() - 10_000) })).reply;
    await addDoNotContact(t.db, { prospectId: bob.prospectId, source: 'opt_out', addedBy: 'system', reason: 'asked to stop ("stop")', replyId: optOut.id, at: now() });

    const listed = await get<RepliesAnswer>('/api/replies');
    expect(listed.status).toBe(200);
    expect(listed.body.replies.map((r) => r.id)).toEqual([held.id]);
    expect(listed.body.replies[0]).toMatchObject({ username: eve.username, held: true, leads: [{ id: eve.id, state: 'new' }], postedAt: held.postedAt.toISOString() });
    expect((await get<RepliesAnswer>('/api/replies?all=1')).body.replies.map((r) => r.id)).toEqual([normal.id, optOut.id, held.id]);
    expect((await get<RepliesAnswer>('/api/replies?all=1&limit=1')).body.replies.map((r) => r.id)).toEqual([normal.id]);
    expect((await get('/api/replies?limit=0')).body).toEqual({ error: 'limit: expected a whole number from 1 to 100000, got "0"', field: 'limit' });
    expect((await get('/api/replies?all=maybe')).status).toBe(400);
    expect((await get('/api/replies', {})).status).toBe(401);

    const url = (id: number | string) => `/api/replies/${id}/decision`;
    expect((await post(url(held.id), { verdict: 'confirm' }, {})).status).toBe(401);
    expect((await post(url(held.id), { verdict: 'maybe', as: 'maya' })).body).toEqual({ error: 'verdict: expected confirm or dismiss, got "maybe"', field: 'verdict' });
    expect((await post(url(held.id), { verdict: 'confirm', as: 'system' })).body.field).toBe('as');
    expect((await post(url(held.id), { verdict: 'confirm', as: 'maya', note: 7 })).body.field).toBe('note');
    expect((await post(url('abc'), { verdict: 'confirm', as: 'maya' })).status).toBe(400);
    expect((await post(url(424242), { verdict: 'confirm', as: 'maya' })).body).toEqual({ error: 'no reply 424242: see prospector replies --all' });
    expect((await post(url(424242), { verdict: 'confirm', as: 'maya' })).status).toBe(404);
    expect((await getReply(t.db, held.id))!.decision).toBeNull();

    const confirmed = await post<ReplyDecisionAnswer>(url(`%23${held.id}`), { verdict: 'confirm', as: 'maya', note: 'asked by DM too' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.message).toBe(`reply ${held.id} confirmed as an opt-out: @${eve.username} is now on the do-not-contact list; 1 lead closed`);
    expect(confirmed.body.reply).toMatchObject({ decision: 'confirmed', decidedBy: 'maya', note: 'asked by DM too', held: false });
    expect((await findLead(t.db, eve.id))!.state).toBe('do_not_contact');
    const twice = await post(url(held.id), { verdict: 'dismiss', as: 'lucas' });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatch(new RegExp(`^reply ${held.id} was already confirmed by maya at \\S+Z: a reply is decided once`));
    const nothing = await post(url(normal.id), { verdict: 'dismiss', as: 'maya' });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error).toMatch(/there is nothing to dismiss/);

    const dismissed = await post<ReplyDecisionAnswer>(url(optOut.id), { verdict: 'dismiss', as: 'sofia' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.message).toMatch(new RegExp(`^reply ${optOut.id} dismissed: counted as a normal reply; @${bob.username} is off the do-not-contact list \\(1 lead reopened\\); engagement with @${bob.username} resumes; 1 lead warm$`));
    expect(dismissed.body.warmed).toBe(1);
    expect((await findLead(t.db, bob.id))!.warmAt).not.toBeNull();
  });

  it('the do-not-contact list: GET /api/dnc and its history, POST /api/dnc adds and /api/dnc/remove removes, with who and why', async () => {
    // Bob of the test above: his opt-out, read then dismissed, opens his history.
    expect((await get('/api/dnc', {})).status).toBe(401);
    expect((await post('/api/dnc', { who: `@${bob.username}`, reason: 'x', as: 'maya' }, {})).status).toBe(401);
    const before = await get<DncAnswer>('/api/dnc');
    expect(before.status).toBe(200);
    expect(before.body.entries.map((e) => e.prospectId)).toEqual((await listDoNotContact(t.db)).map((e) => e.prospectId));
    expect(before.body.entries.some((e) => e.prospectId === bob.prospectId)).toBe(false);

    const bad = async (url: string, body: unknown, field: string) => {
      const res = await post(url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.field).toBe(field);
    };
    await bad('/api/dnc', { reason: 'x', as: 'maya' }, 'who');
    await bad('/api/dnc', { who: `@${bob.username}`, as: 'maya' }, 'reason');
    await bad('/api/dnc', { who: `@${bob.username}`, reason: '  ', as: 'maya' }, 'reason');
    await bad('/api/dnc', { who: `@${bob.username}`, reason: 'x' }, 'as');
    await bad('/api/dnc/remove', { who: `@${bob.username}`, as: 'maya' }, 'reason');
    const unknown = await post('/api/dnc', { who: '@nobody_at_all', reason: 'x', as: 'maya' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'no one known as "@nobody_at_all": give the @handle or the X user id of a prospect Prospector has seen', field: 'who' });
    expect((await post('/api/dnc/remove', { who: '7654321', reason: 'x', as: 'maya' })).status).toBe(404);
    expect(await listDoNotContact(t.db, { prospectId: bob.prospectId })).toEqual([]);

    const added = await post<DncAddAnswer>('/api/dnc', { who: `@${bob.username.toUpperCase()}`, reason: 'asked by email', as: 'lucas' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ person: { prospectId: bob.prospectId, username: bob.username }, result: { added: true, leadsClosed: [bob.id] } });
    expect((await findLead(t.db, bob.id))!.state).toBe('do_not_contact');
    const again = await post<DncAddAnswer>('/api/dnc', { who: bob.prospectId, reason: 'twice', as: 'lucas' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: `@${bob.username} is already on the do-not-contact list`, result: { added: false }, entry: { addedBy: 'lucas', source: 'manual', reason: 'asked by email' } });
    const listed = await get<DncAnswer>('/api/dnc?limit=1');
    expect(listed.body.entries).toHaveLength(1);
    expect((await get('/api/dnc?limit=x')).status).toBe(400);
    // Someone never seen, by X user id: listed, never engaged.
    expect((await post<DncAddAnswer>('/api/dnc', { who: '1234567', reason: 'asked by email', as: 'maya' })).body).toMatchObject({ person: { prospectId: '1234567', username: null }, result: { added: true } });

    const removed = await post<DncRemoveAnswer>('/api/dnc/remove', { who: bob.username, reason: 'wrong person', as: 'sofia' });
    expect(removed.status).toBe(200);
    expect(removed.body.result).toMatchObject({ removed: true, leadsReopened: [{ id: bob.id }] });
    expect((await findLead(t.db, bob.id))!.state).not.toBe('do_not_contact');
    const notOn = await post<DncRemoveAnswer>('/api/dnc/remove', { who: bob.username, reason: 'again', as: 'sofia' });
    expect(notOn.status).toBe(409);
    expect(notOn.body.error).toBe(`@${bob.username} is not on the do-not-contact list`);

    const history = await get<DncHistoryAnswer>(`/api/dnc/history?who=%40${bob.username}`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e) => [e.change, e.actor, e.source])).toEqual([
      ['added', 'system', 'opt_out'],
      ['removed', 'sofia', 'reply'],
      ['added', 'lucas', 'manual'],
      ['removed', 'sofia', 'manual'],
    ]);
    expect(history.body.events.at(-1)).toMatchObject({ reason: 'wrong person', prospectId: bob.prospectId });
    const everyone = await get<DncHistoryAnswer>('/api/dnc/history');
    expect(everyone.body.events.length).toBeGreaterThan(history.body.events.length);
    expect((await get('/api/dnc/history?who=%40nobody_at_all')).status).toBe(404);
  });

  it('an unknown route under /api is a JSON 404 naming the routes', async () => {
    const res = await get('/api/leads');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatch(/^no route GET \/api\/leads: the API has GET \/api\/status/);
  });
});

describe('the JSON API and page sessions', () => {
  it('a signed-in person may read; writing needs the page’s CSRF token; the local user counts on loopback only', async () => {
    const handle = await openPglite('migrated');
    const base: WebServerOptions = { host: '127.0.0.1', port: 0, db: handle.db, config: workerConfig(), log: silentLogger(), processMetrics: false, secret: 'a test secret of at least thirty-two characters', api: { token: TOKEN, worldNow: async () => new Date() } };
    try {
      const local = await buildWebApp({ ...base, localUser: 'maya' });
      expect((await local.inject({ method: 'GET', url: '/api/queue' })).statusCode).toBe(200);
      const write = await local.inject({ method: 'POST', url: '/api/pause', headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(write.statusCode).toBe(403);
      expect(write.json()).toEqual({ error: expect.stringMatching(/CSRF/) });
      expect(await currentPause(handle.db)).toBeUndefined();
      await local.close();

      // A person signed in: reads, and writes with the page's CSRF token (the person decides, not `as`).
      const signed = await buildWebApp({ ...base, users: [{ name: 'maya', passwordHash: hashPassword('correct horse battery staple') }] });
      expect((await signed.inject({ method: 'GET', url: '/api/queue' })).statusCode).toBe(401);
      const form = await signed.inject({ method: 'GET', url: '/sign-in' });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const csrfCookie = cookiesOf(form.headers);
      const signIn = await signed.inject({ method: 'POST', url: '/sign-in', headers: { cookie: csrfCookie }, payload: { _csrf: csrf, name: 'maya', password: 'correct horse battery staple', next: '/' } });
      expect(signIn.statusCode).toBe(303);
      const cookie = `${csrfCookie}; ${cookiesOf(signIn.headers)}`;
      expect((await signed.inject({ method: 'GET', url: '/api/status', headers: { cookie } })).statusCode).toBe(200);
      const noCsrf = await signed.inject({ method: 'POST', url: '/api/pause', headers: { cookie, 'content-type': 'application/json' }, payload: '{"as": "boss"}' });
      expect(noCsrf.statusCode).toBe(403);
      const withCsrf = await signed.inject({ method: 'POST', url: '/api/pause', headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf }, payload: '{"as": "boss"}' });
      expect(withCsrf.statusCode).toBe(200);
      expect((withCsrf.json() as PauseAnswer).pause.pausedBy).toBe('maya');
      await signed.close();

      // Listening beyond loopback with nobody configured: the local user opens nothing here.
      const wide = await buildWebApp({ ...base, host: '0.0.0.0', localUser: 'maya' });
      expect((await wide.inject({ method: 'GET', url: '/api/queue' })).statusCode).toBe(401);
      expect((await wide.inject({ method: 'GET', url: '/api/queue', headers: bearer })).statusCode).toBe(200);
      await wide.close();
    } finally {
      await handle.close();
    }
  });
});
