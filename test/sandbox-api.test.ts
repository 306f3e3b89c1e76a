import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openapiAvailable, openapiMissing, validateProblem, validateResponse } from './support/openapi.ts';
import { T0, startTestSandbox, type AccountInfo, type Seen, type TestSandbox } from './support/sandbox.ts';

/**
 * The sandbox's HTTP contract in detail: X's validation messages, field selection, paging while
 * posts keep arriving, rate-limit windows on a fixed clock, fault injection, behaviour and the
 * sandbox-only routes. Raw HTTP here, so the exact bodies and headers are what is asserted.
 */

const BROAD = '(the OR de OR la OR el OR a OR to OR et OR y)';
const seen: Seen[] = [];
let sb: TestSandbox;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 });
});
afterAll(async () => {
  await sb?.close();
});

interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

async function call<T = Record<string, unknown>>(
  path: string,
  opts: { token?: string | null; method?: string; body?: unknown; on?: TestSandbox } = {},
): Promise<Reply<T>> {
  const target = opts.on ?? sb;
  const token = opts.token === undefined ? target.accounts.app.bearer_token : opts.token;
  const res = await fetch(`${target.url}${path}`, {
    method: opts.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  });
  const body = (await res.json()) as T;
  seen.push({ method: opts.method ?? 'GET', path: new URL(path, 'http://x').pathname, status: res.status, body });
  return { status: res.status, headers: res.headers, body };
}

const search = (query: string, extra = '') => `/2/tweets/search/recent?query=${encodeURIComponent(query)}${extra}`;

describe('request validation with X messages', () => {
  it('max_results out of range', async () => {
    const r = await call(search(BROAD, '&max_results=5'));
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      errors: [{ parameters: { max_results: ['5'] }, message: 'The `max_results` query parameter value [5] is not between 10 and 100' }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    });
  });

  it('unknown parameters, bad fields and bad ids, all reported at once', async () => {
    const r = await call<{ errors: Array<{ message: string }> }>(search(BROAD, '&colour=red&tweet.fields=text,nope&since_id=abc'));
    expect(r.status).toBe(400);
    const messages = r.body.errors.map((e) => e.message);
    expect(messages).toContain(
      'The query parameter [colour] is not one of [query,start_time,end_time,since_id,until_id,max_results,next_token,pagination_token,sort_order,expansions,tweet.fields,media.fields,poll.fields,place.fields,user.fields]',
    );
    expect(messages.some((m) => m.startsWith('The `tweet.fields` query parameter value [nope] is not one of [article,attachments,author_id'))).toBe(true);
    expect(messages).toContain('The `since_id` query parameter value [abc] does not match ^[0-9]{1,19}$');
  });

  it('a missing, malformed or over-long query', async () => {
    const missing = await call<{ errors: Array<{ message: string }> }>('/2/tweets/search/recent');
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]?.message).toBe('The `query` query parameter can not be empty');

    for (const bad of ['(crm', 'crm OR', '"crm', '-crm']) {
      const r = await call<{ errors: Array<{ parameters: { query: string[] }; message: string }> }>(search(bad));
      expect(r.status, bad).toBe(400);
      expect(r.body.errors[0]?.parameters.query).toEqual([bad]);
      expect(r.body.errors[0]?.message, bad).toMatch(/^There were errors processing your request: /);
    }
    const long = await call<{ errors: Array<{ message: string }> }>(search(`crm ${'x'.repeat(510)}`));
    expect(long.status).toBe(400);
    expect(long.body.errors[0]?.message).toMatch(/512/);
  });

  it('a since_id older than seven days is refused', async () => {
    const old = sb.world.posts[0]!; // generated history starts 7 days and an hour back
    const r = await call<{ errors: Array<{ message: string }> }>(search(BROAD, `&since_id=${old.id}`));
    expect(r.status).toBe(400);
    expect(r.body.errors[0]?.message).toMatch(/^Invalid 'since_id'/);
  });
});

describe('time and id bounds', () => {
  it('start_time, end_time and until_id narrow the window; newest_id and oldest_id frame the page', async () => {
    const now = sb.clock.now();
    const start = new Date(now - 3 * 3600_000).toISOString();
    const end = new Date(now - 3600_000).toISOString();
    const r = await call<{ data: Array<{ id: string; created_at: string }>; meta: { newest_id: string; oldest_id: string; result_count: number } }>(
      search(BROAD, `&start_time=${start}&end_time=${end}&max_results=100&tweet.fields=created_at`),
    );
    expect(r.status).toBe(200);
    expect(r.body.meta.result_count).toBeGreaterThan(0);
    for (const post of r.body.data) {
      expect(Date.parse(post.created_at)).toBeGreaterThanOrEqual(Date.parse(start));
      expect(Date.parse(post.created_at)).toBeLessThan(Date.parse(end));
    }
    expect(r.body.meta.newest_id).toBe(r.body.data[0]?.id);
    expect(r.body.meta.oldest_id).toBe(r.body.data.at(-1)?.id);

    const until = r.body.data[5]!.id;
    const older = await call<{ data: Array<{ id: string }> }>(search(BROAD, `&until_id=${until}&max_results=10`));
    expect(older.body.data.every((p) => BigInt(p.id) < BigInt(until))).toBe(true);

    const future = await call<{ errors: Array<{ message: string }> }>(search(BROAD, `&end_time=${new Date(now).toISOString()}`));
    expect(future.status).toBe(400);
    expect(future.body.errors[0]?.message).toMatch(/'end_time' must be a minimum of 10 seconds prior to the request time/);
  });
});

describe('OAuth2 token endpoint', () => {
  it('accepts a form-encoded refresh and answers with scope; refuses bad grants', async () => {
    const own = await startTestSandbox({ users: 200 });
    try {
      const { app } = own.accounts;
      const account = own.accounts.accounts[1] as AccountInfo;
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: account.refresh_token, client_id: app.client_id });
      const res = await fetch(`${own.url}/2/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
      expect(typeof body.scope).toBe('string');
      const me = await call<{ data: { id: string } }>('/2/users/me', { on: own, token: body.access_token as string });
      expect(me.body.data.id).toBe(account.id);

      const bad = await fetch(`${own.url}/2/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'password', client_id: app.client_id }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toBe('unsupported_grant_type');
    } finally {
      await own.close();
    }
  });

  it('an access token expires on the sandbox clock and can be killed on demand', async () => {
    const own = await startTestSandbox({ users: 200, tokenLifetimeSeconds: 600 });
    try {
      const a = own.accounts.accounts[0] as AccountInfo;
      const b = own.accounts.accounts[1] as AccountInfo;
      expect((await call('/2/users/me', { on: own, token: a.access_token })).status).toBe(200);
      await own.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: b.username } });
      expect((await call('/2/users/me', { on: own, token: b.access_token })).status).toBe(401);
      await own.advance(600);
      expect((await call('/2/users/me', { on: own, token: a.access_token })).status).toBe(401);
    } finally {
      await own.close();
    }
  });
});

describe('fields and expansions', () => {
  it('returns only the default fields when none are asked for', async () => {
    const r = await call<{ data: Array<Record<string, unknown>>; includes?: unknown }>(search(BROAD));
    expect(r.status).toBe(200);
    for (const post of r.body.data) expect(Object.keys(post).sort()).toEqual(['edit_history_tweet_ids', 'id', 'text']);
    expect(r.body.includes).toBeUndefined();
  });

  it('returns what was asked, and expansions in includes', async () => {
    const r = await call<{ data: Array<Record<string, unknown>>; includes: { users: Array<Record<string, unknown>> } }>(
      search(BROAD, '&tweet.fields=created_at,author_id,public_metrics&expansions=author_id&user.fields=created_at'),
    );
    expect(r.status).toBe(200);
    for (const post of r.body.data) {
      expect(Object.keys(post).sort()).toEqual(['author_id', 'created_at', 'edit_history_tweet_ids', 'id', 'public_metrics', 'text']);
    }
    for (const user of r.body.includes.users) expect(Object.keys(user).sort()).toEqual(['created_at', 'id', 'name', 'username']);
    const authorIds = new Set(r.body.data.map((p) => p.author_id));
    expect(new Set(r.body.includes.users.map((u) => u.id))).toEqual(authorIds);
  });

  it("an expansion brings its source field without being asked, on posts and on users, as X's do", async () => {
    const posts = await call<{ data: Array<Record<string, unknown>>; includes: { users: Array<{ id: string }> } }>(search(BROAD, '&expansions=author_id'));
    expect(posts.status).toBe(200);
    for (const post of posts.body.data) expect(Object.keys(post).sort()).toEqual(['author_id', 'edit_history_tweet_ids', 'id', 'text']);
    expect(new Set(posts.body.includes.users.map((u) => u.id))).toEqual(new Set(posts.body.data.map((p) => p.author_id)));

    const someone = sb.world.users.find((u) => !u.protected && sb.world.latestPostBy(u))!;
    const user = await call<{ data: Record<string, unknown>; includes: { tweets: Array<{ id: string }> } }>(`/2/users/${someone.id}?expansions=most_recent_tweet_id`);
    expect(user.status).toBe(200);
    expect(Object.keys(user.body.data).sort()).toEqual(['id', 'most_recent_tweet_id', 'name', 'username']);
    expect(user.body.data.most_recent_tweet_id).toBe(sb.world.latestPostBy(someone)!.id);
    expect(user.body.includes.tweets.map((t) => t.id)).toEqual([user.body.data.most_recent_tweet_id]);
  });

  it('an empty result is exactly {"meta":{"result_count":0}}', async () => {
    const r = await call(search('zzqxnotawordanywhere'));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ meta: { result_count: 0 } });
  });

  it('users/by reports unknown usernames next to the found ones', async () => {
    const known = sb.world.users[5]!;
    const r = await call<{ data: Array<{ id: string }>; errors: Array<{ value: string; type: string }> }>(
      `/2/users/by?usernames=${known.username},nobody_here_x`,
    );
    expect(r.status).toBe(200);
    expect(r.body.data.map((u) => u.id)).toEqual([known.id]);
    expect(r.body.errors[0]).toMatchObject({ value: 'nobody_here_x', type: 'https://api.twitter.com/2/problems/resource-not-found' });
  });
});

describe('paging', () => {
  it('next_token keeps its place while new posts arrive', async () => {
    const own = await startTestSandbox({ users: 2000 });
    try {
      const q = encodeURIComponent(BROAD);
      const page = (extra: string) => call<{ data: Array<{ id: string }>; meta: { next_token?: string; result_count: number } }>(
        `/2/tweets/search/recent?query=${q}&max_results=100${extra}`,
        { on: own },
      );
      // The reference: three pages read back to back.
      const reference: string[] = [];
      let token = '';
      for (let i = 0; i < 3; i++) {
        const r = await page(token ? `&next_token=${token}` : '');
        reference.push(...r.body.data.map((p) => p.id));
        token = r.body.meta.next_token as string;
      }
      // The same walk with new posts arriving between pages.
      const walked: string[] = [];
      token = '';
      for (let i = 0; i < 3; i++) {
        const r = await page(token ? `&next_token=${token}` : '');
        walked.push(...r.body.data.map((p) => p.id));
        token = r.body.meta.next_token as string;
        const before = own.world.posts.length;
        await own.advance(1800);
        expect(own.world.posts.length).toBeGreaterThan(before);
      }
      expect(walked).toEqual(reference);
      // A token from another query is refused, not silently misapplied.
      const other = await call<{ errors: Array<{ message: string }> }>(search('crm', `&next_token=${token}`), { on: own });
      expect(other.status).toBe(400);
      expect(other.body.errors[0]?.message).toMatch(/next_token/);
    } finally {
      await own.close();
    }
  });
});

describe('rate limits on a fixed clock', () => {
  it('counts a 15-minute window and resets it when the clock moves past', async () => {
    const own = await startTestSandbox({ users: 300, tier: 'basic' });
    try {
      const q = search('crm');
      let last: Reply | undefined;
      for (let i = 0; i < 60; i++) last = await call(q, { on: own });
      expect(last?.status).toBe(200);
      expect(last?.headers.get('x-rate-limit-limit')).toBe('60');
      expect(last?.headers.get('x-rate-limit-remaining')).toBe('0');
      const reset = Number(last?.headers.get('x-rate-limit-reset'));
      expect(reset).toBe(Date.parse(T0) / 1000 + 900);
      const refused = await call(q, { on: own });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
      await own.advance(899);
      expect((await call(q, { on: own })).status).toBe(429);
      await own.advance(1);
      const fresh = await call(q, { on: own });
      expect(fresh.status).toBe(200);
      expect(fresh.headers.get('x-rate-limit-remaining')).toBe('59');
      // Per user and per app are separate buckets.
      const user = await call(q, { on: own, token: (own.accounts.accounts[0] as AccountInfo).access_token });
      expect(user.headers.get('x-rate-limit-remaining')).toBe('59');
    } finally {
      await own.close();
    }
  });

  it('sends 24-hour headers on capped writes', async () => {
    const account = sb.accounts.accounts[2] as AccountInfo;
    const target = sb.world.users.find((u) => !u.protected && u.index > 10)!;
    const r = await call(`/2/users/${account.id}/following`, { method: 'POST', token: account.access_token, body: { target_user_id: target.id } });
    expect(r.status).toBe(200);
    expect(r.headers.get('x-user-limit-24hour-limit')).toBe('400');
    expect(r.headers.get('x-user-limit-24hour-remaining')).toBe('399');
    expect(r.headers.get('x-app-limit-24hour-limit')).toBe('1000');
  });
});

describe('fault injection', () => {
  it('500s, 503s, storms, dropped connections and latency, per endpoint', async () => {
    const own = await startTestSandbox({ users: 300 });
    try {
      const q = search('crm');
      await own.admin('/__sandbox/faults', { method: 'POST', body: { search: { error_500: 1 } } });
      expect((await call(q, { on: own })).status).toBe(500);
      // Other endpoints are untouched.
      expect((await call(`/2/users/${own.world.users[0]!.id}`, { on: own })).status).toBe(200);

      await own.admin('/__sandbox/faults', { method: 'POST', body: { '*': { error_503: 1 } } });
      expect((await call(q, { on: own })).status).toBe(503);

      await own.admin('/__sandbox/faults', { method: 'POST', body: { search: { storm_429: 1 } } });
      const storm = await call(q, { on: own });
      expect(storm.status).toBe(429);
      expect(Number(storm.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.parse(T0) / 1000);

      await own.admin('/__sandbox/faults', { method: 'POST', body: { search: { drop: 1 } } });
      await expect(fetch(`${own.url}${q}`, { headers: { authorization: `Bearer ${own.accounts.app.bearer_token}` } })).rejects.toThrow();

      await own.admin('/__sandbox/faults', { method: 'POST', body: { 'users.lookup': { latency_ms: 150 } } });
      const began = performance.now();
      expect((await call(`/2/users/${own.world.users[0]!.id}`, { on: own })).status).toBe(200);
      expect(performance.now() - began).toBeGreaterThanOrEqual(140);

      const log = await own.admin<{ requests: Array<{ status: number; fault?: string }> }>('/__sandbox/requests');
      expect(log.requests.map((r) => r.fault).filter(Boolean)).toEqual(['500', '503', 'storm', 'drop']);

      await expect(own.admin('/__sandbox/faults', { method: 'POST', body: { search: { error_500: 2 } } })).rejects.toThrow(/faults\.search\.error_500/);
    } finally {
      await own.close();
    }
  });
});

describe('behaviour and ground truth', () => {
  it('people react to follows when the clock advances: follow-backs, mentions, truth', async () => {
    const own = await startTestSandbox({ users: 3000 });
    try {
      const account = own.accounts.accounts[0] as AccountInfo;
      const targets = own.world.users.filter((u) => !u.truth.is_automated && !u.protected && u.truth.b2b_fit > 0.5).slice(0, 80);
      expect(targets.length).toBeGreaterThan(30);
      // 50 follows per 15 minutes: pace them as the worker will.
      for (const [i, t] of targets.entries()) {
        if (i > 0 && i % 50 === 0) await own.advance(15 * 60);
        const r = await call(`/2/users/${account.id}/following`, { on: own, method: 'POST', token: account.access_token, body: { target_user_id: t.id } });
        expect(r.status).toBe(200);
      }
      await own.advance(3 * 24 * 3600);
      // The account's 2-hour token has expired by now; reads work app-only.
      const followers = await call<{ data: Array<{ id: string }> }>(`/2/users/${account.id}/followers?max_results=1000`, { on: own });
      // Ground truth says who followed back; the API must show exactly those, newest first.
      const back = targets.filter((t) => own.world.reactionsOf(t).some((r) => r.kind === 'follow_back'));
      expect(back.length).toBeGreaterThan(0);
      expect(followers.body.data.slice(0, back.length).map((f) => f.id).sort()).toEqual(back.map((t) => t.id).sort());
      const truth = await own.admin<{ reactions: Array<{ kind: string; account: string }> }>(`/__sandbox/truth/users/${back[0]!.id}`);
      expect(truth.reactions).toContainEqual(expect.objectContaining({ kind: 'follow_back', account: account.username }));

      const mentions = await call<{ data?: Array<{ text: string; author_id: string }> }>(
        `/2/users/${account.id}/mentions?max_results=100&tweet.fields=author_id`,
        { on: own },
      );
      const reacted = targets.filter((t) => own.world.reactionsOf(t).some((r) => ['reply', 'mention', 'opt_out'].includes(r.kind)));
      // Others may retweet the account's own posts ("RT @maya_sells: …"); the targets' mentions
      // are exactly their reactions.
      const fromTargets = (mentions.body.data ?? []).filter((p) => targets.some((t) => t.id === p.author_id));
      expect(reacted.length).toBeGreaterThan(0);
      expect(fromTargets.map((p) => p.author_id).sort()).toEqual(reacted.map((t) => t.id).sort());
      for (const post of mentions.body.data ?? []) expect(post.text).toContain(`@${account.username}`);
    } finally {
      await own.close();
    }
  });

  it('truth exposes trade, seniority, language, automation and propensities', async () => {
    const user = sb.world.users[17]!;
    const truth = await sb.admin<Record<string, unknown>>(`/__sandbox/truth/users/${user.id}`);
    expect(truth).toMatchObject({
      id: user.id,
      trade: user.truth.trade,
      seniority: user.truth.seniority,
      language: user.truth.language,
      is_automated: user.truth.is_automated,
    });
    expect(truth.propensities).toHaveProperty('follow_back');
  });

  it('never mixes sandbox routes into X paths', async () => {
    const r = await call('/2/__sandbox/accounts');
    expect(r.status).toBe(404);
    const accounts = await sb.admin<{ accounts: unknown[] }>('/__sandbox/accounts');
    expect(accounts.accounts).toHaveLength(3);
  });
});

describe("every raw response body matches X's OpenAPI document", () => {
  it.skipIf(!openapiAvailable)(`validates${openapiAvailable ? '' : ` (skipped: ${openapiMissing})`}`, () => {
    const checked = seen.filter((s) => s.path.startsWith('/2/') && s.status !== 404);
    expect(checked.length).toBeGreaterThan(20);
    const problems = checked.flatMap((s) => [
      ...validateResponse(s.method, s.path, s.status, s.body),
      ...(s.status >= 300 ? validateProblem(s.body) : []),
    ]);
    expect(problems).toEqual([]);
  });
});
