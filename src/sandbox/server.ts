import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { adminRoute } from './admin.ts';
import { SandboxClock, type SandboxClockOptions } from './clock.ts';
import { FaultInjector, type Faults } from './faults.ts';
import { creditsDepleted, forbidden, notFound, serverError, tooManyRequests, unauthorized, unsupportedAuthentication, usageCapExceeded, type HttpReply } from './problems.ts';
import { PostReadMeter, RateLimiter, type Principal } from './ratelimit.ts';
import { matchRoute } from './routes.ts';
import { RequestLog, type SandboxState } from './state.ts';
import { tierLimits, type TierName } from '../x/tiers.ts';
import { oauth2Token } from './token.ts';
import { World, type SandboxAccount } from './world.ts';

export interface SandboxOptions {
  /** World seed: same seed, same world. Default 42. */
  seed?: number;
  /** Population size. Default 5,000. */
  users?: number;
  /** Rate-limit tier. Default `payperuse`. */
  tier?: TierName;
  /** Sandbox clock: a start instant and whether it runs with the wall clock (default: frozen at now). */
  clock?: SandboxClockOptions;
  /** Fault injection per endpoint (see `faults.ts`). */
  faults?: Faults;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Overrides the tier's monthly post-read cap (to reach it in a test). */
  monthlyPostReads?: number;
  /** OAuth2 access-token lifetime in seconds. Default 7,200, as on X. */
  tokenLifetimeSeconds?: number;
  /** Request-log entries kept (oldest dropped first). Default 200,000. */
  requestLogLimit?: number;
  /**
   * Enforce X's rate limits (default true). Benchmarks that measure the sandbox's own throughput
   * turn them off; nothing else should.
   */
  rateLimits?: boolean;
}

export interface Sandbox {
  /** Base URL, e.g. `http://127.0.0.1:4010`; X paths (`/2/...`) go under it. */
  url: string;
  world: World;
  clock: SandboxClock;
  stop(): Promise<void>;
}

const MAX_BODY = 1 << 20;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body over 1 MiB');
    chunks.push(chunk as Buffer);
  }
  if (!size) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: HttpReply): void {
  // Encoded once: measuring the string and then writing it would encode it twice.
  const body = Buffer.from(JSON.stringify(reply.body), 'utf8');
  const isProblem = reply.status >= 400 && reply.status !== 400 && typeof reply.body === 'object' && reply.body !== null && 'type' in reply.body;
  res.writeHead(reply.status, {
    'content-type': isProblem ? 'application/problem+json' : 'application/json; charset=utf-8',
    'content-length': body.length,
    ...reply.headers,
  });
  res.end(body);
}

/** The caller, from an OAuth2 Bearer token or an OAuth 1.0a header. */
function authenticate(state: SandboxState, header: string | undefined, now: number): { principal: Principal; account?: SandboxAccount; accountIndex: number } | undefined {
  if (!header) return undefined;
  const { world } = state;
  if (header.startsWith('Bearer ')) {
    const value = header.slice(7).trim();
    if (value === world.appBearerToken) return { principal: { kind: 'app' }, accountIndex: -1 };
    const found = world.accountByAccessToken(value, now);
    if (!found || found.expired) return undefined;
    return { principal: { kind: 'user', userId: found.account.user.id }, account: found.account, accountIndex: world.accounts.indexOf(found.account) };
  }
  if (header.startsWith('OAuth ')) {
    // OAuth 1.0a user context: the consumer key and token must be the sandbox's. Signatures
    // are not verified: the sandbox tests the product's behaviour, not HMAC arithmetic.
    const fields = Object.fromEntries(
      [...header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], decodeURIComponent(m[2] as string)]),
    );
    if (fields.oauth_consumer_key !== world.oauth1Consumer.key) return undefined;
    const account = world.accountByOAuth1Token(fields.oauth_token ?? '');
    if (!account) return undefined;
    return { principal: { kind: 'user', userId: account.user.id }, account, accountIndex: world.accounts.indexOf(account) };
  }
  return undefined;
}

async function handle(state: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const method = req.method ?? 'GET';
  const body = method === 'GET' ? undefined : await readBody(req);
  const now = state.clock.now();
  state.world.advanceTo(now);

  if (url.pathname.startsWith('/__sandbox/')) {
    send(res, adminRoute(state, method, url, body));
    return;
  }

  const entry = {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    body: body ?? null,
    user: null as string | null,
    time: new Date(now).toISOString(),
  };
  const reply = (r: HttpReply, fault?: string) => {
    state.log.add({ ...entry, status: r.status, ...(fault ? { fault } : {}) });
    send(res, r);
  };

  if (url.pathname === '/2/oauth2/token' && method === 'POST') {
    reply(oauth2Token(state.world, req.headers.authorization, body, now));
    return;
  }

  const matched = matchRoute(method, url.pathname);
  if (!matched || 'allowed' in matched) {
    reply(notFound());
    return;
  }
  const { route, path } = matched;

  const fault = state.faults.draw(route.endpoint);
  if (fault.latencyMs) await sleep(fault.latencyMs);
  if (fault.kind === 'drop') {
    state.log.add({ ...entry, status: 0, fault: 'drop' });
    req.socket.destroy();
    return;
  }

  const auth = authenticate(state, req.headers.authorization, now);
  if (!auth) {
    reply(unauthorized());
    return;
  }
  entry.user = auth.principal.kind === 'app' ? 'app' : auth.principal.userId;
  if (route.userOnly && auth.principal.kind === 'app') {
    reply(unsupportedAuthentication());
    return;
  }
  if (fault.kind === 'error') {
    reply(serverError(fault.status), String(fault.status));
    return;
  }
  if (fault.kind === 'credits_depleted') {
    // Before the rate limiter: a refused call spends nothing.
    reply(creditsDepleted(), 'credits_depleted');
    return;
  }
  if (fault.kind === 'spam') {
    reply(forbidden('This request looks like it might be automated. To protect our users from spam and other malicious activity, we can’t complete this action right now.'), 'spam');
    return;
  }
  if (fault.kind === 'storm') state.limiter.exhaust(route.endpoint, auth.principal, now);

  const limit = state.rateLimits ? state.limiter.take(route.endpoint, auth.principal, now) : { allowed: true, headers: {} };
  if (!limit.allowed) {
    reply(tooManyRequests(limit.headers), fault.kind === 'storm' ? 'storm' : undefined);
    return;
  }
  if (route.readsPosts && state.meter.exhausted(now)) {
    reply({ ...usageCapExceeded(), headers: limit.headers });
    return;
  }
  const result = route.handle({ world: state.world, now, query: url.searchParams, path, body, account: auth.account, accountIndex: auth.accountIndex });
  if (result.postsRead) state.meter.add(result.postsRead, now);
  if (fault.kind === 'drop_after') {
    state.log.add({ ...entry, status: result.status, fault: 'drop_after' });
    req.socket.destroy();
    return;
  }
  reply({ ...result, headers: { ...limit.headers, ...result.headers } });
}

/** Builds the world and serves it on 127.0.0.1. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 42;
  const clock = new SandboxClock(options.clock);
  const tier = tierLimits(options.tier ?? 'payperuse');
  const world = new World({
    seed,
    users: options.users ?? 5000,
    start: clock.now(),
    ...(options.tokenLifetimeSeconds === undefined ? {} : { tokenLifetimeSeconds: options.tokenLifetimeSeconds }),
  });
  const state: SandboxState = {
    world,
    clock,
    limiter: new RateLimiter(tier),
    meter: new PostReadMeter(options.monthlyPostReads ?? tier.monthlyPostReads),
    faults: new FaultInjector(seed, options.faults ?? {}),
    log: new RequestLog(options.requestLogLimit ?? 200_000),
    rateLimits: options.rateLimits ?? true,
  };
  const server: Server = createServer((req, res) => {
    handle(state, req, res).catch((error: unknown) => {
      // A bug in the sandbox must be loud, not look like an X outage.
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      console.error(`sandbox: ${req.method} ${req.url} failed: ${message}`);
      if (!res.headersSent) send(res, { status: 500, body: { title: 'Sandbox Error', detail: String(error), type: 'about:blank', status: 500 } });
      else res.destroy();
    });
  });
  // Idle kept-alive sockets are closed by the clients, never by the server. The tests run the
  // sandbox in their own process: after a long synchronous stretch (PGlite's migrations) a request
  // sent at once on a kept-alive socket would race the server's overdue idle timer and fail with
  // ECONNRESET. Network failures are injected on purpose instead (`drop`, `drop_after`).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    world,
    clock,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
