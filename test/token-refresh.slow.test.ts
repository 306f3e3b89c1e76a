import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureAccounts, getAccount } from '../db/accounts.ts';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { createScratchDatabase, type ScratchDatabase } from './support/engage-child.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * Three processes sharing @maya_sells meet its expired token at once, on one PostgreSQL database
 * and the sandbox (which rotates refresh tokens, as X does). One refresh reaches X; the other two
 * wait on the account's lock and take the pair it kept: no refresh token is spent twice, no 401
 * comes back (the engage path would pause the account on it), and all three act after with the
 * kept pair. Needs TEST_DATABASE_URL: PGlite is one process.
 */

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const CHILD = fileURLToPath(new URL('./support/refresh-child.ts', import.meta.url));

interface Logged {
  seq: number;
  method: string;
  path: string;
  status: number;
}

/** A child process of support/refresh-child.ts, read a line at a time. */
class Child {
  private readonly lines: AsyncIterator<string>;
  constructor(readonly process: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: process.stdout })[Symbol.asyncIterator]();
  }
  async next(): Promise<string> {
    const line = await this.lines.next();
    if (line.done) throw new Error(`refresh child ${this.process.pid} ended before answering`);
    return line.value;
  }
  async follow(userId: string): Promise<{ data?: Record<string, unknown>; error?: string }> {
    this.process.stdin.write(`${userId}\n`);
    return JSON.parse(await this.next()) as { data?: Record<string, unknown>; error?: string };
  }
}

let sb: TestSandbox;
let scratch: ScratchDatabase | undefined;
let database: DatabaseHandle | undefined;
const children: Child[] = [];

beforeAll(async () => {
  if (!TEST_DATABASE_URL) return;
  sb = await startTestSandbox({ users: 3000 });
  scratch = await createScratchDatabase(TEST_DATABASE_URL);
  database = await openDatabase({ url: scratch.url, poolSize: 2 });
  await migrate(database);
  await ensureAccounts(database.db, [{ handle: 'maya_sells', owner: 'maya' }], new Date(sb.clock.now()));
}, 60_000);

afterAll(async () => {
  for (const child of children) {
    child.process.stdin.end();
    if (child.process.exitCode === null) await new Promise((done) => child.process.once('exit', done));
  }
  await database?.close();
  await scratch?.drop();
  await sb?.close();
});

async function requestsSince(seq: number): Promise<Logged[]> {
  return (await sb.admin<{ requests: Logged[] }>(`/__sandbox/requests?since=${seq}`)).requests;
}

it.skipIf(!TEST_DATABASE_URL)('three processes refreshing one expired token at once: one refresh at X, the account active, all three acting with the kept pair (needs TEST_DATABASE_URL)', async () => {
  for (let i = 0; i < 3; i++) {
    const child = new Child(spawn(process.execPath, ['--import', 'tsx', CHILD, scratch!.url, sb.url], { stdio: ['pipe', 'pipe', 'inherit'] }));
    children.push(child);
  }
  for (const child of children) expect(await child.next()).toBe('ready');
  await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: 'maya_sells' } });
  const seq = (await requestsSince(0)).at(-1)?.seq ?? 0;

  const first = await Promise.all(children.map((c, i) => c.follow(sb.world.users[10 + i]!.id)));
  expect(first.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
  const tokenRequests = (await requestsSince(seq)).filter((r) => r.path === '/2/oauth2/token');
  expect(tokenRequests.map((r) => r.status)).toEqual([200]);

  const listed = (await sb.admin<{ accounts: Array<{ username: string; access_token: string; refresh_token: string }> }>('/__sandbox/accounts')).accounts.find((a) => a.username === 'maya_sells')!;
  expect(await getAccount(database!.db, 'maya_sells')).toMatchObject({ accessToken: listed.access_token, refreshToken: listed.refresh_token, pausedAt: null });

  // Each process holds a working token: one request each, no 401, no refresh.
  const after = (await requestsSince(0)).at(-1)?.seq ?? 0;
  const second = await Promise.all(children.map((c, i) => c.follow(sb.world.users[20 + i]!.id)));
  expect(second.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
  expect((await requestsSince(after)).map((r) => `${r.method} ${r.path.replace(/\d+/g, ':id')} ${r.status}`)).toEqual(Array(3).fill('POST /:id/users/:id/following 200'));
}, 120_000);
