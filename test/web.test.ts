import { once } from 'node:events';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { recordStop } from '../db/accounts.ts';
import { pauseAll } from '../db/work.ts';
import { silentLogger } from '../src/log.ts';
import type { Health } from '../src/observe/health.ts';
import { escapeHtml } from '../src/web/html.ts';
import { startWebServer, type WebServer, type WebServerOptions } from '../src/web/server.ts';
import { AT, describeEachDatabase } from './support/db.ts';
import { seedLeads, statusSource, workerConfig } from './support/observe.ts';

/** The worker's web server over real HTTP: health codes, metrics, the queue page, and closing. */

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  socket: Socket;
}

/** One request with node:http (through `agent` to keep the connection alive). */
function get(url: string, init: { method?: string; agent?: Agent } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', ...(init.agent ? { agent: init.agent } : {}) }, (res) => {
      let body = '';
      const socket = res.socket as Socket;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, socket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const HOSTILE_NAME = '<script>alert(1)</script>';
const HOSTILE_BIO = 'VP Growth "><img src=x onerror=alert(2)> & \u202eevil\u001b[31m';

describeEachDatabase('web server', (t) => {
  let web: WebServer | undefined;
  beforeEach(() => t.reset());
  afterEach(async () => {
    await web?.close();
    web = undefined;
  });

  const start = async (over: Partial<WebServerOptions> = {}): Promise<WebServer> => {
    web = await startWebServer({ host: '127.0.0.1', port: 0, db: t.db, config: workerConfig(), log: silentLogger(), now: () => AT, processMetrics: false, ...over });
    return web;
  };

  it('/healthz: 200 when healthy; a pause shows and stays 200; an X stop or config errors make it 503', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let res = await get(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(res.body)).toMatchObject({ healthy: true, status: 'ok' });

    await pauseAll(t.db, { reason: 'deploy', by: 'ops', at: AT });
    res = await get(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect((JSON.parse(res.body) as Health).checks.pause).toMatchObject({ paused: true, reason: 'deploy', by: 'ops' });

    await recordStop(t.db, { kind: 'usage_capped', detail: 'monthly cap', at: AT, until: new Date('2026-12-01T00:00:00Z') });
    res = await get(`${url}/healthz`);
    expect(res.status).toBe(503);
    const stopped = JSON.parse(res.body) as Health;
    expect(stopped.healthy).toBe(false);
    expect(stopped.problems).toEqual([expect.stringMatching(/^stops: X stopped every call: usage_capped/)]);
    await web!.close();

    await t.reset();
    const errors = await start({ statusSource: statusSource({ configErrors: ['config/prospector.yaml:3 tier: expected one of payperuse, basic, pro'] }), door: { stats: { requests: 3, responses429: 1 } } });
    res = await get(`${errors.url}/healthz`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as Health;
    expect(body.checks.config.state).toBe('fail');
    expect(body.problems[0]).toContain('running the last good config');
    expect(body.x).toEqual({ requests: 3, responses429: 1 });
  });

  it('/healthz: 503 naming the database when it is gone; the page says so too', async () => {
    const { handle } = await t.fresh();
    const { url } = await start({ db: handle.db, healthTimeoutMs: 1000 });
    await handle.close();
    const res = await get(`${url}/healthz`);
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body) as Health;
    expect(body.checks.database.state).toBe('fail');
    expect(body.problems).toEqual([expect.stringMatching(/^database: the database is unreachable/)]);
    const page = await get(`${url}/`);
    expect(page.status).toBe(503);
    expect(page.body).toContain('The database did not answer');
    const metrics = await get(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^prospector_database_up 0$/m);
  });

  it('/metrics: Prometheus text with HELP lines and values from the database', async () => {
    await seedLeads(t.db, '2026-11-02', [{ n: 1 }, { n: 2, state: 'won' }]);
    const { url, metrics } = await start({ door: () => ({ stats: { requests: 9, responses429: 0 } }) });
    metrics.observeJobRun('engage', 'ok', 2);
    const res = await get(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.body).toMatch(/^# HELP prospector_leads \S/m);
    expect(res.body).toMatch(/^prospector_leads\{persona="growth-saas-en",state="won"\} 1$/m);
    expect(res.body).toMatch(/^prospector_x_requests_total 9$/m);
    expect(res.body).toMatch(/^prospector_job_run_duration_seconds_count\{job="engage",status="ok"\} 1$/m);
  });

  it("/ lists today's queue with every string from X escaped", async () => {
    await seedLeads(t.db, '2026-11-02', [
      { n: 1, name: HOSTILE_NAME, description: HOSTILE_BIO, username: 'evil_one', score: 91 },
      { n: 2, name: 'Ana Ruiz', score: 80 },
    ]);
    await seedLeads(t.db, '2026-11-01', [{ n: 3, name: 'Yesterday Person' }]);
    const { url } = await start();
    const res = await get(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<h1>Today <small>2026-11-02 · 2 leads</small></h1>');
    expect(res.body.match(/<script[^>]*>/g)).toEqual(['<script src="/static/htmx.min.js" defer>', '<script src="/static/app.js" defer>']);
    expect(res.body).not.toContain('<img');
    expect(res.body).not.toContain('\u202e');
    expect(res.body).not.toContain('\u001b');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).toContain('VP Growth &quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; evil[31m');
    expect(res.body).toContain('@evil_one');
    // Links to X are built from ids, never from what a profile says.
    expect(res.body).toMatch(/href="https:\/\/x\.com\/intent\/user\?user_id=\d+"/);
    expect(res.body).toContain('Ana Ruiz');
    expect(res.body).not.toContain('Yesterday Person');
    expect(res.body.indexOf('evil_one')).toBeLessThan(res.body.indexOf('Ana Ruiz'));

    await pauseAll(t.db, { reason: '<b>hi</b>', by: 'ops', at: AT });
    const paused = await get(`${url}/`);
    expect(paused.body).toContain('Every worker is paused');
    expect(paused.body).toContain('&lt;b&gt;hi&lt;/b&gt;');
  });

  it('answers 404 elsewhere and 405 to other methods; HEAD is a GET without a body', async () => {
    const { url } = await start();
    expect((await get(`${url}/nope`)).status).toBe(404);
    expect((await get(`${url}/healthz/`)).status).toBe(404);
    const post = await get(`${url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await get(`${url}/healthz?verbose=1`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    // A request target no URL parser accepts: 400, and the server goes on.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(url).port), '127.0.0.1', () => socket.end('GET http://[nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });

  it('close() ends kept-alive connections, stops listening, and leaves nothing behind', async () => {
    const signals = ['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s));
    const { url, server } = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(`${url}/healthz`, { agent });
      const second = await get(`${url}/metrics`, { agent });
      // One connection, kept alive between the two requests.
      expect(second.socket).toBe(first.socket);
      expect(first.socket.destroyed).toBe(false);
      const socketClosed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
      const connections = await new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));
      expect(connections).toBe(1);

      await web!.close();
      await socketClosed;
      expect(server.listening).toBe(false);
      expect(await new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))))).toBe(0);
      await expect(get(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
      // Closing twice is fine.
      await web!.close();
      expect(['SIGINT', 'SIGTERM'].map((s) => process.listenerCount(s))).toEqual(signals);
    } finally {
      agent.destroy();
    }
  });

  // Only PGlite has a single connection that a transaction can hold; PostgreSQL has a pool.
  if (t.kind === 'pglite') {
    it('close() lets a request in flight finish before ending its connection (PGlite: a transaction holds the one connection)', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const { server, url } = await start({ healthTimeoutMs: 5000 });
      const held = t.db.transaction(async () => gate);
      const arrived = once(server, 'request');
      const answer = get(`${url}/healthz`);
      await arrived;
      const closed = web!.close();
      let closedYet = false;
      void closed.then(() => (closedYet = true));
      try {
        for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
        // Still waiting for the answer, which waits for the database.
        expect(closedYet).toBe(false);
        expect(server.listening).toBe(false);
      } finally {
        release();
        await held;
      }
      const res = await answer;
      expect(res.status).toBe(200);
      expect((JSON.parse(res.body) as Health).healthy).toBe(true);
      await closed;
      expect(server.listening).toBe(false);
    });
  }

  it('says which address is taken', async () => {
    const { server } = await start();
    const port = (server.address() as { port: number }).port;
    await expect(startWebServer({ host: '127.0.0.1', port, db: t.db, config: workerConfig(), log: silentLogger(), processMetrics: false })).rejects.toThrow(
      new RegExp(`the web server cannot listen on 127\\.0\\.0\\.1:${port} \\(web\\.host and web\\.port in the worker config\\): .*EADDRINUSE`),
    );
  });
});

it('escapeHtml escapes markup and quotes and drops controls', () => {
  expect(escapeHtml(`<a href='x' title="y">&\`</a>\u0007`)).toBe('&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;&#96;&lt;/a&gt;');
  expect(escapeHtml(null)).toBe('');
});
