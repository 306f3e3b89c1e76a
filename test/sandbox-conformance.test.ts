import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiResponseError, TwitterApi, type TTweetv2Expansion, type TTweetv2TweetField, type TTweetv2UserField, type TweetV2 } from 'twitter-api-v2';
import { loopbackPlugin } from '../src/x/loopback.ts';
import { ROUTES } from '../src/sandbox/routes.ts';
import { openapiAvailable, openapiMissing, validateProblem, validateResponse } from './support/openapi.ts';
import { startTestSandbox, type AccountInfo, type Seen, type TestSandbox } from './support/sandbox.ts';

/**
 * The real twitter-api-v2 client, over real HTTP, against the sandbox: the calls the worker
 * makes, and the errors it must survive. Every response body is checked against X's OpenAPI
 * document at the end.
 */

/** Broad enough to match many posts in every language of the population. */
const BROAD = '(the OR de OR la OR el OR a OR to OR et OR y)';

const seen: Seen[] = [];
let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 }, seen);
});
afterAll(async () => {
  await sb?.close();
});

async function expectApiError(promise: Promise<unknown>): Promise<ApiResponseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiResponseError);
    return error as ApiResponseError;
  }
  throw new Error('expected the call to fail');
}

describe('twitter-api-v2 against the sandbox', () => {
  it('answers users/me for a user token, with the fields asked for', async () => {
    const account = sb.accounts.accounts[0] as AccountInfo;
    const me = await sb.userClient(0).v2.me({ 'user.fields': ['created_at', 'public_metrics', 'description'] });
    expect(me.data.id).toBe(account.id);
    expect(me.data.username).toBe(account.username);
    expect(me.data.public_metrics?.followers_count).toBeGreaterThan(0);
    expect(typeof me.data.created_at).toBe('string');
    expect(me.data).not.toHaveProperty('location');
  });

  it('pages search results with fetchNext and for await, newest first, no duplicates', async () => {
    const paginator = await sb.appClient().v2.search(BROAD, {
      max_results: 25,
      expansions: ['author_id'],
      'tweet.fields': ['created_at', 'author_id', 'lang'],
      'user.fields': ['description', 'public_metrics'],
    });
    expect(paginator.tweets).toHaveLength(25);
    expect(paginator.meta.newest_id).toBe(paginator.tweets[0]?.id);
    await paginator.fetchNext();
    expect(paginator.tweets).toHaveLength(50);
    const ids: string[] = [];
    for await (const tweet of paginator) {
      ids.push(tweet.id);
      if (ids.length >= 120) break;
    }
    expect(ids.length).toBe(120);
    expect(new Set(ids).size).toBe(ids.length);
    const asNumbers = ids.map(BigInt);
    for (let i = 1; i < asNumbers.length; i++) expect(asNumbers[i]! < asNumbers[i - 1]!).toBe(true);
    // Every author is in includes.users, with the user fields asked for.
    const authors = new Map(paginator.includes.users.map((u) => [u.id, u]));
    for (const tweet of paginator.tweets.slice(0, 50)) {
      const author = authors.get(tweet.author_id as string);
      expect(author, `author of ${tweet.id}`).toBeDefined();
      expect(author).toHaveProperty('public_metrics');
    }
  });

  it('expansions alone put their source fields on each post, so includes joins back (author_id without tweet.fields)', async () => {
    const paginator = await sb.appClient().v2.search(BROAD, {
      max_results: 100,
      expansions: ['author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id', 'in_reply_to_user_id', 'entities.mentions.username'],
    });
    const { tweets, includes } = paginator;
    expect(tweets).toHaveLength(100);
    const userId = (index: number) => sb.world.users[index]!.id;
    let references = 0;
    let replies = 0;
    let mentions = 0;
    for (const tweet of tweets) {
      const post = sb.world.postById(tweet.id)!;
      // author_id: on every post, and includes.author finds the author.
      expect(tweet.author_id).toBe(userId(post.author));
      expect(includes.author(tweet)?.id, `author of ${tweet.id}`).toBe(tweet.author_id);
      // referenced_tweets.id: the reference is on the post, the referenced post in includes (or in data) with its author.
      if (post.ref >= 0) {
        references++;
        const refId = sb.world.posts[post.ref]!.id;
        expect(tweet.referenced_tweets?.map((r) => r.id)).toEqual([refId]);
        const referenced = includes.retweet(tweet) ?? includes.quote(tweet) ?? includes.repliedTo(tweet) ?? tweets.find((t) => t.id === refId);
        expect(referenced?.id).toBe(refId);
        expect(includes.author(referenced!)?.id).toBe(userId(sb.world.posts[post.ref]!.author));
      } else {
        expect(tweet).not.toHaveProperty('referenced_tweets');
      }
      // in_reply_to_user_id: on replies, and that user is included.
      if (post.inReplyToUser >= 0) {
        replies++;
        expect(tweet.in_reply_to_user_id).toBe(userId(post.inReplyToUser));
        expect(includes.users.some((u) => u.id === tweet.in_reply_to_user_id)).toBe(true);
      }
      // entities.mentions.username: the mentions are on the post, and the mentioned people included.
      for (const mention of tweet.entities?.mentions ?? []) {
        const user = sb.world.userByUsername(mention.username);
        if (!user) continue;
        mentions++;
        expect(includes.users.some((u) => u.id === user.id)).toBe(true);
      }
      // Nothing that no expansion implies.
      expect(tweet).not.toHaveProperty('created_at');
      expect(tweet).not.toHaveProperty('lang');
    }
    expect({ references: references > 0, replies: replies > 0, mentions: mentions > 0 }).toEqual({ references: true, replies: true, mentions: true });
  });

  it('polls with since_id: only posts newer than the last newest_id come back', async () => {
    const client = sb.appClient();
    const first = await client.v2.search(BROAD, { max_results: 10 });
    const newest = first.meta.newest_id as string;
    expect(newest).toMatch(/^\d+$/);
    const again = await client.v2.search(BROAD, { since_id: newest, max_results: 100 });
    expect(again.meta.result_count).toBe(0);
    expect(again.tweets).toEqual([]);

    await sb.advance(3600);
    const fresh = await client.v2.search(BROAD, { since_id: newest, max_results: 100 });
    expect(fresh.meta.result_count).toBeGreaterThan(0);
    for (const tweet of fresh.tweets) expect(BigInt(tweet.id) > BigInt(newest)).toBe(true);
  });

  it('likes a post for the token user, idempotently, and logs one request per call', async () => {
    const client = sb.userClient(0);
    const account = sb.accounts.accounts[0] as AccountInfo;
    const page = await sb.appClient().v2.search(`${BROAD} -is:retweet`, { max_results: 10 });
    const post = page.tweets[0] as TweetV2;
    const liked = await client.v2.like(account.id, post.id);
    expect(liked.data.liked).toBe(true);
    const again = await client.v2.like(account.id, post.id);
    expect(again.data.liked).toBe(true);
    const log = await sb.admin<{ requests: Array<{ method: string; path: string; body: { tweet_id: string }; user: string; status: number }> }>(
      `/__sandbox/requests?path=/2/users/${account.id}/likes&method=POST`,
    );
    const mine = log.requests.filter((r) => r.body.tweet_id === post.id);
    expect(mine).toHaveLength(2);
    expect(mine.every((r) => r.user === account.id && r.status === 200)).toBe(true);

    // Writes act for the token's user only.
    const other = sb.accounts.accounts[1] as AccountInfo;
    const refused = await expectApiError(client.v2.like(other.id, post.id));
    expect(refused.code).toBe(403);
  });

  it('follows: public accounts at once, protected ones as a pending request', async () => {
    const client = sb.userClient(1);
    const account = sb.accounts.accounts[1] as AccountInfo;
    const candidates = sb.world.users.filter((u) => !sb.world.accounts.some((a) => a.user.index === u.index));
    const open = candidates.find((u) => !u.protected)!;
    const locked = candidates.find((u) => u.protected)!;
    const followed = await client.v2.follow(account.id, open.id);
    expect(followed.data).toEqual({ following: true, pending_follow: false });
    const pending = await client.v2.follow(account.id, locked.id);
    expect(pending.data).toEqual({ following: false, pending_follow: true });
    const following = await client.v2.following(account.id, { max_results: 1000 });
    expect(following.data.map((u) => u.id)).toContain(open.id);
    expect(following.data.map((u) => u.id)).not.toContain(locked.id);
    const unfollowed = await client.v2.unfollow(account.id, open.id);
    expect(unfollowed.data.following).toBe(false);
  });

  it('refreshes an OAuth2 token (rotation: the old refresh token stops working)', async () => {
    const { app } = sb.accounts;
    const account = sb.accounts.accounts[2] as AccountInfo;
    const refresher = new TwitterApi({ clientId: app.client_id, clientSecret: app.client_secret }, { plugins: sb.plugins });
    const refreshed = await refresher.refreshOAuth2Token(account.refresh_token);
    expect(refreshed.accessToken).not.toBe(account.access_token);
    expect(refreshed.refreshToken).toBeDefined();
    expect(refreshed.expiresIn).toBe(7200);
    expect(refreshed.scope).toContain('like.write');
    const me = await refreshed.client.v2.me();
    expect(me.data.id).toBe(account.id);
    // The old access token is revoked too.
    const stale = await expectApiError(new TwitterApi(account.access_token, { plugins: sb.plugins }).v2.me());
    expect(stale.code).toBe(401);
    const reused = await expectApiError(refresher.refreshOAuth2Token(account.refresh_token));
    expect(reused.code).toBe(400);
  });

  it('refuses app-only tokens on user-context endpoints and bad tokens with X bodies', async () => {
    const forbidden = await expectApiError(sb.appClient().v2.me());
    expect(forbidden.code).toBe(403);
    expect(forbidden.data.title).toBe('Unsupported Authentication');
    const bad = await expectApiError(new TwitterApi('not-a-token', { plugins: sb.plugins }).v2.me());
    expect(bad.code).toBe(401);
    expect(bad.data).toMatchObject({ title: 'Unauthorized', status: 401 });
  });

  it('works with OAuth 1.0a user context too', async () => {
    const { app } = sb.accounts;
    const account = sb.accounts.accounts[0] as AccountInfo;
    const client = new TwitterApi(
      { appKey: app.consumer_key, appSecret: app.consumer_secret, accessToken: account.oauth1_token, accessSecret: account.oauth1_secret },
      { plugins: sb.plugins },
    );
    const me = await client.v2.me();
    expect(me.data.id).toBe(account.id);
  });
});

describe('every endpoint, through the client', () => {
  it('serves each route of the sandbox with a 200 the client understands', async () => {
    const before = seen.length;
    const account = sb.accounts.accounts[0] as AccountInfo;
    const client = sb.userClient(0);
    const app = sb.appClient();
    const someone = sb.world.users.find((u) => !u.protected && sb.world.tweetCount(u) > 0 && sb.world.latestPostBy(u))!;
    const userFields: TTweetv2UserField[] = ['created_at', 'description', 'entities', 'location', 'public_metrics', 'protected', 'url', 'verified', 'verified_type', 'profile_image_url', 'most_recent_tweet_id'];
    const fields = { 'user.fields': userFields };
    const tweetFields = {
      'tweet.fields': ['author_id', 'created_at', 'conversation_id', 'entities', 'in_reply_to_user_id', 'lang', 'public_metrics', 'referenced_tweets', 'edit_controls', 'possibly_sensitive', 'reply_settings'] as TTweetv2TweetField[],
      expansions: ['author_id', 'referenced_tweets.id', 'referenced_tweets.id.author_id', 'in_reply_to_user_id', 'entities.mentions.username'] as TTweetv2Expansion[],
      ...fields,
    };

    expect((await app.v2.search(BROAD, { max_results: 100, ...tweetFields })).tweets.length).toBe(100);
    expect((await client.v2.me(fields)).data.id).toBe(account.id);
    expect((await app.v2.user(someone.id, fields)).data.username).toBe(someone.username);
    expect((await app.v2.userByUsername(someone.username, fields)).data.id).toBe(someone.id);
    expect((await app.v2.users([someone.id, account.id], fields)).data).toHaveLength(2);
    expect((await app.v2.usersByUsernames([someone.username], fields)).data[0]?.id).toBe(someone.id);
    const timeline = await app.v2.userTimeline(someone.id, { max_results: 5, ...tweetFields });
    expect(timeline.tweets.every((t) => t.author_id === someone.id)).toBe(true);
    expect(timeline.tweets.length).toBeGreaterThan(0);
    const mentioned = sb.world.users.find((u) => sb.world.posts.some((p) => p.text.includes(`@${u.username} `)) && !u.protected)!;
    const mentions = await app.v2.userMentionTimeline(mentioned.id, { max_results: 5, ...tweetFields });
    expect(mentions.tweets.length).toBeGreaterThan(0);
    expect((await app.v2.followers(someone.id, { max_results: 10, ...fields })).meta.result_count).toBeGreaterThanOrEqual(0);
    expect((await app.v2.following(someone.id, { max_results: 10, ...fields })).meta.result_count).toBeGreaterThanOrEqual(0);
    const post = sb.world.latestPostBy(someone)!;
    expect((await client.v2.like(account.id, post.id)).data.liked).toBe(true);
    const liked = await client.v2.userLikedTweets(account.id, { max_results: 5, ...tweetFields });
    expect(liked.tweets[0]?.id).toBe(post.id);
    expect((await client.v2.unlike(account.id, post.id)).data.liked).toBe(false);
    expect((await client.v2.follow(account.id, someone.id)).data.following).toBe(true);
    expect((await client.v2.unfollow(account.id, someone.id)).data.following).toBe(false);

    const paths = new Set(seen.slice(before).map((r) => `${r.method} ${r.path.replace(/\/\d{3,}/g, '/:id').replace(/by\/username\/\w+/, 'by/username/:username')}`));
    expect([...paths].sort()).toEqual(
      [
        'GET /2/tweets/search/recent',
        'GET /2/users/me',
        'GET /2/users/:id',
        'GET /2/users/by/username/:username',
        'GET /2/users',
        'GET /2/users/by',
        'GET /2/users/:id/tweets',
        'GET /2/users/:id/mentions',
        'GET /2/users/:id/liked_tweets',
        'GET /2/users/:id/followers',
        'GET /2/users/:id/following',
        'POST /2/users/:id/likes',
        'DELETE /2/users/:id/likes/:id',
        'POST /2/users/:id/following',
        'DELETE /2/users/:id/following/:id',
      ].sort(),
    );
    expect(ROUTES).toHaveLength(paths.size);
  });
});

describe('limits, as twitter-api-v2 reports them', () => {
  let basic: TestSandbox;
  beforeAll(async () => {
    basic = await startTestSandbox({ users: 500, tier: 'basic', monthlyPostReads: 150 }, seen);
  });
  afterAll(async () => {
    await basic?.close();
  });

  it('429 on the 15-minute window with rateLimit, and on the 24-hour cap with rateLimit.userDay', async () => {
    const client = basic.userClient(0);
    const account = basic.accounts.accounts[0] as AccountInfo;
    const posts = basic.world.posts.filter((p) => p.kind !== 'retweet');
    let next = 0;
    const likeOne = () => client.v2.like(account.id, (posts[next++] as { id: string }).id);

    // Basic: 50 likes per 15 minutes, 200 per 24 hours.
    for (let i = 0; i < 50; i++) await likeOne();
    const quarter = await expectApiError(likeOne());
    expect(quarter.code).toBe(429);
    expect(quarter.data).toEqual({ title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    expect(quarter.rateLimit?.remaining).toBe(0);
    expect(quarter.rateLimit?.limit).toBe(50);
    expect(quarter.rateLimit?.reset).toBe(Date.parse('2026-11-02T09:15:00Z') / 1000);
    expect(quarter.rateLimit?.userDay).toMatchObject({ limit: 200, remaining: 150 });

    for (let window = 1; window < 4; window++) {
      await basic.advance(15 * 60);
      for (let i = 0; i < 50; i++) await likeOne();
    }
    await basic.advance(15 * 60);
    const day = await expectApiError(likeOne());
    expect(day.code).toBe(429);
    // The 15-minute window is fresh; the daily cap is what refused it.
    expect(day.rateLimit?.remaining).toBeGreaterThan(0);
    expect(day.rateLimit?.userDay).toMatchObject({ limit: 200, remaining: 0 });
    expect(day.rateLimit!.userDay!.reset).toBe(Date.parse('2026-11-03T09:00:00Z') / 1000);
  });

  it('stops with UsageCapExceeded once the monthly post-read cap is used up', async () => {
    const client = basic.appClient();
    const paginator = await client.v2.search(BROAD, { max_results: 100 });
    expect(paginator.tweets.length).toBe(100);
    await paginator.fetchNext(100);
    expect(paginator.tweets.length).toBe(200);
    const capped = await expectApiError(paginator.fetchNext(100));
    expect(capped.code).toBe(429);
    expect(capped.data).toEqual({
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period: 'Monthly',
      scope: 'Product',
    });
  });
});

describe('out of credit, as twitter-api-v2 reports it', () => {
  it("answers X's 402 CreditsDepleted to every call while the fault is on, and spends no rate limit", async () => {
    const before = (await sb.appClient().v2.search(BROAD, { max_results: 10 })).rateLimit.remaining;
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { '*': { credits_depleted: 1 } } });
    try {
      const refused = await expectApiError(sb.appClient().v2.search(BROAD, { max_results: 10 }));
      expect(refused.code).toBe(402);
      expect(refused.data).toEqual({
        title: 'CreditsDepleted',
        detail: 'Your enrolled account does not have any credits to fulfill this request.',
        type: 'https://api.twitter.com/2/problems/credits-depleted',
      });
      expect(refused.rateLimit).toBeUndefined();
      const write = await expectApiError(sb.userClient(0).v2.like((sb.accounts.accounts[0] as AccountInfo).id, sb.world.posts[0]!.id));
      expect(write.code).toBe(402);
      const log = await sb.admin<{ requests: Array<{ status: number; fault?: string }> }>('/__sandbox/requests');
      expect(log.requests.slice(-2)).toEqual([
        expect.objectContaining({ status: 402, fault: 'credits_depleted' }),
        expect.objectContaining({ status: 402, fault: 'credits_depleted' }),
      ]);
    } finally {
      await sb.admin('/__sandbox/faults', { method: 'POST', body: {} });
    }
    const after = await sb.appClient().v2.search(BROAD, { max_results: 10 });
    expect(after.tweets).toHaveLength(10);
    // The refused search was not counted: one request since `before`.
    expect(after.rateLimit.remaining).toBe(before - 1);
  });
});

describe("every response body matches X's OpenAPI document", () => {
  it.skipIf(!openapiAvailable)(`validates what the client saw${openapiAvailable ? '' : ` (skipped: ${openapiMissing})`}`, () => {
    const checked = seen.filter((s) => s.path !== '/2/oauth2/token');
    expect(checked.length).toBeGreaterThan(20);
    const problems = checked.flatMap((s) => [
      ...validateResponse(s.method, s.path, s.status, s.body),
      ...(s.status >= 300 ? validateProblem(s.body) : []),
    ]);
    expect(problems).toEqual([]);
  });
});

// Keep the plugin's own contract honest: it refuses https targets it cannot serve.
describe('loopback plugin', () => {
  it('rejects non-http sandbox URLs with a clear error', () => {
    expect(() => loopbackPlugin('https://127.0.0.1:1')).toThrow(/expected an http:\/\/ sandbox URL/);
  });
});
