import type { HttpReply } from './problems.ts';
import type { SandboxState } from './state.ts';

/**
 * Sandbox-only routes under `/__sandbox/`: the accounts and their tokens, the request log,
 * ground truth, the clock, fault injection, and a user answering an account with given words. They never appear in X responses.
 */
export function adminRoute(state: SandboxState, method: string, url: URL, body: unknown): HttpReply {
  const { world, clock } = state;
  const route = `${method} ${url.pathname}`;
  const bad = (detail: string): HttpReply => ({ status: 400, body: { error: detail } });

  if (route === 'GET /__sandbox/accounts') return { status: 200, body: accounts(state) };

  if (route === 'GET /__sandbox/requests') {
    const since = Number(url.searchParams.get('since') ?? 0);
    const path = url.searchParams.get('path');
    const method = url.searchParams.get('method');
    let requests = state.log.since(Number.isFinite(since) ? since : 0);
    if (path) requests = requests.filter((r) => r.path === path || (path.endsWith('*') && r.path.startsWith(path.slice(0, -1))));
    if (method) requests = requests.filter((r) => r.method === method.toUpperCase());
    return { status: 200, body: { requests, dropped: state.log.dropped } };
  }
  if (route === 'DELETE /__sandbox/requests') {
    state.log.clear();
    return { status: 200, body: { cleared: true } };
  }

  const truth = /^\/__sandbox\/truth\/users\/([^/]+)$/.exec(url.pathname);
  if (method === 'GET' && truth) {
    const key = decodeURIComponent(truth[1] as string);
    const user = world.userById(key) ?? world.userByUsername(key.replace(/^@/, ''));
    if (!user) return { status: 404, body: { error: `no sandbox user with id or username ${key}` } };
    return {
      status: 200,
      body: {
        id: user.id,
        username: user.username,
        ...user.truth,
        posts_per_day: user.postsPerDay,
        reactions: world.reactionsOf(user),
        pending_reactions: world.pendingReactionsOf(user),
      },
    };
  }

  if (route === 'GET /__sandbox/clock') return { status: 200, body: { now: new Date(clock.now()).toISOString(), mode: clock.mode } };
  if (route === 'POST /__sandbox/clock') {
    const seconds = (body as { advance_seconds?: unknown } | undefined)?.advance_seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      return bad(`advance_seconds: expected a number ≥ 0, got ${JSON.stringify(seconds)}`);
    }
    const now = clock.advance(seconds);
    world.advanceTo(now);
    return { status: 200, body: { now: new Date(now).toISOString(), posts: world.posts.length } };
  }

  if (route === 'GET /__sandbox/faults') return { status: 200, body: { faults: state.faults.current } };
  if (route === 'POST /__sandbox/faults') {
    try {
      return { status: 200, body: { faults: state.faults.set(body ?? {}) } };
    } catch (error) {
      return bad((error as Error).message);
    }
  }

  if (route === 'POST /__sandbox/tokens/expire') {
    const username = (body as { username?: unknown } | undefined)?.username;
    if (typeof username !== 'string' || !world.expireAccessToken(username, clock.now())) {
      return bad(`username: expected one of ${world.accounts.map((a) => a.user.username).join(', ')}, got ${JSON.stringify(username)}`);
    }
    return { status: 200, body: { expired: username } };
  }

  if (route === 'POST /__sandbox/say') return say(state, body);

  if (route === 'GET /__sandbox/usage') return { status: 200, body: { post_reads: state.meter.usage(clock.now()) } };

  return { status: 404, body: { error: `no sandbox route ${route}` } };
}

/**
 * `{"from": "<username or id>", "to": "<account username>", "text": "…", "kind": "reply"|"mention"}`:
 * the user answers one of the team's accounts with these words, now on the sandbox clock; the post
 * shows in the account's mentions once the clock passes this minute.
 */
function say(state: SandboxState, body: unknown): HttpReply {
  const { world, clock } = state;
  const input = (body ?? {}) as { from?: unknown; to?: unknown; text?: unknown; kind?: unknown };
  const bad = (detail: string): HttpReply => ({ status: 400, body: { error: detail } });
  const key = typeof input.from === 'string' ? input.from.replace(/^@/, '') : undefined;
  const user = key === undefined ? undefined : (world.userById(key) ?? world.userByUsername(key));
  if (!user) return bad(`from: expected the username or id of a sandbox user, got ${JSON.stringify(input.from)}`);
  const to = typeof input.to === 'string' ? input.to.replace(/^@/, '').toLowerCase() : undefined;
  const account = world.accounts.findIndex((a) => a.user.username.toLowerCase() === to);
  if (account < 0) return bad(`to: expected one of ${world.accounts.map((a) => a.user.username).join(', ')}, got ${JSON.stringify(input.to)}`);
  if (world.isAccount(user.index) >= 0) return bad(`from: ${user.username} is one of the team's accounts`);
  if (typeof input.text !== 'string' || input.text.trim() === '' || input.text.length > 280) return bad(`text: expected 1 to 280 characters, got ${JSON.stringify(input.text)?.slice(0, 60)}`);
  const kind = input.kind ?? 'reply';
  if (kind !== 'reply' && kind !== 'mention') return bad(`kind: expected "reply" or "mention", got ${JSON.stringify(kind)}`);
  const at = clock.now();
  world.say(user, account, kind, input.text, at);
  const visible = (Math.floor(at / 60_000) + 1) * 60_000;
  return { status: 200, body: { from: user.username, to: world.accounts[account]!.user.username, kind, at: new Date(at).toISOString(), visible_from: new Date(visible).toISOString() } };
}

function accounts(state: SandboxState) {
  const { world } = state;
  return {
    app: {
      bearer_token: world.appBearerToken,
      client_id: world.oauth2Client.clientId,
      client_secret: world.oauth2Client.clientSecret,
      consumer_key: world.oauth1Consumer.key,
      consumer_secret: world.oauth1Consumer.secret,
    },
    accounts: world.accounts.map((a) => ({
      id: a.user.id,
      username: a.user.username,
      name: a.user.name,
      owner: a.owner,
      access_token: a.accessToken,
      refresh_token: a.refreshToken,
      expires_at: new Date(a.accessExpiresAt).toISOString(),
      scope: a.scope,
      oauth1_token: a.oauth1.token,
      oauth1_secret: a.oauth1.secret,
    })),
  };
}
