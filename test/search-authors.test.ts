import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { readsToday } from '../db/search.ts';
import type { JobContext } from '../jobs/context.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { XDoor } from '../src/x/door.ts';
import { PAY_PER_USE_USD } from '../src/x/tiers.ts';
import { jobContext } from './support/context.ts';
import { describeEachDatabase } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * Pay for an author once: search reads posts without X's author expansion and looks up, 100 ids a
 * request, only the authors not stored with a profile read within `search.author_refresh_days`.
 * Judged by the sandbox's request log (what was asked of X) and the read meter (what it cost),
 * through the real client over HTTP, on PGlite and on PostgreSQL.
 */

let sb: TestSandbox;
let door: XDoor;
let config: LoadedConfig;

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
beforeEach(async () => {
  sb = await startTestSandbox({ users: 3000 });
  door = await XDoor.sandbox(sb.url);
});
afterEach(async () => {
  door?.close();
  await sb?.close();
});

interface Logged {
  seq: number;
  path: string;
  query: Record<string, string>;
  status: number;
}

async function requestsSince(seq: number, path: string): Promise<Logged[]> {
  return (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}&path=${path}`)).requests;
}

async function lastSeq(): Promise<number> {
  return (await sb.admin<{ requests: Array<{ seq: number }> }>('/__sandbox/requests')).requests.at(-1)?.seq ?? 0;
}

/** The ids of every user lookup (`GET /2/users?ids=`) since `seq`, one list a request. */
async function lookupsSince(seq: number): Promise<string[][]> {
  return (await requestsSince(seq, '/2/users')).map((r) => (r.query.ids ?? '').split(','));
}

const DAY_S = 86_400;
const today = () => new Date(sb.clock.now()).toISOString().slice(0, 10);

type Rows = { rows: Array<Record<string, unknown>> } | Array<Record<string, unknown>>;
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as Exclude<Rows, unknown[]>).rows) as Array<Record<string, unknown>>;

describeEachDatabase('search pays for an author once', (t) => {
  const persona = (refreshDays?: number): Persona => {
    const base = config.personas.find((p) => p.id === 'growth-saas-en');
    if (!base) throw new Error('no example persona growth-saas-en');
    return refreshDays === undefined ? base : { ...base, search: { ...base.search, author_refresh_days: refreshDays } };
  };
  const ctx = (p: Persona, over: Partial<JobContext> = {}): JobContext =>
    jobContext({ db: t.db, x: door, now: () => new Date(sb.clock.now()), config: { worker: config.worker, personas: [p] } }, over);
  const query = async (q: ReturnType<typeof sql>) => rowsOf(await t.db.execute(q));
  const storedIds = async () => new Set((await query(sql`select x_user_id as id from prospects`)).map((r) => r.id as string));

  beforeEach(async () => {
    await t.reset();
  });

  it('looks up unknown authors 100 ids a request at most, each once, and asks search for the posts only', async () => {
    const p = persona();
    const result = await search(ctx(p));
    const searches = await requestsSince(0, '/2/tweets/search/recent');
    expect(searches.length).toBeGreaterThan(0);
    for (const r of searches) {
      expect(r.query.expansions, 'no author expansion').toBeUndefined();
      expect(r.query['user.fields']).toBeUndefined();
    }
    const lookups = await lookupsSince(0);
    expect(lookups.length).toBeGreaterThan(0);
    for (const ids of lookups) expect(ids.length).toBeLessThanOrEqual(100);
    const looked = lookups.flat();
    expect(new Set(looked).size, 'no author looked up twice in a run').toBe(looked.length);
    // Every stored prospect was looked up, and every author looked up is stored.
    const stored = await storedIds();
    expect(new Set(looked)).toEqual(stored);
    expect(result.counts.users).toBe(stored.size);
    expect(result.counts.user_lookups).toBe(lookups.length);
    // The lookups ask for the fields the author expansion brought.
    for (const r of await requestsSince(0, '/2/users')) expect(r.query['user.fields']).toBe('created_at,description,location,url,verified,protected,public_metrics');
    const reads = await readsToday(t.db, p.id, today());
    expect(reads.users).toBe(stored.size);
    expect(reads.requests).toBe(searches.length + lookups.length);
  });

  it('door.users looks up any number of ids in requests of at most 100', async () => {
    const ids = sb.world.users.slice(0, 250).map((u) => u.id);
    const seq = await lastSeq();
    const found = await door.users([...ids, ids[0] as string]);
    expect(found.users.map((u) => u.id)).toEqual(ids);
    expect(found.missing).toEqual([]);
    expect(found.requests).toBe(3);
    expect((await lookupsSince(seq)).map((batch) => batch.length)).toEqual([100, 100, 50]);
  });

  it('a later run does not buy again the authors read within author_refresh_days: no lookup, no expansion for them', async () => {
    const p = persona(3);
    await search(ctx(p));
    const before = await storedIds();
    const usersBefore = (await readsToday(t.db, p.id, today())).users;
    await sb.advance(DAY_S);
    const seq = await lastSeq();
    const later = await search(ctx(p));
    expect(later.counts.posts).toBeGreaterThan(0);
    // Some of the people of yesterday posted again (the sandbox's people post day after day)…
    const again = await query(sql`select distinct author_id as id from posts where first_seen_at = ${new Date(sb.clock.now()).toISOString()}::timestamptz`);
    const returning = again.map((r) => r.id as string).filter((id) => before.has(id));
    expect(returning.length).toBeGreaterThan(0);
    expect(later.counts.known_authors).toBeGreaterThanOrEqual(returning.length);
    // …and none of them was looked up, nor sent with the posts.
    const looked = new Set((await lookupsSince(seq)).flat());
    for (const id of returning) expect(looked.has(id), `author ${id} bought again`).toBe(false);
    for (const r of await requestsSince(seq, '/2/tweets/search/recent')) expect(r.query.expansions).toBeUndefined();
    // What the run paid for in users is the new people only.
    const after = await storedIds();
    expect(later.counts.users).toBe(after.size - before.size);
    expect((await readsToday(t.db, p.id, today())).users).toBe(later.counts.users);
    expect(usersBefore).toBe(before.size);
    // Their matches and posts are stored all the same.
    const unmatched = await query(sql`select count(*)::int as n from posts po where not exists (select 1 from matches m where m.prospect_id = po.author_id and m.persona = ${p.id})`);
    expect(unmatched[0]?.n).toBe(0);
  });

  it('authors whose profile is older than author_refresh_days are looked up again and their profile refreshed', async () => {
    const p = persona(1);
    await search(ctx(p));
    const before = await storedIds();
    const firstSeen = new Date(sb.clock.now());
    await sb.advance(2 * DAY_S);
    // Mark every stored profile as out of date, to see which ones a lookup brings back from X.
    await t.db.execute(sql`update prospects set followers_count = -1`);
    const seq = await lastSeq();
    await search(ctx(p));
    const now = new Date(sb.clock.now());
    const again = await query(sql`select distinct author_id as id from posts where first_seen_at = ${now.toISOString()}::timestamptz`);
    const returning = again.map((r) => r.id as string).filter((id) => before.has(id));
    expect(returning.length).toBeGreaterThan(0);
    const looked = new Set((await lookupsSince(seq)).flat());
    for (const id of returning) expect(looked.has(id), `stale author ${id} not refreshed`).toBe(true);
    const profiles = new Map((await query(sql`select x_user_id as id, followers_count as followers, last_seen_at as seen from prospects`)).map((r) => [r.id as string, r]));
    for (const id of returning) {
      expect(profiles.get(id)?.followers, `profile of ${id} read again`).not.toBe(-1);
      expect(new Date(profiles.get(id)?.seen as string).getTime()).toBe(now.getTime());
    }
    // A stale author who did not post again is left as it was: nothing is bought for nothing.
    const quiet = [...before].filter((id) => !returning.includes(id));
    expect(quiet.length).toBeGreaterThan(0);
    for (const id of quiet) {
      expect(profiles.get(id)?.followers).toBe(-1);
      expect(new Date(profiles.get(id)?.seen as string).getTime()).toBe(firstSeen.getTime());
    }
  });

  it('a search whose authors are all known costs no user read', async () => {
    const p = persona();
    const first = await search(ctx(p));
    expect(first.counts.posts).toBeGreaterThan(0);
    const meterBefore = await readsToday(t.db, p.id, today());
    // Forget the cursors: the same posts are read again, by authors all stored a moment ago.
    await t.db.execute(sql`delete from search_cursors`);
    const seq = await lastSeq();
    const again = await search(ctx(p));
    expect(again.counts.posts).toBe(first.counts.posts);
    expect(again.counts.users).toBe(0);
    expect(again.counts.user_lookups).toBe(0);
    expect(await lookupsSince(seq)).toEqual([]);
    for (const r of await requestsSince(seq, '/2/tweets/search/recent')) expect(r.query.expansions).toBeUndefined();
    const meter = await readsToday(t.db, p.id, today());
    expect(meter.users).toBe(meterBefore.users);
    expect(meter.costUsd - meterBefore.costUsd).toBeCloseTo((again.counts.posts ?? Number.NaN) * PAY_PER_USE_USD.postRead, 6);
  });

  it('stores the same prospects, posts and matches as the author expansion did', async () => {
    const snapshot = async () => ({
      prospects: await query(sql`select * from prospects order by x_user_id`),
      posts: await query(sql`select * from posts order by x_post_id`),
      matches: await query(sql`select persona, prospect_id, post_id, matched_at, updated_at from matches order by persona, prospect_id`),
    });
    // author_refresh_days 0: every author bought with the posts, as search always did.
    let seq = await lastSeq();
    await search(ctx(persona(0)));
    expect((await requestsSince(seq, '/2/tweets/search/recent')).every((r) => r.query.expansions === 'author_id')).toBe(true);
    expect(await lookupsSince(seq)).toEqual([]);
    const expanded = await snapshot();
    expect(expanded.prospects.length).toBeGreaterThan(10);

    await t.reset();
    seq = await lastSeq();
    await search(ctx(persona()));
    expect((await lookupsSince(seq)).length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(expanded);
  });
});
