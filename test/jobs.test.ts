import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { activeStops } from '../db/accounts.ts';
import { addDoNotContact } from '../db/do-not-contact.ts';
import { getCursor, readsToday } from '../db/search.ts';
import { listQueue } from '../db/leads.ts';
import type { JobContext } from '../jobs/context.ts';
import { runFramed } from '../jobs/frame.ts';
import { JOBS } from '../jobs/index.ts';
import queue from '../jobs/queue.ts';
import score from '../jobs/score.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { XDoor } from '../src/x/door.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { jobContext } from './support/context.ts';
import { captureLog } from './support/worker.ts';

/**
 * The jobs against the sandbox over HTTP, on a frozen clock, on PGlite and on PostgreSQL: what
 * search stores and meters, that nothing is read twice across runs, scores with reasons, and the
 * queue's rules.
 */

let sb: TestSandbox;
let door: XDoor;
let config: LoadedConfig;

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
// A sandbox of each test's own: its clock, request log, rate-limit windows and world start afresh.
beforeEach(async () => {
  sb = await startTestSandbox({ users: 3000 });
  door = await XDoor.sandbox(sb.url);
});
afterEach(async () => {
  door?.close();
  await sb?.close();
});

type Rows = { rows: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as Exclude<Rows, unknown[]>).rows) as Array<Record<string, unknown>>;

/** A persona with some of its settings changed (personas are frozen). */
function variant(id: string, change: (p: Persona) => Persona): Persona {
  const base = config.personas.find((p) => p.id === id);
  if (!base) throw new Error(`no example persona ${id}`);
  return change(base);
}

/** Search requests the sandbox received since `seq`, with their since_id/until_id. */
async function searchesSince(seq: number) {
  const log = await sb.admin<{ requests: Array<{ seq: number; path: string; query: Record<string, string>; status: number }> }>(`/__sandbox/requests?since=${seq}&path=/2/tweets/search/recent`);
  return log.requests;
}

async function lastSeq(): Promise<number> {
  const log = await sb.admin<{ requests: Array<{ seq: number }> }>('/__sandbox/requests');
  return log.requests.at(-1)?.seq ?? 0;
}

/** The day on the test's sandbox clock. */
const today = () => new Date(sb.clock.now()).toISOString().slice(0, 10);

describeEachDatabase('jobs', (t) => {
  const ctx = (personas: readonly Persona[], over: Partial<JobContext> = {}): JobContext =>
    jobContext({ db: t.db, x: door, now: () => new Date(sb.clock.now()), config: { worker: config.worker, personas } }, over);
  const growth = () => variant('growth-saas-en', (p) => p);

  beforeEach(async () => {
    await t.reset();
  });

  it('search stores prospects, posts and matches, meters the reads, and moves the cursor', async () => {
    const persona = growth();
    const result = await search(ctx([persona]));
    expect(result.counts.posts).toBeGreaterThan(20);
    expect(result.counts.new_prospects).toBeGreaterThan(10);
    const prospects = rowsOf(await t.db.execute(sql`select count(*)::int as n from prospects`))[0]?.n as number;
    const matches = rowsOf(await t.db.execute(sql`select count(*)::int as n from matches where persona = ${persona.id}`))[0]?.n as number;
    expect(prospects).toBe(result.counts.new_prospects);
    expect(matches).toBe(prospects);
    const reads = await readsToday(t.db, persona.id, today());
    expect(reads.posts).toBe(result.counts.posts);
    // Search pages and the lookups of their authors are both requests.
    expect(reads.requests).toBe((result.counts.pages ?? 0) + (result.counts.user_lookups ?? 0));
    expect(reads.users).toBe(result.counts.users);
    expect(reads.costUsd).toBeGreaterThan(0);
    for (const query of persona.search.queries) {
      const cursor = await getCursor(t.db, persona.id, query);
      expect(cursor?.untilId ?? null).toBeNull();
    }
    expect(result.summary).toMatch(/^growth-saas-en: \d+ posts \(\d+ new\), \d+ new prospects, \d+ pages, ~\$\d+\.\d\d$/);
  });

  it('a run goes through the frame: one outcome line, human text and structured fields, timed by the frame', async () => {
    const persona = growth();
    const captured = captureLog('debug');
    const outcome = await runFramed(JOBS.search, ctx([persona], { persona: persona.id, log: captured.log }));
    expect(outcome).toMatchObject({ status: 'ok', counts: expect.objectContaining({ personas: 1 }) });
    expect(outcome.summary).toMatch(/^search growth-saas-en: \d+ posts \(\d+ new\), \d+ new prospects, \d+ pages, ~\$\d+\.\d\d, \d+\.\d\d s$/);
    const lines = captured.lines.filter((l) => l.job === 'search');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: outcome.summary, job: 'search', persona: persona.id, status: 'ok', posts: outcome.counts.posts, new_prospects: outcome.counts.new_prospects, seconds: outcome.seconds });
    // score and queue say the same way what they did.
    expect((await runFramed(JOBS.score, ctx([persona], { persona: persona.id }))).summary).toMatch(/^score growth-saas-en: \d+ scored, mean \d+, \d+\.\d\d s$/);
    expect((await runFramed(JOBS.queue, ctx([persona], { persona: persona.id }))).summary).toMatch(/^queue growth-saas-en: \d+ new leads \(day \d{4}-\d\d-\d\d\), \d+\.\d\d s$/);
  });

  it('never reads a post twice across runs: the next run asks X only for newer posts', async () => {
    const persona = growth();
    await search(ctx([persona]));
    const seq = await lastSeq();
    const again = await search(ctx([persona]));
    expect(again.counts.posts).toBe(0);
    const requests = await searchesSince(seq);
    expect(requests.length).toBe(persona.search.queries.length);
    // Each query that found posts asks only for newer ones; one that found none has nothing to skip.
    for (const r of requests) {
      const cursor = await getCursor(t.db, persona.id, r.query.query as string);
      expect(r.query.since_id, `query ${r.query.query}`).toBe(cursor?.sinceId ?? undefined);
    }
    expect(requests.filter((r) => r.query.since_id).length).toBeGreaterThan(0);

    await sb.advance(3 * 3600);
    const later = await search(ctx([persona]));
    expect(later.counts.posts).toBeGreaterThan(0);
    // Every post read on the later run is new to the database.
    expect(later.counts.new_posts).toBe(later.counts.posts);
  });

  it('stops at the read budget, remembers the gap, and reads it next time without overlap', async () => {
    const persona = variant('growth-saas-en', (p) => ({ ...p, search: { ...p.search, max_posts_per_day: 40 } }));
    const first = await search(ctx([persona]));
    expect(first.counts.posts).toBeLessThanOrEqual(40);
    const gaps = [];
    for (const query of persona.search.queries) {
      const cursor = await getCursor(t.db, persona.id, query);
      if (cursor?.untilId) gaps.push(cursor);
    }
    expect(gaps.length).toBeGreaterThan(0);

    // The next day has a fresh budget: the gap is read first, then the cursor moves on.
    await sb.advance(24 * 3600);
    const seq = await lastSeq();
    const second = await search(ctx([{ ...persona, search: { ...persona.search, max_posts_per_day: 100_000 } }]));
    expect(second.counts.posts).toBeGreaterThan(0);
    expect(second.counts.new_posts).toBe(second.counts.posts);
    expect((await searchesSince(seq)).some((r) => r.query.until_id !== undefined)).toBe(true);
    const posts = rowsOf(await t.db.execute(sql`select count(*)::int as n from posts`))[0]?.n as number;
    expect(posts).toBe((first.counts.new_posts ?? 0) + (second.counts.new_posts ?? 0));
  });

  it("never makes the team's own accounts into matches", async () => {
    const persona = variant('growth-saas-en', (p) => ({ ...p, search: { ...p.search, queries: ['from:maya_sells OR from:lucas_ventes OR #Marketing'] } }));
    const result = await search(ctx([persona]));
    expect(result.counts.posts).toBeGreaterThan(0);
    const ours = sb.accounts.accounts.map((a) => a.id);
    const stored = rowsOf(await t.db.execute(sql`select count(*)::int as n from posts where author_id in (${sql.join(ours.map((id) => sql`${id}`), sql`, `)})`))[0]?.n as number;
    expect(stored).toBeGreaterThan(0);
    const matched = rowsOf(await t.db.execute(sql`select count(*)::int as n from matches where prospect_id in (${sql.join(ours.map((id) => sql`${id}`), sql`, `)})`))[0]?.n as number;
    expect(matched).toBe(0);
  });

  it('dry run reads but writes nothing', async () => {
    const persona = growth();
    const result = await search(ctx([persona], { dryRun: true }));
    expect(result.counts.posts).toBeGreaterThan(0);
    const stored = rowsOf(await t.db.execute(sql`select (select count(*) from prospects)::int + (select count(*) from search_cursors)::int + (select count(*) from read_meter)::int as n`))[0]?.n;
    expect(stored).toBe(0);
  });

  it('a 429 on search keeps what was read, stops until the reset, and never loops', async () => {
    const persona = growth();
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { search: { storm_429: 1 } } });
    try {
      const seq = await lastSeq();
      const result = await search(ctx([persona]));
      expect(result.counts.rate_limited).toBe(1);
      expect(result.summary).toMatch(/rate limited by X, searching again after 20\d\d-/);
      const sent = await searchesSince(seq);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.status).toBe(429);
    } finally {
      await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    }
  });

  it("X's monthly cap stops search and engage, recorded until the month ends", async () => {
    const capped = await startTestSandbox({ users: 300, monthlyPostReads: 1 });
    const cappedDoor = await XDoor.sandbox(capped.url);
    try {
      const persona = growth();
      const context = ctx([persona], { x: cappedDoor, now: () => new Date(capped.clock.now()) });
      // The first page passes the cap (nothing read yet this month); the next request is refused.
      await expect(async () => {
        for (let i = 0; i < 5; i++) await runFramed(JOBS.search, context);
      }).rejects.toThrow(/monthly usage cap/);
      const stops = await activeStops(t.db, new Date(capped.clock.now()));
      expect(stops.map((s) => s.kind)).toEqual(['usage_capped']);
      expect(stops[0]?.until?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
      expect(await runFramed(JOBS.search, context)).toMatchObject({ status: 'stopped', summary: expect.stringMatching(/^search: stopped — .*monthly usage cap/) });
      expect(await runFramed(JOBS.engage, context)).toMatchObject({ status: 'stopped', summary: expect.stringMatching(/^engage: stopped — .*monthly usage cap/) });
      // Jobs that do not call X go on.
      expect(await runFramed(JOBS.score, context)).toMatchObject({ status: 'ok' });
    } finally {
      cappedDoor.close();
      await capped.close();
    }
  });

  it('score gives every match a score with an explanation, and rescores nothing unchanged', async () => {
    const persona = growth();
    await search(ctx([persona]));
    const scored = await score(ctx([persona]));
    expect(scored.counts.scored).toBeGreaterThan(10);
    const rows = rowsOf(await t.db.execute(sql`select score, explanation, components from matches where persona = ${persona.id}`));
    expect(rows.every((r) => typeof r.score === 'number' && (r.score as number) >= 0 && (r.score as number) <= 100)).toBe(true);
    expect(rows.filter((r) => typeof r.explanation === 'string' && /^[+−]\d+ /.test(r.explanation as string)).length).toBeGreaterThan(rows.length / 2);
    expect((await score(ctx([persona]))).counts.scored).toBe(0);
  });

  it('queue: top per_day above min_score, owners spread, no re-queue, do-not-contact wins', async () => {
    const persona = variant('growth-saas-en', (p) => ({ ...p, queue: { ...p.queue, per_day: 4, min_score: 30, owners: ['maya', 'lucas'] } }));
    await search(ctx([persona]));
    await score(ctx([persona]));
    const candidates = rowsOf(await t.db.execute(sql`select prospect_id, score from matches where persona = ${persona.id} and score >= 30 order by score desc, prospect_id`));
    expect(candidates.length).toBeGreaterThan(8);
    // The best candidate asked not to be contacted.
    await addDoNotContact(t.db, { prospectId: candidates[0]?.prospect_id as string, reason: 'asked on X', source: 'manual', addedBy: 'test', at: new Date(sb.clock.now()) });

    const first = await queue(ctx([persona]));
    expect(first.counts.queued).toBe(4);
    const leads = await listQueue(t.db, { day: today(), persona: persona.id });
    expect(leads.map((l) => l.prospectId)).not.toContain(candidates[0]?.prospect_id);
    expect(leads.every((l) => l.score >= 30)).toBe(true);
    expect(leads.map((l) => l.owner).sort()).toEqual(['lucas', 'lucas', 'maya', 'maya']);
    expect((await queue(ctx([persona]))).counts.queued).toBe(0);

    await sb.advance(24 * 3600);
    const next = await queue(ctx([persona]));
    expect(next.counts.queued).toBe(4);
    const all = await listQueue(t.db, { persona: persona.id });
    expect(new Set(all.map((l) => l.prospectId)).size).toBe(all.length);
  });

  it('a cursor older than the 7-day search window becomes a start_time instead of a refused since_id', async () => {
    // A sandbox of its own: eight days pass in it.
    const own = await startTestSandbox({ users: 3000 });
    const ownDoor = await XDoor.sandbox(own.url);
    const persona = growth();
    const context = () => ctx([persona], { x: ownDoor, now: () => new Date(own.clock.now()) });
    const lastSeq = async () => (await own.admin<{ requests: Array<{ seq: number }> }>('/__sandbox/requests')).requests.at(-1)?.seq ?? 0;
    const searchesSince = async (seq: number) =>
      (await own.admin<{ requests: Array<{ seq: number; query: Record<string, string>; status: number }> }>(`/__sandbox/requests?since=${seq}&path=/2/tweets/search/recent`)).requests;
    try {
      await search(context());
      await own.advance(8 * 86_400);
      const seq = await lastSeq();
      const result = await search(context());
      expect(result.counts.pages).toBeGreaterThan(0);
      const sent = await searchesSince(seq);
      expect(sent.every((r) => r.status === 200)).toBe(true);
      const first = sent.find((r) => !r.query.next_token);
      expect(first?.query.since_id).toBeUndefined();
      expect(Date.parse(first!.query.start_time!)).toBeGreaterThan(own.clock.now() - 7 * 86_400_000);
      // The cursors that found posts moved on: the next run sends since_id again (queries that never found
      // anything have no cursor and read the whole window).
      const seq2 = await lastSeq();
      await search(context());
      const again = (await searchesSince(seq2)).filter((r) => !r.query.next_token);
      expect(again.every((r) => r.status === 200)).toBe(true);
      expect(again.some((r) => r.query.since_id !== undefined)).toBe(true);
    } finally {
      ownDoor.close();
      await own.close();
    }
  });
});
