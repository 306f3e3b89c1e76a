import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeEach, expect, it, onTestFinished } from 'vitest';
import { notifications } from '../db/schema.ts';
import { Worker } from '../src/worker/worker.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { captureLog, createWorkerStore, describeEachStore, eventually, makeConfigDir, setEnv, type StoreKind } from './support/worker.ts';

/**
 * The worker delivers webhooks in the background: its queue run writes the outbox, the sender it
 * starts posts the message to a real HTTP receiver, and stops with it. The URL appears in no line
 * of its log (the log here has no secret mask: it is kept out by construction).
 */

let sb: TestSandbox;

beforeEach(async ({ onTestFinished }) => {
  sb = await startTestSandbox({ users: 3000 });
  const sandbox = sb;
  onTestFinished(() => sandbox.close());
});

const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxWORKERsecret';
const tickAt = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

/** A receiver that hands over each request as it comes. */
async function receiver() {
  const waiting: Array<(r: { path: string; headers: IncomingHttpHeaders; body: string }) => void> = [];
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const r = { path: req.url ?? '', headers: req.headers, body };
      received.push(r);
      res.writeHead(200).end('ok');
      waiting.shift()?.(r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    next: () => new Promise<{ path: string; headers: IncomingHttpHeaders; body: string }>((resolve) => waiting.push(resolve)),
  };
}

describeEachStore('worker notify', (kind: StoreKind) => {
  it('a queue run in the worker sends its message to the webhook in the background, without the URL in any log line', async () => {
    const hook = await receiver();
    const config = makeConfigDir({ schedules: {} });
    const yaml = readFileSync(config.configFile, 'utf8');
    expect(yaml).toContain('web:\n  port: 0\n');
    writeFileSync(config.configFile, yaml.replace('web:\n  port: 0\n', 'web:\n  port: 0\n  public_url: https://prospector.example.com\n  notify:\n    - url_env: PROSPECTOR_NOTIFY_TEAM\n'));
    const store = await createWorkerStore(kind);
    const captured = captureLog('info');
    let worker: Worker | undefined;
    onTestFinished(async () => {
      await worker?.stop('test over');
      await store.drop();
      config.remove();
    });
    const restore = setEnv({ ...store.env, PROSPECTOR_NOTIFY_TEAM: `${hook.url}${SECRET_PATH}` });
    try {
      worker = await Worker.start({ runtime: { ...store.runtime, sandboxUrl: sb.url, configFile: config.configFile }, log: captured.log, say: () => undefined });
    } finally {
      restore();
    }

    await worker.tick('search', tickAt(1));
    const arrived = hook.next();
    await worker.tick('queue', tickAt(2));
    const request = await arrived;
    expect(request.path).toBe(SECRET_PATH);
    const body = JSON.parse(request.body) as { text: string; blocks: unknown[] };
    expect(body.text).toMatch(/^The queue for growth-saas-en is ready: \d+ leads? on \d{4}-\d{2}-\d{2} \(.+\)\. <https:\/\/prospector\.example\.com\/\?persona=growth-saas-en&date=\d{4}-\d{2}-\d{2}\|Open the queue>$/);
    const db = worker.runtime.database.db;
    const [row] = await eventually('the message recorded as sent', async () => {
      const rows = await db.select().from(notifications);
      return rows.length === 1 && rows[0]!.status === 'sent' ? rows : undefined;
    });
    expect([row!.kind, row!.target, row!.attempts]).toEqual(['queue_ready', 'PROSPECTOR_NOTIFY_TEAM', 1]);

    await worker.stop('test over');
    const log = JSON.stringify(captured.lines);
    expect(captured.messages()).toContain(`notify PROSPECTOR_NOTIFY_TEAM: queue_ready #${row!.id} sent (HTTP 200, try 1)`);
    for (const secret of [SECRET_PATH, 'xoxWORKERsecret', hook.url]) expect(log).not.toContain(secret);
    expect(hook.received).toHaveLength(1);
  });
});
