import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { finished } from 'node:stream/promises';
import type { Database } from '../../db/client.ts';
import { listQueue, type QueueEntry } from '../../db/leads.ts';
import { currentPause } from '../../db/work.ts';
import type { WorkerConfig } from '../config/worker.ts';
import type { Logger } from '../log.ts';
import { collectHealth } from '../observe/health.ts';
import { createMetrics, type Metrics } from '../observe/metrics.ts';
import type { StatusSource } from '../worker/status.ts';
import type { XStats } from '../x/door.ts';
import { html, type Html } from './html.ts';

/**
 * The worker's web server, on node:http: `/healthz` (JSON, 200 healthy or 503), `/metrics`
 * (Prometheus text) and `/`, today's queue as a read-only page. It binds to `web.host` and
 * `web.port` of the config (127.0.0.1:8787 by default): there is no authentication, so keep it on
 * a private address or behind a proxy that asks for one.
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
}

export interface WebServer {
  /** `http://127.0.0.1:8787` (the address actually bound). */
  url: string;
  server: Server;
  metrics: Metrics;
  /** Stops listening, lets requests in flight finish (bounded), ends every connection. Safe to call twice. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

// No script, no remote anything; the page's one <style> block is inline.
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { db, log } = options;
  const now = options.now ?? (() => new Date());
  const doorStats = (): XStats | undefined => {
    const door = typeof options.door === 'function' ? options.door() : options.door;
    return door?.stats;
  };
  const metrics = options.metrics ?? createMetrics({ db, source: options.statusSource, xStats: doorStats, now, processMetrics: options.processMetrics ?? true });

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const routes: Record<string, (res: ServerResponse) => Promise<void>> = {
    '/healthz': async (res) => {
      const health = await collectHealth(db, { source: options.statusSource, config: options.config, now: now(), x: doorStats(), timeoutMs: options.healthTimeoutMs });
      send(res, health.healthy ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(health, null, 2)}\n`);
    },
    '/metrics': async (res) => {
      send(res, 200, metrics.contentType, await metrics.text());
    },
    '/': async (res) => {
      const at = now();
      const day = at.toISOString().slice(0, 10);
      let entries: QueueEntry[];
      let paused: Awaited<ReturnType<typeof currentPause>>;
      try {
        entries = await listQueue(db, { day });
        paused = await currentPause(db);
      } catch (error) {
        log.warn({ err: error }, 'the queue page could not read the database');
        send(res, 503, 'text/html; charset=utf-8', page('Prospector', html`<p class="alert">The database is unreachable; see <a href="/healthz">/healthz</a>.</p>`).value, { 'content-security-policy': PAGE_CSP });
        return;
      }
      send(res, 200, 'text/html; charset=utf-8', queuePage(day, entries, paused).value, { 'content-security-policy': PAGE_CSP });
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const began = performance.now();
    let path = req.url ?? '/';
    try {
      const parsed = URL.parse(path, 'http://localhost');
      if (!parsed) {
        send(res, 400, 'text/plain; charset=utf-8', 'bad request target\n');
        return;
      }
      path = parsed.pathname;
      const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
      if (!route) send(res, 404, 'text/plain; charset=utf-8', 'not found: try /, /healthz or /metrics\n');
      else if (req.method !== 'GET' && req.method !== 'HEAD') send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
      else await route(res);
      // In flight until the answer is handed to the socket: close() waits for this.
      await finished(res).catch(() => undefined);
    } catch (error) {
      log.error({ err: error, path }, `web: ${path} failed`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error (see the worker log)\n');
      else res.destroy();
    }
    log.debug({ method: req.method, path, status: res.statusCode, ms: Math.round(performance.now() - began) }, `web: ${req.method} ${path} ${res.statusCode}`);
  };

  const inflight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    // handle() answers every error itself; the catch is a last guard against an unhandled rejection.
    const done: Promise<void> = handle(req, res)
      .catch(() => {
        res.destroy();
      })
      .finally(() => inflight.delete(done));
    inflight.add(done);
  });
  // Requests carry no body here; a slow client must not hold a socket for long.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => {
      server.off('listening', listening);
      reject(new Error(`the web server cannot listen on ${options.host}:${options.port} (web.host and web.port in the worker config): ${error.message}`, { cause: error }));
    };
    const listening = () => {
      server.off('error', failed);
      resolve();
    };
    server.once('error', failed);
    server.once('listening', listening);
    server.listen(options.port, options.host);
  });
  server.on('error', (error) => log.error({ err: error }, 'web server error'));

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inflight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inflight]),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, options.closeTimeoutMs ?? 2000);
          }),
        ]);
        clearTimeout(timer);
      }
      server.closeAllConnections();
      await closed;
    })());

  return { url, server, metrics, close };
}

function page(title: string, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ddd; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bio { color: #555; max-width: 32rem; }
.alert { background: #fff3cd; padding: .5rem .75rem; border: 1px solid #e0c36a; }
.note { color: #555; }
code { background: #f3f3f3; padding: 0 .25rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function queuePage(day: string, entries: readonly QueueEntry[], paused: Awaited<ReturnType<typeof currentPause>>): Html {
  const banner = paused
    ? html`<p class="alert">Every worker is paused since ${paused.pausedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC by ${paused.pausedBy}${paused.reason ? html`: ${paused.reason}` : ''}. <code>prospector resume</code> lifts it.</p>`
    : '';
  const rows = entries.map(
    (l) => html`<tr>
<td class="n">#${l.id}</td>
<td class="n">${l.score}</td>
<td><a href="https://x.com/${encodeURIComponent(l.username)}" rel="noopener noreferrer nofollow" target="_blank">@${l.username}</a><br>${l.name}${l.warmAt ? html` <strong>warm</strong>` : ''}</td>
<td>${l.persona}</td>
<td>${l.owner ?? ''}</td>
<td>${l.state}</td>
<td>${l.reasons ?? ''}</td>
<td class="bio">${l.description ?? ''}</td>
</tr>`,
  );
  const table =
    entries.length === 0
      ? html`<p>The queue is empty today. The queue job fills it each morning (<code>prospector run queue</code> does it now).</p>`
      : html`<table>
<thead><tr><th>lead</th><th>score</th><th>prospect</th><th>persona</th><th>owner</th><th>state</th><th>why</th><th>bio</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
  return page(
    `Prospector — queue of ${day}`,
    html`<h1>Today's queue <small>${day} (UTC), ${entries.length} lead${entries.length === 1 ? '' : 's'}</small></h1>
${banner}
<p class="note">Read-only for now: record decisions with <code>prospector lead &lt;#id&gt; contacted|replied|won|not-a-fit|snooze|do-not-contact</code>, and perform a planned like or follow with <code>prospector act &lt;#id&gt; like|follow</code>. Health: <a href="/healthz">/healthz</a> · metrics: <a href="/metrics">/metrics</a>.</p>
${table}`,
  );
}
