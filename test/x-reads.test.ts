import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XDoor } from '../src/x/door.ts';
import { XCallError } from '../src/x/errors.ts';
import type { XAccount } from '../src/x/account.ts';
import type { SandboxPost, SandboxUser } from '../src/sandbox/types.ts';
import { openapiAvailable, openapiMissing, validateResponse } from './support/openapi.ts';
import { startTestSandbox, type AccountInfo, type TestSandbox } from './support/sandbox.ts';

/**
 * The reads that settle a like or follow whose answer was lost: the account's liked posts and
 * its followings, newest first and bounded to a few pages, through the real twitter-api-v2
 * client over HTTP against the sandbox.
 */

let sb: TestSandbox;
let door: XDoor;
/** Every try costs a request; the retries wait nothing so the fault tests stay fast. */
const ATTEMPTS = 3;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 400 });
  door = await XDoor.sandbox(sb.url, { retry: { attempts: ATTEMPTS, baseMs: 1, maxMs: 1, sleep: async () => {} } });
});
afterAll(async () => {
  door?.close();
  await sb?.close();
});
beforeEach(async () => {
  await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
});

const info = (i: number) => sb.accounts.accounts[i] as AccountInfo;
const accountAt = (i: number): Promise<XAccount> => door.account(info(i).username);

/** Posts anyone may like, oldest first (the world's order). */
function likeablePosts(): SandboxPost[] {
  return sb.world.posts.filter((p) => p.kind !== 'retweet');
}

/** Population users (not the team's accounts), public or not. */
function people(): SandboxUser[] {
  return sb.world.users.filter((u) => !sb.world.accounts.some((a) => a.user.index === u.index));
}

async function all<T>(pages: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function requestsTo(path: string): Promise<Array<{ status: number; query: Record<string, string>; fault?: string }>> {
  return (await sb.admin<{ requests: Array<{ status: number; query: Record<string, string>; fault?: string }> }>(`/__sandbox/requests?path=${path}&method=GET`)).requests;
}

describe('likedPostIds', () => {
  it('lists the posts liked, newest like first (not newest post first)', async () => {
    const account = await accountAt(0);
    const posts = likeablePosts();
    // Liked out of post order: a mid post, the newest, then the oldest.
    const [mid, newest, oldest] = [posts[Math.floor(posts.length / 2)]!, posts.at(-1)!, posts[0]!];
    for (const post of [mid, newest, oldest]) expect((await account.like(post.id)).data.liked).toBe(true);

    const pages = await all(account.likedPostIds({ maxPages: 1 }));
    expect(pages).toEqual([[oldest.id, newest.id, mid.id]]);
    const sent = await requestsTo(`/2/users/${info(0).id}/liked_tweets`);
    expect(sent.map((r) => [r.status, r.query.max_results])).toEqual([[200, '100']]);
  });

  it('counts against its own bucket: 75 requests per 15 minutes per user on pay-per-use', async () => {
    // Account 0 read its likes once in the test before: this is its second request in the window.
    const res = await sb.userClient(0).v2.get(`users/${info(0).id}/liked_tweets`, {}, { fullResponse: true });
    expect(res.rateLimit).toMatchObject({ limit: 75, remaining: 73 });
  });

  it('stops at maxPages though X has more, and reads to the end within the bound', async () => {
    const account = await accountAt(1);
    const path = `/2/users/${info(1).id}/liked_tweets`;
    const posts = likeablePosts().slice(0, 12);
    for (const post of posts) await account.like(post.id);
    const newestFirst = posts.map((p) => p.id).reverse();

    await sb.admin('/__sandbox/requests', { method: 'DELETE' });
    const bounded = await all(account.likedPostIds({ maxPages: 2, pageSize: 5 }));
    expect(bounded).toEqual([newestFirst.slice(0, 5), newestFirst.slice(5, 10)]);
    expect(await requestsTo(path)).toHaveLength(2);

    await sb.admin('/__sandbox/requests', { method: 'DELETE' });
    const whole = await all(account.likedPostIds({ maxPages: 10, pageSize: 5 }));
    expect(whole).toEqual([newestFirst.slice(0, 5), newestFirst.slice(5, 10), newestFirst.slice(10)]);
    // The third page carried no next_token: no fourth request.
    const sent = await requestsTo(path);
    expect(sent).toHaveLength(3);
    expect(sent[1]?.query.pagination_token).toBeTruthy();
  });

  it('yields one empty page when the account has liked nothing', async () => {
    const account = await accountAt(2);
    expect(await all(account.likedPostIds({ maxPages: 3 }))).toEqual([[]]);
  });

  it('refuses a bound or page size X would not take', async () => {
    const account = await accountAt(0);
    await expect(all(account.likedPostIds({ maxPages: 0 }))).rejects.toThrow(RangeError);
    await expect(all(account.likedPostIds({ maxPages: 1, pageSize: 4 }))).rejects.toThrow(/pageSize must be an integer from 5 to 100/);
    await expect(all(account.followingIds({ maxPages: 1, pageSize: 1001 }))).rejects.toThrow(/pageSize must be an integer from 1 to 1000/);
  });
});

describe('followingIds', () => {
  it('lists the users followed, newest follow first, before the older followings', async () => {
    const account = await accountAt(2);
    const open = people().filter((u) => !u.protected);
    const [first, second] = [open[0]!, open[1]!];
    expect((await account.follow(first.id)).data.following).toBe(true);
    expect((await account.follow(second.id)).data.following).toBe(true);

    const [page] = await all(account.followingIds({ maxPages: 1 }));
    expect(page?.slice(0, 2)).toEqual([second.id, first.id]);
    expect(page?.length).toBe(100);

    await sb.admin('/__sandbox/requests', { method: 'DELETE' });
    const bounded = await all(account.followingIds({ maxPages: 2, pageSize: 1 }));
    expect(bounded).toEqual([[second.id], [first.id]]);
    expect(await requestsTo(`/2/users/${info(2).id}/following`)).toHaveLength(2);
  });
});

describe("liked_tweets bodies match X's OpenAPI document", () => {
  it.skipIf(!openapiAvailable)(`validates empty, full and later pages${openapiAvailable ? '' : ` (skipped: ${openapiMissing})`}`, async () => {
    const client = sb.userClient(2);
    const me = info(2).id;
    const path = `/2/users/${me}/liked_tweets`;
    const empty = await client.v2.get(`users/${me}/liked_tweets`);
    expect(empty).toEqual({ meta: { result_count: 0 } });
    for (const post of likeablePosts().slice(0, 7)) await client.v2.like(me, post.id);
    const first = await client.v2.get<{ data: Array<{ id: string }>; meta: { next_token?: string } }>(`users/${me}/liked_tweets`, {
      max_results: 5,
      'tweet.fields': 'author_id,created_at,lang,public_metrics,referenced_tweets,conversation_id',
      expansions: 'author_id,referenced_tweets.id',
      'user.fields': 'description,public_metrics,protected',
    });
    expect(first.data).toHaveLength(5);
    expect(first.meta.next_token).toBeTruthy();
    const second = await client.v2.get<{ data: unknown[]; meta: { previous_token?: string } }>(`users/${me}/liked_tweets`, { max_results: 5, pagination_token: first.meta.next_token! });
    expect(second.data).toHaveLength(2);
    expect(second.meta.previous_token).toBeTruthy();
    const problems = [empty, first, second].flatMap((body) => validateResponse('GET', path, 200, body));
    expect(problems).toEqual([]);
    const refused = await client.v2.get(`users/${me}/liked_tweets`, { max_results: 4 }).catch((e: { code: number; data: unknown }) => e);
    expect(refused).toMatchObject({ code: 400 });
    expect(validateResponse('GET', path, 400, (refused as { data: unknown }).data)).toEqual([]);
  });
});

describe('errors on the new reads', () => {
  it('a 500 on users.liked_tweets is retried, then surfaces as XCallError server', async () => {
    const account = await accountAt(0);
    await sb.admin('/__sandbox/requests', { method: 'DELETE' });
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'users.liked_tweets': { error_500: 1 } } });
    const error = await all(account.likedPostIds({ maxPages: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XCallError);
    expect(error).toMatchObject({ kind: 'server', details: { status: 500 } });
    const sent = await requestsTo(`/2/users/${info(0).id}/liked_tweets`);
    expect(sent.map((r) => [r.status, r.fault])).toEqual(Array.from({ length: ATTEMPTS }, () => [500, '500']));
  });

  it('a 429 storm on users.liked_tweets surfaces at once as XCallError rate_limited with its reset', async () => {
    const account = await accountAt(2);
    await sb.admin('/__sandbox/requests', { method: 'DELETE' });
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'users.liked_tweets': { storm_429: 1 } } });
    const error = await all(account.likedPostIds({ maxPages: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XCallError);
    expect(error).toMatchObject({ kind: 'rate_limited', details: { status: 429, window: '15min', resetAt: new Date('2026-11-02T09:15:00Z') } });
    // A 429 is never retried in a loop: one request.
    expect(await requestsTo(`/2/users/${info(2).id}/liked_tweets`)).toHaveLength(1);
    // The fault is per endpoint: the followings still read.
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'users.liked_tweets': { error_500: 1 } } });
    expect((await all(account.followingIds({ maxPages: 1, pageSize: 5 })))[0]).toHaveLength(5);
  });

  it('a 429 on users.following surfaces as XCallError rate_limited', async () => {
    const account = await accountAt(1);
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { 'users.following': { storm_429: 1 } } });
    const error = await all(account.followingIds({ maxPages: 1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XCallError);
    expect(error).toMatchObject({ kind: 'rate_limited' });
  });
});
