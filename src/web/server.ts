import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Database } from '../../db/client.ts';
import type { WorkerConfig } from '../config/worker.ts';
import type { Logger } from '../log.ts';
import { collectHealth } from '../observe/health.ts';
import { createMetrics, type Metrics } from '../observe/metrics.ts';
import type { StatusSource } from '../worker/status.ts';
import type { XStats } from '../x/door.ts';
import { apiRoutes, type ApiOptions } from './api.ts';
import { decoyHash, isLoopback, openSession, sealSession, SESSION_HOURS, verifyPassword, type WebUser } from './auth.ts';
import { html, type Html } from './html.ts';
import { reviewRoutes } from './routes.ts';
import type { Persona } from '../config/persona.ts';

/**
 * The worker's web server, on Fastify 5 with its official plugins: `/healthz` (JSON, 200 healthy
 * or 503), `/metrics` (Prometheus text), the review page behind sign-in, and its static files
 * (CSS, the page's script, htmx from its npm package — never a CDN).
 *
 * Safety, in one place: sign-in with scrypt hashes compared in constant time and rate-limited per
 * address and per name; an HttpOnly SameSite=Strict session cookie; a CSRF token on every POST;
 * a strict Content-Security-Policy (no inline script); everything from X escaped by
 * src/web/html.ts. On a loopback address with nobody configured the page serves one local user;
 * on any other address the server refuses to start without users.
 *
 * Nothing global: each server has its own metrics registry, and `close()` ends every connection,
 * keep-alive ones included, so the process can exit.
 */

type DoorStats = { readonly stats: XStats };

export interface WebServerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  db: Database;
  /** The worker in this process: schedules, config errors, what it is doing. */
  statusSource?: StatusSource | undefined;
  /** For the schedules' next ticks when there is no status source. */
  config: Pick<WorkerConfig, 'schedules' | 'file'>;
  /** The door to X, or a function giving it once opened: its request and 429 counters. */
  door?: DoorStats | (() => DoorStats | undefined) | undefined;
  log: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  /** Metrics to serve (the worker keeps them to call `observeJobRun`); default: new ones. */
  metrics?: Metrics | undefined;
  /** Default: the wall clock. */
  now?: (() => Date) | undefined;
  /** With new metrics: include prom-client's process metrics. Default true. */
  processMetrics?: boolean | undefined;
  /** How long `/healthz` waits for the database. Default 2000 ms. */
  healthTimeoutMs?: number | undefined;
  /** How long `close()` lets requests in flight finish before cutting connections. Default 2000 ms. */
  closeTimeoutMs?: number | undefined;
  /** The personas of the running config, for the review page (they change on reload). */
  personas?: (() => readonly Persona[]) | undefined;
  /** People who may sign in (`web.users` and `PROSPECTOR_WEB_USERS`). None: one local user, on loopback only. */
  users?: readonly WebUser[] | undefined;
  /**
   * Signs session cookies: `PROSPECTOR_WEB_SECRET`, else a file `web-secret` in `secretDir` (made
   * once, readable by its owner only), else one for the life of the process.
   */
  secret?: string | undefined;
  secretDir?: string | undefined;
  /** The local user's name when nobody is configured. Default: the OS user name. */
  localUser?: string | undefined;
  /** The JSON API under `/api/` (src/web/api.ts): its bearer token and the worker's parts it acts with. */
  api?: Pick<ApiOptions, 'token' | 'engage' | 'worldNow' | 'workers'> | undefined;
}

export interface WebServer {
  /** `http://127.0.0.1:8787` (the address actually bound). */
  url: string;
  server: Server;
  metrics: Metrics;
  app: FastifyInstance;
  /** Stops listening, lets requests in flight finish (bounded), ends every connection. Safe to call twice. */
  close(): Promise<void>;
}

const STATIC_DIR = fileURLToPath(new URL('static/', import.meta.url));
const HTMX_FILE = fileURLToPath(new URL('../../node_modules/htmx.org/dist/htmx.min.js', import.meta.url));
const SESSION_COOKIE = 'prospector_session';
/** Sign-in attempts per address per minute, and failures per name per 15 minutes. */
const SIGN_IN_PER_MINUTE = 10;
const FAILURES_PER_NAME = 10;

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person (or the local user), when there is one. */
    user?: string;
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const users = options.users ?? [];
  if (users.length === 0 && !isLoopback(options.host)) {
    throw new Error(
      `the web page would listen on ${options.host}, reachable from other machines, and nobody may sign in: add a person first with \`prospector web add-user <name>\` (put the line it prints under web.users in the worker config, or in PROSPECTOR_WEB_USERS), or set web.host to 127.0.0.1`,
    );
  }
  const app = await buildWebApp(options);
  try {
    await app.listen({ port: options.port, host: options.host });
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new Error(`the web server cannot listen on ${options.host}:${options.port} (web.host and web.port in the worker config): ${(error as Error).message}`, { cause: error });
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const closed = app.close();
      app.server.closeIdleConnections();
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, options.closeTimeoutMs ?? 2000);
        }),
      ]);
      clearTimeout(timer);
      app.server.closeAllConnections();
      await closed;
    })());
  return { url, server: app.server, metrics: app.metrics, app, close };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

/** The app without listening: routes, plugins and safety; `app.inject` drives it in tests. */
export async function buildWebApp(options: WebServerOptions): Promise<FastifyInstance> {
  const { db, log } = options;
  const now = options.now ?? (() => new Date());
  const users = options.users ?? [];
  const localUser = users.length === 0 ? (options.localUser ?? userInfo().username) : undefined;
  const secret = sessionSecret(options);
  const doorStats = (): XStats | undefined => {
    const door = typeof options.door === 'function' ? options.door() : options.door;
    return door?.stats;
  };
  const metrics = options.metrics ?? createMetrics({ db, source: options.statusSource, xStats: doorStats, now, processMetrics: options.processMetrics ?? true });

  const app = Fastify({
    logger: false,
    // Requests are small forms; a slow client must not hold a socket for long.
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    bodyLimit: 256 * 1024,
    forceCloseConnections: 'idle',
  });
  app.decorate('metrics', metrics);
  app.decorateRequest('user', undefined);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  // Pages and static files compressed for browsers that say they can read it (all do).
  await app.register(fastifyCompress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrf, { cookieOpts: { signed: false, httpOnly: true, sameSite: 'strict', path: '/' }, getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf ?? (req.headers['x-csrf-token'] as string | undefined) });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', decorateReply: false, cacheControl: true, maxAge: 3600_000 });

  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addHook('onRequest', async (req) => {
    // Sessions live in the browser's time, the wall clock, whatever clock the worker's jobs follow.
    req.user = localUser ?? openSession(secret, req.cookies[SESSION_COOKIE], new Date());
  });
  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) log.error({ err: error, path: req.url }, `web: ${req.method} ${req.url} failed`);
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      return reply.code(403).type('text/plain; charset=utf-8').send('This form has expired or did not come from this page: reload the page and try again.\n');
    }
    if (status === 429) return reply.code(429).type('text/plain; charset=utf-8').send('Too many attempts: wait a minute and try again.\n');
    // A page that could not be built, most often because the database did not answer.
    if (status >= 500 && req.method === 'GET' && !req.url.startsWith('/api/')) {
      return reply.code(503).type('text/html; charset=utf-8').send(page('Prospector', html`<main><p class="alert">The database did not answer, or the page could not be built: see <a href="/healthz">/healthz</a> and the worker's log.</p></main>`).value);
    }
    return reply.code(status).type('text/plain; charset=utf-8').send(status >= 500 ? 'internal error (see the worker log)\n' : `${error.message}\n`);
  });
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    if (req.method !== 'GET' && app.hasRoute({ method: 'GET', url: path })) {
      const allow = ['GET', 'HEAD', ...(app.hasRoute({ method: 'POST', url: path }) ? ['POST'] : [])].join(', ');
      return reply.code(405).header('allow', allow).type('text/plain; charset=utf-8').send('method not allowed\n');
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('not found: try /, /healthz or /metrics\n');
  });

  /** Pages need a person: the sign-in page otherwise (a 401 for scripts). */
  const signedIn = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.user) return;
    if ((req.headers.accept ?? '').includes('text/html') || req.method === 'GET') return reply.redirect(`/sign-in?next=${encodeURIComponent(req.url)}`, 303);
    return reply.code(401).type('text/plain; charset=utf-8').send('sign in first\n');
  };

  const healthNow = () => collectHealth(db, { source: options.statusSource, config: options.config, now: now(), x: doorStats(), timeoutMs: options.healthTimeoutMs });
  app.get('/healthz', async (_req, reply) => {
    const health = await healthNow();
    return reply.code(health.healthy ? 200 : 503).type('application/json; charset=utf-8').send(`${JSON.stringify(health, null, 2)}\n`);
  });
  // Browsers ask for it on every page: no icon, and no 404 in their console.
  app.get('/favicon.ico', async (_req, reply) => reply.code(204).header('cache-control', 'public, max-age=86400').send());
  app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  app.get('/static/htmx.min.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(readFileSync(HTMX_FILE)));

  await app.register(apiRoutes, {
    prefix: '/api',
    db,
    sessions: localUser === undefined || isLoopback(options.host),
    worldNow: async () => now(),
    personas: options.personas ?? (() => []),
    ...options.api,
    health: healthNow,
    log,
  });

  // ---- sign-in ---------------------------------------------------------------------------------
  const failures = new Map<string, { count: number; since: number }>();
  app.get('/sign-in', async (req, reply) => {
    if (localUser) return reply.redirect('/', 303);
    const next = safeNext((req.query as { next?: string }).next);
    return reply.type('text/html; charset=utf-8').send(signInPage(await reply.generateCsrf(), next).value);
  });
  app.post('/sign-in', { preHandler: app.csrfProtection, config: { rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } } }, async (req, reply) => {
    const body = (req.body ?? {}) as { name?: string; password?: string; next?: string };
    const name = String(body.name ?? '').trim();
    const next = safeNext(body.next);
    const key = name.toLowerCase();
    const at = now().getTime();
    const recent = failures.get(key);
    if (recent && at - recent.since < 15 * 60_000 && recent.count >= FAILURES_PER_NAME) {
      return reply.code(429).type('text/html; charset=utf-8').send(signInPage(await reply.generateCsrf(), next, 'Too many failed attempts for this name: wait 15 minutes.').value);
    }
    const user = users.find((u) => u.name.toLowerCase() === key);
    // The same work whether or not the name exists, so the answer's time says nothing.
    const ok = verifyPassword(String(body.password ?? ''), user?.passwordHash ?? decoyHash()) && user !== undefined;
    if (!ok) {
      const entry = recent && at - recent.since < 15 * 60_000 ? recent : { count: 0, since: at };
      entry.count++;
      failures.set(key, entry);
      log.warn({ name: name.slice(0, 40), ip: req.ip }, 'web: a sign-in failed');
      return reply.code(401).type('text/html; charset=utf-8').send(signInPage(await reply.generateCsrf(), next, 'Wrong name or password.').value);
    }
    failures.delete(key);
    const expires = new Date(Date.now() + SESSION_HOURS * 3600_000);
    reply.setCookie(SESSION_COOKIE, sealSession(secret, user.name, expires), { httpOnly: true, sameSite: 'strict', path: '/', expires, secure: req.protocol === 'https' });
    return reply.redirect(next, 303);
  });
  app.post('/sign-out', { preHandler: app.csrfProtection }, async (_req, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect(localUser ? '/' : '/sign-in', 303);
  });

  // ---- the review page ------------------------------------------------------------------------
  const worldNow = options.api?.worldNow ?? (async () => now());
  await app.register(async (pages) => {
    pages.addHook('onRequest', signedIn);
    pages.addHook('preHandler', (req, reply, done) => (req.method === 'POST' ? app.csrfProtection(req, reply, done) : done()));
    await pages.register(reviewRoutes, { db, personas: options.personas ?? (() => []), worldNow, engage: options.api?.engage });
  });

  return app;
}

/** Where to go after signing in: a path on this site only. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

/** The session secret: the environment's, else one kept in the data directory, else one for this process. */
function sessionSecret(options: WebServerOptions): Buffer {
  if (options.secret) return Buffer.from(options.secret);
  if (options.secretDir && !options.secretDir.startsWith('memory://')) {
    const file = join(options.secretDir, 'web-secret');
    try {
      return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    } catch {
      const made = randomBytes(32);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${made.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      return made;
    }
  }
  return randomBytes(32);
}

function signInPage(csrf: string, next: string, problem?: string): Html {
  return page(
    'Prospector — sign in',
    html`<main class="sign-in">
<h1>Sign in</h1>
${problem ? html`<p class="alert" role="alert">${problem}</p>` : ''}
<form method="post" action="/sign-in">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="hidden" name="next" value="${next}">
<p><label for="name">Name</label><br><input id="name" name="name" autocomplete="username" required autofocus></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
</main>`,
  );
}

/** A page outside the review page's layout (signing in): our stylesheet, nothing inline. */
function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
${body}
</body>
</html>
`;
}
