import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { and, eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activeStops } from '../db/accounts.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { getSignalCursor } from '../db/graph.ts';
import { buildQueue, findLead } from '../db/leads.ts';
import { upsertMatches } from '../db/matches.ts';
import { upsertProspects, type ProspectInput } from '../db/prospects.ts';
import { accountGraph, accounts, actions, doNotContact, leadEvents, leads, matches, signalCursors, signals as signalsTable } from '../db/schema.ts';
import type { JobContext } from '../jobs/context.ts';
import score from '../jobs/score.ts';
import signals from '../jobs/signals.ts';
import { printLead, registerPipelineCommands } from '../src/commands/pipeline.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import { openRuntime, runJob, type Runtime } from '../src/runtime.ts';
import type { Persona } from '../src/config/persona.ts';
import type { SandboxUser } from '../src/sandbox/types.ts';
import { XCallError } from '../src/x/errors.ts';
import { XDoor } from '../src/x/door.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { jobContext } from './support/context.ts';
import { createWorkerStore, describeEachStore, setEnv } from './support/worker.ts';

/**
 * The signals job against the sandbox over HTTP, on a frozen clock, on PGlite and PostgreSQL:
 * the accounts like and follow people whose ground truth says they will react, the clock moves
 * on, and the job must find exactly those reactions (once), honour opt-outs everywhere, warm
 * leads, notice accepted follow requests, read incrementally, and write nothing on a dry run.
 * Each test gets its own sandbox: reactions happen once per account and person.
 */

type Reaction = 'follow_back' | 'reply' | 'mention' | 'opt_out' | 'accept_follow' | 'like_back';

interface Truth {
  reactions: Array<{ kind: Reaction; account: string; at: string; post_id?: string }>;
  pending_reactions: Array<{ kind: Reaction; account: string; at: string }>;
}

interface Engaged {
  user: SandboxUser;
  kind: 'like' | 'follow';
  /** The post liked or the user followed. */
  target: string;
  outcome: Record<string, unknown>;
  /** What ground truth says they will do (or did) towards the account. */
  reactions: Reaction[];
  /** When the last of them falls due. */
  dueAt: number;
}

let config: LoadedConfig;
beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});

/** What the job must record for someone's reactions, as ground truth lists them. */
const EXPECTED: Partial<Record<Reaction, string>> = {
  follow_back: 'followed_back',
  reply: 'replied',
  mention: 'mentioned',
  opt_out: 'opt_out',
  accept_follow: 'follow_accepted',
};

describeEachDatabase('signals job', (t) => {
  let sb: TestSandbox;
  let door: XDoor;
  let accountIds: Record<string, string>;

  beforeEach(async () => {
    await t.reset();
    sb = await startTestSandbox({ users: 3000 });
    door = await XDoor.sandbox(sb.url);
    accountIds = Object.fromEntries(sb.accounts.accounts.map((a) => [a.username, a.id]));
  });
  afterEach(async () => {
    door?.close();
    await sb?.close();
  });

  const now = () => new Date(sb.clock.now());
  const persona = (id: string, change: (p: Persona) => Persona = (p) => p): Persona => {
    const base = config.personas.find((p) => p.id === id);
    if (!base) throw new Error(`no example persona ${id}`);
    return change(base);
  };
  // Signals weigh much more than in the examples, so one reply visibly moves a score.
  const growth = () => persona('growth-saas-en', (p) => ({ ...p, weights: { ...p.weights, signals: 60 } }));
  const ctx = (over: Partial<JobContext> = {}): JobContext => jobContext({ db: t.db, x: door, now, config: { worker: config.worker, personas: [growth(), persona('rh-pme-fr')] } }, over);

  /**
   * Likes or follows people from `handle`, one after another, until ground truth promises each
   * wanted reaction from someone (one person per reaction). Returns everyone engaged, with what
   * they will do.
   */
  async function engageUntil(handle: string, want: Reaction[], options: { via: 'like' | 'follow'; protectedOnly?: boolean }): Promise<{ found: Map<Reaction, Engaged>; engaged: Engaged[] }> {
    const account = await door.account(handle);
    const ours = new Set(sb.accounts.accounts.map((a) => a.username));
    const candidates = sb.world.users.filter(
      (u) => !ours.has(u.username) && !u.truth.is_automated && u.truth.language === 'en' && u.protected === (options.protectedOnly ?? false) && u.truth.b2b_fit > 0.3,
    );
    const found = new Map<Reaction, Engaged>();
    const engaged: Engaged[] = [];
    let writes = 0;
    for (const user of candidates) {
      if (want.every((w) => found.has(w))) break;
      let target = user.id;
      if (options.via === 'like') {
        const post = sb.world.posts.find((p) => p.author === user.index && p.kind === 'original' && p.createdAt <= sb.clock.now());
        if (!post) continue;
        target = post.id;
      }
      // X allows 50 likes or follows per 15 minutes.
      if (++writes % 45 === 0) await sb.advance(15 * 60);
      const result = options.via === 'like' ? await account.like(target) : await account.follow(target);
      const truth = await sb.admin<Truth>(`/__sandbox/truth/users/${user.id}`);
      const mine = [...truth.reactions, ...truth.pending_reactions].filter((r) => r.account === handle);
      const e: Engaged = { user, kind: options.via, target, outcome: result.data, reactions: mine.map((r) => r.kind), dueAt: Math.max(0, ...mine.map((r) => Date.parse(r.at))) };
      engaged.push(e);
      // One clear reaction per person picked, so each case stands alone.
      const kinds = new Set(e.reactions.filter((k) => k !== 'like_back'));
      const single = [...kinds][0];
      if (kinds.size === 1 && single && want.includes(single) && !found.has(single)) found.set(single, e);
    }
    const missing = want.filter((w) => !found.has(w));
    if (missing.length) throw new Error(`no sandbox user promises ${missing.join(', ')} to @${handle}`);
    return { found, engaged };
  }

  /** Stores the people as prospects matched to the personas, and their likes/follows as done actions of `handle`. */
  async function store(handle: string, people: readonly Engaged[], personaIds: readonly string[] = ['growth-saas-en']): Promise<void> {
    const at = now();
    await upsertProspects(t.db, people.map((e) => prospectOf(e.user, at)));
    await upsertMatches(t.db, personaIds.flatMap((persona) => people.map((e) => ({ persona, prospectId: e.user.id, seenAt: at }))));
    await t.db.insert(actions).values(
      people.map((e) => ({
        account: accountIds[handle]!,
        kind: e.kind,
        target: e.target,
        prospectId: e.user.id,
        persona: personaIds[0] ?? null,
        status: 'done' as const,
        plannedAt: at,
        sentAt: at,
        finishedAt: at,
        outcome: e.outcome,
        actor: 'engage',
        sends: 1,
      })),
    );
  }

  /** Moves the sandbox clock past every reaction the people will have. */
  async function untilReacted(people: readonly Engaged[]): Promise<void> {
    const due = Math.max(...people.map((e) => e.dueAt));
    const seconds = Math.max(60, Math.ceil((due - sb.clock.now()) / 1000) + 120);
    await sb.advance(seconds);
  }

  async function signalsOf(prospectId: string): Promise<string[]> {
    const found = await t.db.select({ kind: signalsTable.kind }).from(signalsTable).where(eq(signalsTable.prospectId, prospectId));
    return found.map((s) => s.kind).sort();
  }

  async function requestsSince(seq: number, path: string) {
    const log = await sb.admin<{ requests: Array<{ seq: number; path: string; query: Record<string, string>; status: number }> }>(`/__sandbox/requests?since=${seq}&path=${encodeURIComponent(path)}`);
    return log.requests;
  }
  async function lastSeq(): Promise<number> {
    const log = await sb.admin<{ requests: Array<{ seq: number }> }>('/__sandbox/requests');
    return log.requests.at(-1)?.seq ?? 0;
  }
  const count = async (table: typeof signalsTable | typeof doNotContact | typeof signalCursors | typeof accountGraph) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]?.n ?? 0;

  it('records follow-backs, replies and mentions exactly as ground truth has them, once; the next run asks only for newer mentions', async () => {
    const maya = accountIds.maya_sells!;
    // The first run is the baseline: people who already followed the accounts are not follow-backs.
    const baseline = await signals(ctx());
    expect(baseline.counts.followed_back).toBe(0);
    expect(await count(accountGraph)).toBeGreaterThan(0);
    const { engaged } = await engageUntil('maya_sells', ['follow_back', 'reply', 'mention'], { via: 'follow' });
    // Some of them followed maya before she followed them: they must not count.
    const followers = new Set(sb.world.followersOf(sb.world.accounts[0]!.user));
    expect(engaged.some((e) => followers.has(e.user.index) && !e.reactions.includes('follow_back'))).toBe(true);
    await store('maya_sells', engaged);
    await untilReacted(engaged);

    const first = await signals(ctx());
    // Every person engaged gets exactly the signals their reactions call for, no more.
    for (const e of engaged) {
      const expected = [...new Set(e.reactions.map((r) => EXPECTED[r]).filter((k): k is string => k !== undefined))].sort();
      expect(await signalsOf(e.user.id), `@${e.user.username} did ${e.reactions.join(', ') || 'nothing'}`).toEqual(expected);
    }
    const replies = await t.db.select().from(signalsTable).where(and(eq(signalsTable.kind, 'replied'), eq(signalsTable.account, maya)));
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.every((s) => s.postId !== null && s.occurredAt.getTime() <= sb.clock.now())).toBe(true);
    expect(first.counts.followed_back).toBe(engaged.filter((e) => e.reactions.includes('follow_back')).length);
    const { replied = 0, mentioned = 0, opt_outs = 0 } = first.counts;
    expect(replied).toBeGreaterThan(0);
    expect(mentioned).toBeGreaterThan(0);
    expect(first.counts.mentions).toBe(replied + mentioned + opt_outs);
    expect(first.summary).toMatch(/^@maya_sells \d+ mentions?( \(\d+ opt-outs?\))?, \d+ follow-backs?; @lucas_ventes .*; @sofia_ventas .*; \d+ leads? warm$/);
    const cursor = await getSignalCursor(t.db, maya, 'mentions');
    expect(cursor).toMatch(/^\d+$/);

    // Second run: nothing new, nothing recorded twice, and X is asked only for newer mentions.
    const stored = await count(signalsTable);
    const seq = await lastSeq();
    const again = await signals(ctx());
    expect(await count(signalsTable)).toBe(stored);
    expect(again.counts).toMatchObject({ mentions: 0, replied: 0, mentioned: 0, followed_back: 0, opt_outs: 0 });
    const mentionReads = await requestsSince(seq, `/2/users/${maya}/mentions`);
    expect(mentionReads).toHaveLength(1);
    expect(mentionReads[0]?.query.since_id).toBe(cursor);
    // Followers: one page, which brings nobody new, and the walk stops.
    expect(await requestsSince(seq, `/2/users/${maya}/followers`)).toHaveLength(1);
  });

  it('an opt-out puts the person on do-not-contact: their leads close in every persona, planned actions are cancelled', async () => {
    const { found, engaged } = await engageUntil('maya_sells', ['opt_out'], { via: 'like' });
    const who = found.get('opt_out')!;
    await store('maya_sells', engaged, ['growth-saas-en', 'rh-pme-fr']);
    await score(ctx({ config: { worker: config.worker, personas: [growth()] } }));
    await buildQueue(t.db, { persona: 'growth-saas-en', day: now().toISOString().slice(0, 10), perDay: 1000, minScore: 0, owners: ['maya'], at: now() });
    // The same person queued for another persona too (buildQueue keeps one persona per person).
    await t.db.insert(leads).values({ prospectId: who.user.id, persona: 'rh-pme-fr', owner: 'lucas', queuedOn: now().toISOString().slice(0, 10), state: 'contacted', score: 40, createdAt: now(), updatedAt: now() });
    // Another account still plans to follow them.
    await t.db.insert(actions).values({ account: accountIds.lucas_ventes!, kind: 'follow', target: who.user.id, prospectId: who.user.id, persona: 'rh-pme-fr', status: 'planned', plannedAt: now() });
    await untilReacted(engaged);

    const result = await signals(ctx());
    expect(result.counts.opt_outs).toBeGreaterThanOrEqual(1);
    expect(result.summary).toMatch(/@maya_sells \d+ mentions? \(\d+ opt-outs?\)/);
    expect(await signalsOf(who.user.id)).toContain('opt_out');
    const [entry] = await t.db.select().from(doNotContact).where(eq(doNotContact.prospectId, who.user.id));
    expect(entry).toMatchObject({ source: 'opt_out', addedBy: 'system' });
    expect(entry?.reason).toMatch(/^asked to stop \(".+"\) to @maya_sells in post \d+: "@maya_sells .+"$/);
    const theirLeads = await t.db.select({ persona: leads.persona, state: leads.state, warmAt: leads.warmAt }).from(leads).where(eq(leads.prospectId, who.user.id));
    expect(theirLeads.sort((a, b) => a.persona.localeCompare(b.persona))).toEqual([
      { persona: 'growth-saas-en', state: 'do_not_contact', warmAt: null },
      { persona: 'rh-pme-fr', state: 'do_not_contact', warmAt: null },
    ]);
    const planned = await t.db.select({ status: actions.status }).from(actions).where(and(eq(actions.prospectId, who.user.id), eq(actions.account, accountIds.lucas_ventes!)));
    expect(planned).toEqual([{ status: 'cancelled' }]);
    // An opt-out scores 0 wherever the person is matched.
    const scores = await t.db.select({ score: matches.score }).from(matches).where(eq(matches.prospectId, who.user.id));
    expect(scores.map((s) => s.score)).toEqual([0, 0]);
  });

  it('a lead whose person engages back turns warm, with a higher score and the signal in its history', async () => {
    const { found, engaged } = await engageUntil('maya_sells', ['reply'], { via: 'follow' });
    const who = found.get('reply')!;
    await store('maya_sells', engaged);
    await score(ctx({ config: { worker: config.worker, personas: [growth()] } }));
    await buildQueue(t.db, { persona: 'growth-saas-en', day: now().toISOString().slice(0, 10), perDay: 1000, minScore: 0, owners: ['maya'], at: now() });
    const [before] = await t.db.select().from(leads).where(eq(leads.prospectId, who.user.id));
    expect(before?.warmAt).toBeNull();
    await untilReacted(engaged);

    const result = await signals(ctx());
    expect(result.counts.warm_leads).toBeGreaterThanOrEqual(1);
    const [after] = await t.db.select().from(leads).where(eq(leads.prospectId, who.user.id));
    const [reply] = await t.db.select().from(signalsTable).where(and(eq(signalsTable.prospectId, who.user.id), eq(signalsTable.kind, 'replied')));
    expect(after?.warmAt).toEqual(reply?.occurredAt);
    expect(after!.score).toBeGreaterThan(before!.score);
    const [match] = await t.db.select().from(matches).where(and(eq(matches.prospectId, who.user.id), eq(matches.persona, 'growth-saas-en')));
    expect(after!.score).toBe(match!.score);
    expect(match?.explanation).toContain('replied to us');
    // Not rescored again by the scoring job: the new score is current.
    expect(match!.scoredAt!.getTime()).toBeGreaterThanOrEqual(match!.updatedAt.getTime());

    const detail = await findLead(t.db, after!.id);
    expect(detail?.signals.map((s) => s.kind)).toContain('replied');
    expect(detail?.actions).toEqual([expect.objectContaining({ kind: 'follow', status: 'done', target: who.user.id, account: accountIds.maya_sells })]);
    const printed = printLead(detail!);
    expect(printed).toMatch(/warm since \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(printed).toMatch(/follow done\s+\d{10,}/);
    expect(printed).toMatch(/replied\s+to \d{10,}\s+post \d+/);
  });

  it('a follow request a protected user accepts is recorded once, and followings are read only while requests are pending', async () => {
    const maya = accountIds.maya_sells!;
    const { found, engaged } = await engageUntil('maya_sells', ['accept_follow'], { via: 'follow', protectedOnly: true });
    const who = found.get('accept_follow')!;
    expect(who.outcome).toEqual({ following: false, pending_follow: true });
    await store('maya_sells', engaged);
    const stillPending = engaged.filter((e) => !e.reactions.includes('accept_follow'));
    await untilReacted(engaged);

    const result = await signals(ctx());
    const accepting = engaged.filter((e) => e.reactions.includes('accept_follow'));
    expect(result.counts.follow_accepted).toBe(accepting.length);
    expect(result.summary).toMatch(/@maya_sells .*, \d+ follows? accepted/);
    expect(await signalsOf(who.user.id)).toContain('follow_accepted');
    const [action] = await t.db.select().from(actions).where(and(eq(actions.account, maya), eq(actions.target, who.user.id)));
    expect(action?.outcome).toEqual({ following: false, pending_follow: true, accepted: true, accepted_at: now().toISOString() });
    for (const e of stillPending) {
      const [other] = await t.db.select().from(actions).where(and(eq(actions.account, maya), eq(actions.target, e.user.id)));
      expect(other?.outcome).toEqual({ following: false, pending_follow: true });
    }

    // Still pending ones keep the followings read; once none is pending, they are not read at all.
    let seq = await lastSeq();
    await signals(ctx());
    expect((await requestsSince(seq, `/2/users/${maya}/following`)).length).toBe(stillPending.length ? 1 : 0);
    expect(await signalsOf(who.user.id)).toEqual(expect.arrayContaining(['follow_accepted']));
    await t.db.update(actions).set({ status: 'cancelled' }).where(and(eq(actions.account, maya), sql`not (${actions.outcome} @> '{"accepted": true}'::jsonb)`));
    seq = await lastSeq();
    await signals(ctx());
    expect(await requestsSince(seq, `/2/users/${maya}/following`)).toHaveLength(0);
    expect((await t.db.select().from(signalsTable).where(eq(signalsTable.kind, 'follow_accepted'))).length).toBe(accepting.length);
  });

  it('a match rescored by signals gets the score the score job gives it: every signal counts, an accepted follow request too', async () => {
    const { found, engaged } = await engageUntil('maya_sells', ['accept_follow'], { via: 'follow', protectedOnly: true });
    const who = found.get('accept_follow')!;
    await store('maya_sells', engaged);
    await score(ctx());
    await untilReacted(engaged);
    await signals(ctx());
    expect(await signalsOf(who.user.id)).toEqual(['follow_accepted']);
    const scoreOf = async () => {
      const [m] = await t.db.select({ score: matches.score, explanation: matches.explanation }).from(matches).where(and(eq(matches.prospectId, who.user.id), eq(matches.persona, 'growth-saas-en')));
      return m;
    };
    const bySignals = await scoreOf();
    expect(bySignals?.explanation).toContain('accepted our follow request');
    // The score job, made to score the same match again at the same instant, agrees.
    await t.db.update(matches).set({ scoredAt: null }).where(eq(matches.prospectId, who.user.id));
    expect((await score(ctx())).counts.scored).toBe(1);
    expect(await scoreOf()).toEqual(bySignals);
  });

  it('dry run reads and reports, and writes nothing', async () => {
    await signals(ctx());
    const { engaged } = await engageUntil('maya_sells', ['follow_back', 'opt_out'], { via: 'follow' });
    await store('maya_sells', engaged);
    await untilReacted(engaged);
    const snapshot = async () => ({
      actions: await t.db.select().from(actions).orderBy(actions.id),
      leads: await t.db.select().from(leads).orderBy(leads.id),
      matches: await t.db.select().from(matches).orderBy(matches.persona, matches.prospectId),
      cursors: await t.db.select().from(signalCursors).orderBy(signalCursors.account),
      graph: await count(accountGraph),
      signals: await count(signalsTable),
      doNotContact: await count(doNotContact),
    });
    const before = await snapshot();

    const dry = await signals(ctx({ dryRun: true }));
    expect(dry.summary).toMatch(/^@maya_sells .*; \d+ leads? warm \(would be\)$/);
    expect(dry.counts.followed_back).toBeGreaterThanOrEqual(1);
    expect(dry.counts.opt_outs).toBeGreaterThanOrEqual(1);
    expect(await snapshot()).toEqual(before);

    // The real run then finds the same.
    const real = await signals(ctx());
    expect(real.counts).toMatchObject({ mentions: dry.counts.mentions, followed_back: dry.counts.followed_back, opt_outs: dry.counts.opt_outs });
  });

  it('a rate-limited account is skipped after one request, the others are read', async () => {
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'users.followers': { storm_429: 1 } } });
    const seq = await lastSeq();
    const result = await signals(ctx());
    expect(result.counts.rate_limited).toBe(3);
    expect(result.summary).toMatch(/@maya_sells \d+ mentions?, 0 follow-backs, rate limited until \S+Z; @lucas_ventes/);
    // Never a loop: one followers request per account.
    expect((await requestsSince(seq, '/2/users/*')).filter((r) => r.path.endsWith('/followers'))).toHaveLength(3);
    // Mentions read before the 429 are kept, cursor and all.
    expect(await count(signalCursors)).toBeGreaterThan(0);
  });

  it("X's monthly cap stops the job", async () => {
    await sb.close();
    sb = await startTestSandbox({ users: 3000, monthlyPostReads: 0 });
    door.close();
    door = await XDoor.sandbox(sb.url);
    const seq = await lastSeq();
    const error = await signals(ctx()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(XCallError);
    expect((error as XCallError).kind).toBe('usage_capped');
    // Stopped at the first account's first read.
    expect((await requestsSince(seq, '/2/users/*')).filter((r) => r.path.endsWith('/mentions'))).toHaveLength(1);
  });
});

describeEachStore('signals run by the runner', (kind) => {

  it("stops on X's stop like the other jobs: records the stop it meets, then does not start while it holds", async () => {
    const capped = await startTestSandbox({ users: 300, monthlyPostReads: 0 });
    const store = await createWorkerStore(kind);
    const restore = setEnv(store.env);
    let runtime: Runtime | undefined;
    try {
      runtime = await openRuntime({ ...store.runtime, sandboxUrl: capped.url, configFile: 'config/prospector.yaml', say: () => {} });
      const sent = async () => (await capped.admin<{ requests: Array<{ path: string }> }>('/__sandbox/requests')).requests.filter((r) => r.path.startsWith('/2/')).length;
      // The first read of mentions meets X's monthly cap.
      await expect(runJob(runtime, 'signals')).rejects.toThrow(/monthly usage cap/);
      const stops = await activeStops(runtime.database.db, new Date(capped.clock.now()));
      expect(stops.map((s) => s.kind)).toEqual(['usage_capped']);
      expect(stops[0]?.until?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
      // While it holds, signals asks X nothing and says why.
      const before = await sent();
      const again = await runJob(runtime, 'signals');
      expect(again).toMatchObject({ status: 'stopped', summary: expect.stringMatching(/^signals: stopped — .*monthly usage cap.*, \d+\.\d\d s$/) });
      expect(await sent()).toBe(before);
    } finally {
      await runtime?.close();
      restore();
      await store.drop();
      await capped.close();
    }
  });
});

describe('prospector lead <id>', () => {
  it('shows the lead with its actions and signals in its history, hostile text escaped', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'prospector-lead-'));
    try {
      const at = (minutes: number) => new Date(Date.parse('2026-11-02T09:00:00Z') + minutes * 60_000);
      const handle = await openDatabase({ dataDir });
      try {
        await migrate(handle);
        const db = handle.db;
        await db.insert(accounts).values({ handle: 'maya_sells', xUserId: '1500000000000000001', owner: 'maya', engagingSince: at(0), updatedAt: at(0) });
        await upsertProspects(db, [{ ...prospectOf(HOSTILE, at(0)) }]);
        await db.insert(leads).values({ prospectId: HOSTILE.id, persona: 'growth-saas-en', owner: 'maya', queuedOn: '2026-11-02', state: 'new', score: 71, reasons: '+15 title \u001b[31mmatches', warmAt: at(200), createdAt: at(0), updatedAt: at(200) });
        await db.insert(leadEvents).values({ leadId: 1, at: at(0), actor: 'system', fromState: null, toState: 'new', note: 'queued for growth-saas-en' });
        await db.insert(actions).values({ account: '1500000000000000001', kind: 'follow', target: HOSTILE.id, prospectId: HOSTILE.id, persona: 'growth-saas-en', status: 'done', plannedAt: at(10), sentAt: at(11), finishedAt: at(11), outcome: { following: false, pending_follow: true, accepted: true, accepted_at: at(90).toISOString() } });
        await db.insert(signalsTable).values([
          { prospectId: HOSTILE.id, account: '1500000000000000001', kind: 'follow_accepted', postId: null, occurredAt: at(90) },
          { prospectId: HOSTILE.id, account: '1500000000000000001', kind: 'replied', postId: '1800000000000000042', occurredAt: at(200) },
        ]);
      } finally {
        await handle.close();
      }

      let out = '';
      const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
      registerPipelineCommands(program, { out: (text) => (out += text), say: () => {}, runtime: { dataDir } });
      await program.parseAsync(['node', 'prospector', 'lead', '#1']);
      const lines = out.split('\n');
      expect(lines[0]).toBe('lead #1 @eve_evil (Eve [2Jevil) · growth-saas-en · owner maya · new · score 71 · warm since 2026-11-02 12:20 UTC');
      expect(lines[1]).toBe('why: +15 title [31mmatches');
      const history = lines.slice(3).filter((l) => /^\d{4}-/.test(l));
      expect(history).toHaveLength(4);
      expect(history[0]).toMatch(/^2026-11-02 09:00\s+new\s+system\s+queued for growth-saas-en$/);
      expect(history[1]).toMatch(/^2026-11-02 09:11\s+follow done\s+@maya_sells\s+user 1600000000000000077, request accepted 2026-11-02 10:30, for growth-saas-en$/);
      expect(history[2]).toMatch(/^2026-11-02 10:30\s+accepted our follow\s+to @maya_sells\s*$/);
      expect(history[3]).toMatch(/^2026-11-02 12:20\s+replied\s+to @maya_sells\s+post 1800000000000000042$/);
      expect(out.includes('\u001b') || out.includes('\u202e')).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Someone whose profile tries to take over a terminal. */
const HOSTILE = {
  index: 0,
  id: '1600000000000000077',
  username: 'eve_evil',
  name: 'Eve \u001b[2J\u202eevil',
  description: 'bio',
  location: '',
  url: '',
  createdAt: Date.parse('2015-01-01T00:00:00Z'),
  protected: true,
  verified: false,
  followersCount: 10,
  followingCount: 10,
  tweetCount: 10,
  listedCount: 0,
  likeCount: 0,
  truth: { language: 'en' },
} as unknown as SandboxUser;

function prospectOf(u: SandboxUser, seenAt: Date): ProspectInput {
  return {
    xUserId: u.id,
    username: u.username,
    name: u.name,
    description: u.description,
    location: u.location || null,
    url: u.url || null,
    createdAt: new Date(u.createdAt),
    verified: u.verified,
    protected: u.protected,
    followersCount: u.followersCount,
    followingCount: u.followingCount,
    tweetCount: u.tweetCount,
    listedCount: u.listedCount,
    likeCount: u.likeCount,
    lang: u.truth.language,
    seenAt,
  };
}
