import { Command } from 'commander';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getCursor, recordRefusal } from '../db/search.ts';
import { registerPipelineCommands } from '../src/commands/pipeline.ts';
import type { JobContext } from '../jobs/context.ts';
import search from '../jobs/search.ts';
import { loadConfig, type LoadedConfig } from '../src/config/load.ts';
import type { Persona } from '../src/config/persona.ts';
import { XDoor } from '../src/x/door.ts';
import { XCallError } from '../src/x/errors.ts';
import { describeEachDatabase, pgliteDataDir } from './support/db.ts';
import { jobContext } from './support/context.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { captureLog } from './support/worker.ts';

/**
 * What X refuses is the refused query's problem: the other queries and personas are searched,
 * X's reason is in the summary, and `start_time` keeps away from X's 7-day edge even when X's
 * clock runs ahead of the job's. Also: a failed connection says which request failed, and the
 * sandbox's request log keeps query parameters with secrets masked.
 */

let sb: TestSandbox;
let door: XDoor;
let config: LoadedConfig;

beforeAll(async () => {
  config = await loadConfig({ file: 'config/prospector.yaml' });
});
beforeEach(async () => {
  sb = await startTestSandbox({ users: 3000 });
  door = await XDoor.sandbox(sb.url);
});
afterEach(async () => {
  door?.close();
  await sb?.close();
});

function persona(id: string, change: (p: Persona) => Persona = (p) => p): Persona {
  const base = config.personas.find((p) => p.id === id);
  if (!base) throw new Error(`no example persona ${id}`);
  return change(base);
}

type Logged = { seq: number; path: string; method: string; query: Record<string, string>; body: Record<string, unknown> | null; status: number };
const requests = async (since = 0, path = '/2/tweets/search/recent') =>
  (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${since}&path=${path}`)).requests;
const lastSeq = async () => (await sb.admin<{ requests: Array<{ seq: number }> }>('/__sandbox/requests')).requests.at(-1)?.seq ?? 0;

/** A query the sandbox's parser refuses, as X refuses one it cannot parse. */
const BROKEN = '(saas OR crm';

describeEachDatabase('search refusals', (t) => {
  const ctx = (personas: readonly Persona[], over: Partial<JobContext> = {}): JobContext =>
    jobContext({ db: t.db, x: door, now: () => new Date(sb.clock.now()), config: { worker: config.worker, personas } }, over);

  beforeEach(async () => {
    await t.reset();
  });

  it('a refused query leaves the other queries and the other personas searched, with X’s reason in the summary', async () => {
    const first = persona('growth-saas-en', (p) => ({ ...p, search: { ...p.search, queries: [BROKEN, ...p.search.queries] } }));
    const second = persona('rh-pme-fr');
    const captured = captureLog('debug');
    const result = await search(ctx([first, second], { log: captured.log }));

    expect(result.counts.refused).toBe(1);
    expect(result.summary).toContain(`X refused growth-saas-en's query "${BROKEN}": 400 `);
    const sent = await requests();
    const refused = sent.filter((r) => r.status === 400);
    expect(refused.map((r) => r.query.query)).toEqual([BROKEN]);
    // Every other query of both personas was asked, and answered.
    for (const q of [...first.search.queries.slice(1), ...second.search.queries]) {
      expect(sent.some((r) => r.query.query === q && r.status === 200), q).toBe(true);
    }
    expect(result.summary).toMatch(/rh-pme-fr: \d+ posts/);
    expect(result.counts.personas).toBe(2);
    expect(result.counts.pages).toBeGreaterThan(0);
    // The refused query's cursor holds X's reason and no position; the other persona's do move.
    const held = await getCursor(t.db, first.id, BROKEN);
    expect(held).toMatchObject({ sinceId: null, untilId: null, refusedAt: new Date(sb.clock.now()), refusedReason: expect.stringMatching(/^400 .*missing '\)'/) });
    const moved = await Promise.all(second.search.queries.map((q) => getCursor(t.db, second.id, q)));
    expect(moved.some((c) => c?.sinceId)).toBe(true);
    // One warning for the refusal, naming the persona, the query and X's reason.
    const warned = captured.lines.filter((l) => l.query === BROKEN);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ persona: first.id, status: 400, reason: expect.stringMatching(/^400 /) });

    // Refused again on the next run: the reason stays, the job still goes through.
    const again = await search(ctx([first, second]));
    expect(again.counts.refused).toBe(1);
    expect((await getCursor(t.db, first.id, BROKEN))?.refusedReason).toBe(held?.refusedReason);
  });

  it('a query refused once is searched from where it stood and its refusal cleared when X accepts it', async () => {
    const p = persona('growth-saas-en');
    const [query] = p.search.queries;
    // A refusal of an earlier run, recorded as the job records one.
    await recordRefusal(t.db, { persona: p.id, query: query!, reason: "400 Invalid 'start_time'", at: new Date(sb.clock.now()) });
    const result = await search(ctx([p]));
    expect(result.counts.refused).toBe(0);
    const cursor = await getCursor(t.db, p.id, query!);
    expect(cursor).toMatchObject({ refusedAt: null, refusedReason: null });
    expect(cursor?.sinceId).toMatch(/^\d+$/);
  });

  it('a start_time stays inside the 7-day edge when X’s clock runs minutes ahead of the job’s', async () => {
    const p = persona('growth-saas-en');
    // The job's clock lags the sandbox's by five minutes, as a host's clock can lag X's.
    const lagging = () => new Date(sb.clock.now() - 5 * 60_000);
    await search(ctx([p], { now: lagging }));
    await sb.advance(8 * 86_400);
    const seq = await lastSeq();
    const result = await search(ctx([p], { now: lagging }));
    const sent = await requests(seq);
    const starts = sent.filter((r) => r.query.start_time !== undefined);
    expect(starts.length).toBeGreaterThan(0);
    expect(sent.every((r) => r.status === 200)).toBe(true);
    expect(result.counts.refused).toBe(0);
    // Minutes of margin from the sandbox's edge, not seconds.
    for (const r of starts) expect(Date.parse(r.query.start_time!) - (sb.clock.now() - 7 * 86_400_000)).toBeGreaterThanOrEqual(5 * 60_000);
  });
});

describe('failed connections and the request log', () => {
  it('a dropped connection names method, host and path, never a token', async () => {
    await sb.admin('/__sandbox/faults', { method: 'POST', body: { search: { drop: 1 } } });
    const error = await (async () => {
      try {
        for await (const page of door.search('saas', { retry: { attempts: 1, baseMs: 0, maxMs: 0 } })) void page;
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(XCallError);
    const message = (error as XCallError).message;
    expect((error as XCallError).kind).toBe('network');
    expect(message).toMatch(/connection to X failed: GET [^ ]+\/2\/tweets\/search\/recent: (ECONNRESET|socket hang up)$/);
    expect(message).not.toContain(sb.accounts.app.bearer_token);
    expect(message).not.toContain('Request failed.');
  });

  it('the request log keeps query parameters and masks tokens and codes', async () => {
    const pages = door.search('saas', { maxPosts: 20 });
    for await (const page of pages) void page;
    const [first] = await requests();
    expect(first?.query).toMatchObject({ query: 'saas', max_results: '20' });
    // A refresh: its token and client credentials are masked, the grant type stays readable.
    const account = sb.accounts.accounts[0]!;
    const seq = await lastSeq();
    await fetch(`${sb.url}/2/oauth2/token?code=abc123&state=xyz`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: account.refresh_token, client_id: 'c', client_secret: 's3cret' }).toString(),
    });
    const [refresh] = await requests(seq, '/2/oauth2/token');
    expect(refresh?.query).toEqual({ code: '***', state: 'xyz' });
    expect(refresh?.body).toEqual({ grant_type: 'refresh_token', refresh_token: '***', client_id: 'c', client_secret: '***' });
    expect(JSON.stringify(await sb.admin('/__sandbox/requests'))).not.toContain(account.refresh_token);
  });
});

describe('prospector run search', () => {
  it('names the refusal in its outcome line with X’s reason, no stack trace, and exits 0 with the other personas searched', async () => {
    const { dataDir, remove } = await pgliteDataDir();
    try {
      const personas = config.personas.map((p) => (p.id === 'growth-saas-en' ? { ...p, search: { ...p.search, queries: [BROKEN, ...p.search.queries] } } : p));
      let out = '';
      const said: string[] = [];
      const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
      registerPipelineCommands(program, { out: (text: string) => (out += text), say: (line: string) => said.push(line), runtime: { dataDir, sandboxUrl: sb.url, config: { ...config, personas } } });
      await program.parseAsync(['node', 'prospector', 'run', 'search']);
      expect(process.exitCode ?? 0).toBe(0);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^search: .*growth-saas-en: \d+ posts .*; X refused growth-saas-en's query "\(saas OR crm": 400 .+, \d+\.\d\d s$/);
      for (const p of personas.filter((q) => q.id !== 'growth-saas-en')) expect(lines[0]).toMatch(new RegExp(`${p.id}: \\d+ posts`));
      expect(`${out}${said.join('\n')}`).not.toMatch(/\n\s+at /);
    } finally {
      process.exitCode = undefined;
      remove();
    }
  });
});
