import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.ts';
import { buildQueue } from '../db/leads.ts';
import { saveScores, upsertMatches } from '../db/matches.ts';
import { migrate } from '../db/migrate.ts';
import { claimNotifications, recentNotifications } from '../db/notify.ts';
import { upsertProspects } from '../db/prospects.ts';
import { notifications } from '../db/schema.ts';
import { addSignals, markWarmLeads } from '../db/signals.ts';
import queueJob from '../jobs/queue.ts';
import { parsePersona, parseWorkerConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { Secret, secretValues, type WorkerConfig } from '../src/config/worker.ts';
import { warmAndRescore } from '../src/engage/warm.ts';
import { createLogger } from '../src/log.ts';
import { notifyQueueReady, notifyWarmLeads } from '../src/notify/outbox.ts';
import { describeMessage, slackEscape } from '../src/notify/render.ts';
import { NotifySender, type SenderOptions } from '../src/notify/sender.ts';
import { verifySignature } from '../src/notify/sign.ts';
import type { XDoor } from '../src/x/door.ts';
import { jobContext } from './support/context.ts';
import { AT, describeEachDatabase, prospectInput, xid } from './support/db.ts';

/**
 * Webhooks end to end: the queue job and the warming code write the outbox, a sender delivers it
 * to a real HTTP receiver on 127.0.0.1 (node:http, no mock of fetch), on PGlite and PostgreSQL.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: answers each request with the next planned status (200 when none is left). */
class Receiver {
  readonly requests: Received[] = [];
  private plan: Array<{ status: number; headers?: Record<string, string>; path?: string }> = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        // The first planned answer for this path (or for any path), in order.
        const at = this.plan.findIndex((p) => p.path === undefined || (req.url ?? '').startsWith(p.path));
        const next = at >= 0 ? this.plan.splice(at, 1)[0]! : { status: 200 };
        res.writeHead(next.status, next.headers).end(next.status < 300 ? 'ok' : 'no');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(...statuses: Array<number | { status: number; headers?: Record<string, string> }>): void {
    this.plan.push(...statuses.map((s) => (typeof s === 'number' ? { status: s } : s)));
  }

  /** Answers planned for requests to paths starting with `path` only. */
  answerOn(path: string, ...statuses: number[]): void {
    this.plan.push(...statuses.map((status) => ({ status, path })));
  }

  reset(): void {
    this.requests.length = 0;
    this.plan = [];
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

// A Slack-like URL whose path is the secret: it must appear in no log line and no stored error.
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxSECRETpath42';
const SIGNING_KEY = 'whsec-test-signing-key-0123456789';
const PUBLIC_URL = 'https://prospector.example.com';

function persona(): Persona {
  const file = 'config/personas/growth-saas-en.yaml';
  const { value, issues } = parsePersona(readFileSync(file, 'utf8'), file);
  if (!value) throw new Error(issues.map((i) => i.message).join('; '));
  return { ...value, queue: { ...value.queue, owners: ['maya', 'lucas'], per_day: 4, min_score: 50 } };
}

function workerConfig(receiver: Receiver): WorkerConfig {
  const yaml = [
    'web:',
    `  public_url: ${PUBLIC_URL}`,
    '  notify:',
    '    - { owner: all, format: slack, url_env: PROSPECTOR_NOTIFY_TEAM }',
    '    - { owner: maya, format: json, url_env: PROSPECTOR_NOTIFY_MAYA, secret_env: PROSPECTOR_NOTIFY_MAYA_SECRET }',
  ].join('\n');
  const { value, issues } = parseWorkerConfig(yaml, 'prospector.yaml', {
    env: { PROSPECTOR_NOTIFY_TEAM: `${receiver.url}/team${SECRET_PATH}`, PROSPECTOR_NOTIFY_MAYA: `${receiver.url}/maya`, PROSPECTOR_NOTIFY_MAYA_SECRET: SIGNING_KEY },
  });
  if (!value) throw new Error(issues.map((i) => `${i.line} ${i.path}: ${i.message}`).join('; '));
  return value;
}

/** Log lines, as the worker writes them (JSON), without any secret mask: what is kept out is kept out by construction. */
function capturedLog() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { log: createLogger({ destination: stream, level: 'debug', pretty: false }), text: () => text };
}

describeEachDatabase('notify', (t) => {
  const receiver = new Receiver();
  let config: WorkerConfig;
  let clock: Date;
  const P = persona();

  beforeAll(async () => {
    await receiver.start();
    config = workerConfig(receiver);
  });
  afterAll(() => receiver.stop());
  beforeEach(async () => {
    await t.reset();
    receiver.reset();
    clock = AT;
  });

  const now = () => clock;
  const later = (ms: number) => (clock = new Date(clock.getTime() + ms));

  function sender(over: Partial<SenderOptions> = {}) {
    const captured = capturedLog();
    const s = new NotifySender({
      db: t.db,
      targets: () => config.web.notify,
      baseUrl: () => config.web.public_url ?? 'unused',
      workerId: 'worker-a',
      log: captured.log,
      now,
      random: () => 0.5,
      timeoutMs: 2000,
      ...over,
    });
    return Object.assign(s, { logText: captured.text });
  }

  /** Prospects scored for the persona (name and bio of each given), then the queue job for it. */
  async function queued(people: Array<{ score: number; name?: string; description?: string }>): Promise<void> {
    await upsertProspects(
      t.db,
      people.map((p, i) => prospectInput(i, { ...(p.name ? { name: p.name } : {}), ...(p.description ? { description: p.description } : {}) })),
    );
    await upsertMatches(t.db, people.map((_, i) => ({ persona: P.id, prospectId: xid(i), seenAt: AT })));
    await saveScores(t.db, people.map((p, i) => ({ persona: P.id, prospectId: xid(i), score: p.score, components: {}, explanation: `+${p.score} title 'Head of Growth' matches`, scoredAt: AT })));
    const result = await queueJob(jobContext({ db: t.db, x: undefined as unknown as XDoor, config: { worker: config, personas: [P] }, now }));
    expect(result.counts.queued).toBeGreaterThan(0);
  }

  const rowsOf = (db: Database) => db.select().from(notifications).orderBy(notifications.id);

  it('the queue job writes one message per webhook; the sender delivers Slack text and a signed JSON body', async () => {
    await queued([{ score: 90, name: 'Eve <script>alert(1)</script> & <!channel>' }, { score: 80 }, { score: 70 }, { score: 60 }, { score: 40 }]);
    const written = await rowsOf(t.db);
    expect(written.map((r) => [r.kind, r.target, r.status])).toEqual([
      ['queue_ready', 'PROSPECTOR_NOTIFY_TEAM', 'pending'],
      ['queue_ready', 'PROSPECTOR_NOTIFY_MAYA', 'pending'],
    ]);
    // The same day again: nothing new is written.
    await queueJob(jobContext({ db: t.db, x: undefined as unknown as XDoor, config: { worker: config, personas: [P] }, now }));
    expect(await rowsOf(t.db)).toHaveLength(2);

    const s = sender();
    expect(await s.deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 });
    const team = receiver.requests.find((r) => r.path.startsWith('/team'))!;
    const maya = receiver.requests.find((r) => r.path === '/maya')!;

    const slack = JSON.parse(team.body) as { text: string; blocks: Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }> };
    expect(slack.text).toContain(`The queue for ${P.id} is ready: 4 leads on 2026-11-02 (lucas 2, maya 2).`);
    expect(slack.blocks.map((b) => b.type)).toEqual(['section', 'section', 'context']);
    const top = slack.blocks[1]!.text!.text;
    expect(top).toContain('Top 3:');
    expect(top).toContain(`<${PUBLIC_URL}/leads/`);
    // Hostile text cannot open a link, a mention or markup in Slack.
    expect(top).toContain('Eve &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;');
    expect(top).not.toContain('<script>');
    expect(top).not.toContain('<!channel>');
    expect(slack.blocks[2]!.elements![0]!.text).toBe(`<${PUBLIC_URL}/?persona=${P.id}&date=2026-11-02|Open the queue>`);
    expect(team.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(team.headers['x-prospector-signature']).toBeUndefined();

    // maya's webhook: plain JSON about her leads only, signed.
    const body = JSON.parse(maya.body) as { type: string; owner: string; total: number; top: Array<{ owner: string; url: string; profile: string }>; url: string; id: number };
    expect(body).toMatchObject({ type: 'queue_ready', owner: 'maya', total: 2, persona: P.id, day: '2026-11-02', url: `${PUBLIC_URL}/?persona=${P.id}&date=2026-11-02&owner=maya` });
    expect(body.top.every((l) => l.owner === 'maya' && l.url.startsWith(`${PUBLIC_URL}/leads/`) && /^https:\/\/x\.com\/i\/user\/\d+$/.test(l.profile))).toBe(true);
    expect(maya.headers['x-prospector-delivery']).toBe(String(body.id));
    const signed = { secret: SIGNING_KEY, body: maya.body, timestamp: maya.headers['x-prospector-timestamp'] as string, signature: maya.headers['x-prospector-signature'] as string, now: clock };
    expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(signed)).toBe(true);
    expect(verifySignature({ ...signed, body: maya.body.replace('"maya"', '"lucas"') })).toBe(false);
    expect(verifySignature({ ...signed, secret: 'another key' })).toBe(false);
    // Replayed ten minutes later: refused.
    expect(verifySignature({ ...signed, now: new Date(clock.getTime() + 600_000) })).toBe(false);

    expect((await rowsOf(t.db)).map((r) => [r.status, r.attempts, r.sentAt])).toEqual([
      ['sent', 1, clock],
      ['sent', 1, clock],
    ]);
    // Nothing is sent twice.
    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(2);
  });

  it('a lead turning warm is told to the team and to its owner, once; a warm lead a crash left untold is caught up', async () => {
    await upsertProspects(t.db, [0, 1, 2].map((i) => prospectInput(i, { name: `Person ${i}` })));
    await upsertMatches(t.db, [0, 1, 2].map((i) => ({ persona: P.id, prospectId: xid(i), seenAt: AT })));
    await saveScores(t.db, [0, 1, 2].map((i) => ({ persona: P.id, prospectId: xid(i), score: 90 - i, components: {}, explanation: 'fit', scoredAt: AT })));
    const leads = await buildQueue(t.db, { persona: P.id, day: '2026-11-02', perDay: 3, minScore: 50, owners: ['maya', 'lucas'], at: AT });
    const [first, second, third] = leads;
    expect(first!.owner).toBe('maya');
    expect(second!.owner).toBe('lucas');

    await addSignals(t.db, [{ prospectId: xid(0), account: '1500000000000000001', kind: 'followed_back', occurredAt: AT }], AT);
    expect(await warmAndRescore(t.db, [], { engaged: [xid(0)], notify: config.web.notify }, AT)).toBe(1);
    expect((await rowsOf(t.db)).map((r) => [r.kind, r.target, r.key])).toEqual([
      ['lead_warm', 'PROSPECTOR_NOTIFY_TEAM', `lead_warm:PROSPECTOR_NOTIFY_TEAM:${first!.id}`],
      ['lead_warm', 'PROSPECTOR_NOTIFY_MAYA', `lead_warm:PROSPECTOR_NOTIFY_MAYA:${first!.id}`],
    ]);
    // lucas's lead warms: the team hears of it, maya's webhook does not.
    await addSignals(t.db, [{ prospectId: xid(1), account: '1500000000000000001', kind: 'replied', postId: '77', occurredAt: AT }], AT);
    await warmAndRescore(t.db, [], { engaged: [xid(1)], notify: config.web.notify }, AT);
    expect((await rowsOf(t.db)).filter((r) => r.key.endsWith(`:${second!.id}`)).map((r) => r.target)).toEqual(['PROSPECTOR_NOTIFY_TEAM']);

    // A crash between warming and writing: the lead is warm, nobody was told. The next run tells.
    await addSignals(t.db, [{ prospectId: xid(2), account: '1500000000000000001', kind: 'mentioned', postId: '78', occurredAt: AT }], AT);
    expect(await markWarmLeads(t.db, AT)).toHaveLength(1);
    expect(await rowsOf(t.db)).toHaveLength(3);
    await warmAndRescore(t.db, [], { engaged: [], notify: config.web.notify }, new Date(AT.getTime() + 3_600_000));
    expect((await rowsOf(t.db)).filter((r) => r.key.endsWith(`:${third!.id}`)).map((r) => r.target).sort()).toEqual(['PROSPECTOR_NOTIFY_MAYA', 'PROSPECTOR_NOTIFY_TEAM']);
    expect(describeMessage((await rowsOf(t.db))[0]!.message)).toBe(`lead #${first!.id} @user_0 warm (followed back)`);
    // And again: nothing more.
    expect(await notifyWarmLeads(t.db, { ids: leads.map((l) => l.id), recipients: config.web.notify, at: AT })).toBe(0);

    later(3_600_000);
    await sender().deliverDue();
    const warm = receiver.requests.find((r) => r.path.startsWith('/team') && r.body.includes(`Open lead #${first!.id}`))!;
    const slack = JSON.parse(warm.body) as { text: string };
    expect(slack.text).toContain(`@user_0> (Person 0) turned warm: followed back`);
    expect(slack.text).toContain(`<${PUBLIC_URL}/leads/${first!.id}|Open lead #${first!.id}>`);
    const json = receiver.requests.filter((r) => r.path === '/maya').map((r) => JSON.parse(r.body) as { type: string; lead: { id: number; owner: string }; signal: string; url: string });
    expect(json.map((m) => [m.type, m.lead.owner, m.url]).sort()).toEqual(
      [first!, third!].map((l) => ['lead_warm', 'maya', `${PUBLIC_URL}/leads/${l.id}`]).sort(),
    );
    expect(json.find((m) => m.lead.id === first!.id)!.signal).toBe('followed_back');
  });

  it('tries again with backoff on 500 and 429 (Retry-After honoured), then succeeds', async () => {
    await queued([{ score: 90 }]);
    await t.db.delete(notifications).where(eq(notifications.target, 'PROSPECTOR_NOTIFY_MAYA'));
    receiver.answer(500, { status: 429, headers: { 'retry-after': '120' } }, 200);
    const s = sender({ baseDelayMs: 40_000 });

    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    let [row] = await rowsOf(t.db);
    // Equal jitter: the first wait is between 20 and 40 s (the draw is 0.5: 30 s).
    expect([row!.status, row!.attempts, row!.lastError, row!.nextAt.getTime() - clock.getTime()]).toEqual(['pending', 1, 'HTTP 500', 30_000]);
    // Not due yet: nothing is sent.
    later(29_000);
    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(receiver.requests).toHaveLength(1);

    later(1_000);
    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
    [row] = await rowsOf(t.db);
    // The backoff would be 60 s; the receiver asked for 120.
    expect([row!.status, row!.attempts, row!.lastError, row!.nextAt.getTime() - clock.getTime()]).toEqual(['pending', 2, 'HTTP 429', 120_000]);

    later(120_000);
    expect(await s.deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    [row] = await rowsOf(t.db);
    expect([row!.status, row!.attempts, row!.lastError]).toEqual(['sent', 3, 'HTTP 429']);
    expect(receiver.requests).toHaveLength(3);
    // Each try is the same message.
    expect(new Set(receiver.requests.map((r) => r.headers['x-prospector-delivery']))).toEqual(new Set([String(row!.id)]));
    expect(s.logText()).toContain('HTTP 500; try 2 of 5 in 30 s');
    expect(s.logText()).toContain('HTTP 429; try 3 of 5 in 120 s');
  });

  it('gives up after 5 tries over about ten minutes; a 400 is not tried again; failures show for the Activity page', async () => {
    await queued([{ score: 90 }]);
    receiver.answerOn('/team', 400);
    receiver.answerOn('/maya', 500, 500, 500, 500, 500);
    const s = sender({ random: () => 1 });
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const before = clock.getTime();
      await s.deliverDue();
      const pending = (await rowsOf(t.db)).filter((r) => r.status === 'pending');
      if (pending.length === 0) break;
      later(pending[0]!.nextAt.getTime() - before);
      waits.push(clock.getTime() - before);
    }
    // One try for the team's webhook (400), five for maya's (500).
    expect(receiver.requests.filter((r) => r.path.startsWith('/team'))).toHaveLength(1);
    expect(receiver.requests.filter((r) => r.path === '/maya')).toHaveLength(5);
    expect(waits).toEqual([40_000, 80_000, 160_000, 320_000]);
    expect(waits.reduce((a, b) => a + b)).toBeLessThanOrEqual(600_000);

    const activity = await recentNotifications(t.db);
    expect(activity.map((n) => [n.target, n.status, n.attempts, n.lastError]).sort()).toEqual([
      ['PROSPECTOR_NOTIFY_MAYA', 'failed', 5, 'HTTP 500; gave up after 5 tries'],
      ['PROSPECTOR_NOTIFY_TEAM', 'failed', 1, 'HTTP 400: refused, not tried again'],
    ]);
    expect((await recentNotifications(t.db, { status: 'failed', limit: 1 })).length).toBe(1);
    // Newest first; a line for each in plain words.
    expect(activity.map((n) => describeMessage(n.message))).toEqual([`queue ready: ${P.id} 2026-11-02 for maya, 1 lead`, `queue ready: ${P.id} 2026-11-02, 1 lead`]);
    expect(describeMessage({ kind: 'lead_warm' })).toBe('unreadable message');
    expect(s.logText()).toContain('HTTP 400; not tried again');
    expect(s.logText()).toContain('gave up after 5 tries');
  });

  it('never writes the webhook URL in a log line or a stored error, whatever fails', async () => {
    await queued([{ score: 90 }]);
    receiver.answer(500);
    // A second receiver that is gone: the connection is refused.
    const gone = new Receiver();
    await gone.start();
    await gone.stop();
    const goneConfig = workerConfig(gone);
    const s = sender({ targets: () => [config.web.notify[0]!, goneConfig.web.notify[1]!] });
    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 2, failed: 0 });
    const stored = (await rowsOf(t.db)).map((r) => r.lastError);
    expect(stored.sort()).toEqual(['HTTP 500', 'connection failed (ECONNREFUSED)']);
    const logged = s.logText();
    expect(logged).toContain('notify PROSPECTOR_NOTIFY_TEAM: queue_ready');
    for (const secret of [SECRET_PATH, 'xoxSECRETpath42', receiver.url, gone.url, SIGNING_KEY]) {
      expect(logged).not.toContain(secret);
      expect(stored.join(' ')).not.toContain(secret);
    }
    // And the worker's logger masks the URL and the key anyway, as it masks every secret.
    expect(secretValues(config)).toEqual(expect.arrayContaining([`${receiver.url}/team${SECRET_PATH}`, SIGNING_KEY]));
  });

  it('a crash between writing and sending loses nothing: a claim whose worker died is taken over', async () => {
    await queued([{ score: 90 }, { score: 80 }]);
    // A worker claims both rows and dies before sending.
    const dead = await claimNotifications(t.db, { targets: ['PROSPECTOR_NOTIFY_TEAM', 'PROSPECTOR_NOTIFY_MAYA'], workerId: 'dead', at: clock, leaseMs: 60_000, limit: 10 });
    expect(dead).toHaveLength(2);
    const s = sender();
    // Held by its claim meanwhile.
    expect(await s.deliverDue()).toEqual({ sent: 0, retried: 0, failed: 0 });
    later(60_000);
    expect(await s.deliverDue()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect((await rowsOf(t.db)).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
    expect(receiver.requests).toHaveLength(2);
  });

  it('several workers deliver the outbox together without sending anything twice', async () => {
    const fresh = await t.fresh();
    await migrate(fresh.handle);
    const dbs = [fresh.handle.db, (await fresh.connect()).db, (await fresh.connect()).db];
    const people = Array.from({ length: 40 }, (_, i) => i);
    await upsertProspects(dbs[0]!, people.map((i) => prospectInput(i)));
    await upsertMatches(dbs[0]!, people.map((i) => ({ persona: P.id, prospectId: xid(i), seenAt: AT })));
    await saveScores(dbs[0]!, people.map((i) => ({ persona: P.id, prospectId: xid(i), score: 90, components: {}, explanation: 'fit', scoredAt: AT })));
    const leads = await buildQueue(dbs[0]!, { persona: P.id, day: '2026-11-02', perDay: 40, minScore: 50, owners: ['maya', 'lucas'], at: AT });
    await addSignals(dbs[0]!, people.map((i) => ({ prospectId: xid(i), account: '1', kind: 'followed_back' as const, occurredAt: AT })), AT);
    await warmAndRescore(dbs[0]!, [], { engaged: people.map(xid), notify: config.web.notify }, AT);
    await notifyQueueReady(dbs[0]!, { persona: P.id, day: '2026-11-02', recipients: config.web.notify, at: AT });
    const total = (await rowsOf(dbs[0]!)).length;
    expect(total).toBe(leads.length + 20 + 2);

    // A generous timeout: this test is about never sending twice, not about slow receivers (a loaded machine).
    const senders = dbs.map((db, i) => sender({ db, workerId: `worker-${i}`, batch: 5, timeoutMs: 15_000 }));
    for (let round = 0; round < 20; round++) {
      const passes = await Promise.all(senders.map((s) => s.deliverDue()));
      if (passes.every((p) => p.sent === 0)) break;
    }
    const ids = receiver.requests.map((r) => r.headers['x-prospector-delivery']);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect((await rowsOf(dbs[0]!)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });

  it('a receiver that does not answer in time is tried again; a message for a webhook this worker does not know waits for one that does', async () => {
    await queued([{ score: 90 }]);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const s = sender({ targets: () => [{ ...config.web.notify[0]!, url: new Secret('PROSPECTOR_NOTIFY_TEAM', url) }], timeoutMs: 200 });
      expect(await s.deliverDue()).toEqual({ sent: 0, retried: 1, failed: 0 });
      const rows = await rowsOf(t.db);
      expect(rows.map((r) => [r.target, r.status, r.attempts, r.lastError])).toEqual([
        ['PROSPECTOR_NOTIFY_TEAM', 'pending', 1, 'no answer within 0.2 s'],
        // Not claimed: this worker has no such webhook.
        ['PROSPECTOR_NOTIFY_MAYA', 'pending', 0, null],
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a stored message this version cannot read fails with the reason, and is not sent', async () => {
    await queued([{ score: 90 }]);
    await t.db.update(notifications).set({ message: { kind: 'queue_ready', persona: 42 } }).where(eq(notifications.target, 'PROSPECTOR_NOTIFY_TEAM'));
    expect(await sender().deliverDue()).toEqual({ sent: 1, retried: 0, failed: 1 });
    const team = (await rowsOf(t.db)).find((r) => r.target === 'PROSPECTOR_NOTIFY_TEAM')!;
    expect(team.status).toBe('failed');
    expect(team.lastError).toMatch(/^stored message unreadable: persona: /);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/maya']);
  });

  it('stop() during a pass abandons the request in flight and the row is tried again', async () => {
    await queued([{ score: 90 }]);
    // A receiver that never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
    try {
      const target = { ...config.web.notify[0]!, url: new Secret('PROSPECTOR_NOTIFY_TEAM', url) };
      const s = sender({ targets: () => [target], pollMs: 60_000 });
      s.start();
      // Wait until the request is in flight, then stop.
      await new Promise<void>((resolve) => silent.once('request', () => resolve()));
      await s.stop();
      const row = (await rowsOf(t.db)).find((r) => r.target === 'PROSPECTOR_NOTIFY_TEAM')!;
      expect([row.status, row.lastError]).toEqual(['pending', 'worker stopped while sending']);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('slack escaping', () => {
  it('escapes &, < and > as Slack asks, and nothing else', () => {
    expect(slackEscape('a & b <@U123> <!here> > c *bold*')).toBe('a &amp; b &lt;@U123&gt; &lt;!here&gt; &gt; c *bold*');
  });
});
