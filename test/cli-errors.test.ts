import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../src/commands/errors.ts';

/**
 * Mistakes people make, as they make them: `prospector` run as a child process in the repository
 * (its config/), on an embedded database in a temporary directory. Each ends in one message that
 * names the option, variable or value and says what to do, with exit code 2 for a usage mistake
 * and 1 otherwise, and never a stack trace unless asked for.
 */

const BIN = fileURLToPath(new URL('../bin/prospector.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
/** A stack frame as Node prints them. */
const TRACE = /^\s+at .+[:(]/m;

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'prospector-errors-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

async function prospector(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: Record<string, string | undefined> = { ...process.env, PROSPECTOR_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: undefined, PROSPECTOR_SANDBOX_URL: undefined, PROSPECTOR_CONFIG: undefined, PROSPECTOR_DEBUG: undefined };
  const merged = Object.fromEntries(Object.entries({ ...base, ...env }).filter((e): e is [string, string] => e[1] !== undefined));
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('prospector, on bad input', { timeout: 120_000 }, () => {
  it('a date that is not a calendar day is a usage error naming the option (queue --date, snooze --until)', async () => {
    const queue = await prospector(['queue', '--date', '2026-02-30']);
    expect(queue.code).toBe(2);
    expect(queue.stderr).toContain("--date expects a date as YYYY-MM-DD that is a real calendar day; there is no such day as 2026-02-30");
    expect(queue.stderr).not.toMatch(TRACE);

    const snooze = await prospector(['lead', '@x', 'snooze', '--until', '2027-02-30']);
    expect(snooze.code).toBe(2);
    expect(snooze.stderr).toContain('there is no such day as 2027-02-30');
    expect(snooze.stderr).not.toMatch(TRACE);
  });

  it('a snooze until a past day is refused with a message, not a trace', async () => {
    const past = await prospector(['lead', '@x', 'snooze', '--until', '2020-01-01']);
    expect(past.code).toBe(2);
    expect(past.stderr).toMatch(/^prospector: --until 2020-01-01 is not after today \(\d{4}-\d{2}-\d{2}, UTC\): give the day the lead comes back, \d{4}-\d{2}-\d{2} or later\n$/);
  });

  it('run --persona names the personas there are', async () => {
    const run = await prospector(['run', 'search', '--persona', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^prospector: --persona: no persona "nope" in .*config\/personas \(personas: datos-observabilidad-es, growth-saas-en, rh-pme-fr\)\n$/);
  });

  it('DATABASE_URL: not a URL, not PostgreSQL, a wrong port — each says what to check', async () => {
    const notUrl = await prospector(['queue'], { DATABASE_URL: 'not-a-url' });
    expect(notUrl.code).toBe(1);
    expect(notUrl.stderr).toMatch(/DATABASE_URL: expected a URL such as postgres:\/\/user:password@localhost:5432\/prospector, got something that is not a URL/);
    expect(notUrl.stderr).not.toContain('ENOTFOUND');

    const mysql = await prospector(['queue'], { DATABASE_URL: 'mysql://root:secret@127.0.0.1:3306/crm' });
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toContain('DATABASE_URL: expected a URL such as postgres://user:password@localhost:5432/prospector (postgres: or postgresql:), got one that starts with mysql:');
    expect(mysql.stderr).not.toContain('secret');

    // Port 1 on the loopback: nothing listens there.
    const port = await prospector(['status'], { DATABASE_URL: 'postgres://prospector:secret@127.0.0.1:1/prospector' });
    expect(port.code).toBe(1);
    expect(port.stderr).toMatch(/^prospector: cannot connect to PostgreSQL at postgres:\/\/prospector@127\.0\.0\.1:1\/prospector: nothing answers on 127\.0\.0\.1 port 1: is PostgreSQL running there, and is that its port\? Check the host and port in DATABASE_URL\n {2}because: connect ECONNREFUSED/);
    expect(port.stderr).not.toMatch(TRACE);
    expect(port.stderr).not.toContain('secret');
  });

  it('--debug and PROSPECTOR_DEBUG=1 add the stack trace', async () => {
    const flag = await prospector(['status', '--debug'], { DATABASE_URL: 'postgres://x@127.0.0.1:1/y' });
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(TRACE);
    const env = await prospector(['status'], { DATABASE_URL: 'postgres://x@127.0.0.1:1/y', PROSPECTOR_DEBUG: '1' });
    expect(env.stderr).toMatch(TRACE);
  });

  if (TEST_DATABASE_URL) {
    it('a database missing on a running server: create it, or fix the name', async () => {
      const url = new URL(TEST_DATABASE_URL);
      url.pathname = `/prospector_missing_${randomBytes(4).toString('hex')}`;
      const missing = await prospector(['queue'], { DATABASE_URL: url.toString() });
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/the server has no database "prospector_missing_[0-9a-f]+": create it \(createdb prospector_missing_[0-9a-f]+\) or fix the database name in DATABASE_URL/);
      expect(missing.stderr).not.toMatch(TRACE);
    });
  }
});

describe('the error report', () => {
  it('prints each cause once, and the errors of an aggregate', () => {
    const inner = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const report = reportError(new Error('cannot open the database', { cause: new AggregateError([inner, new Error('web port in use')], 'closing failed') }), { debug: false });
    expect(report).toEqual({
      exitCode: 1,
      text: 'prospector: cannot open the database\n  because: closing failed\n  - connect ECONNREFUSED 127.0.0.1:1\n  - web port in use',
    });
    expect(reportError(new TypeError("Cannot read properties of undefined (reading 'id')"), { debug: false }).text).toContain('--debug');
    // A statement cut by a lost connection: what happened and what to do, not the statement.
    const cut = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const lost = reportError(new Error('Failed query: update "actions" set "status" = $1\nparams: done', { cause: cut }), { debug: false });
    expect(lost).toEqual({ exitCode: 1, text: expect.stringMatching(/^prospector: the connection to the database was lost \(terminating connection due to administrator command\); .* run the command again once the database answers$/) });
    expect(lost.text).not.toContain('update "actions"');
    // A server that never answered is not a lost connection.
    const refused = reportError(new Error('cannot connect to PostgreSQL at postgres://x@127.0.0.1:1/db: nothing answers', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), { debug: false });
    expect(refused.text).toMatch(/^prospector: cannot connect to PostgreSQL/);
  });
});

/**
 * The demo, whatever is configured: a PostgreSQL database, a sandbox URL and a data directory in
 * the environment are left alone; its own sandbox and throwaway database are used and removed.
 */
describe('prospector demo is hermetic', { timeout: 240_000 }, () => {
  let scratch: { url: string; drop(): Promise<void>; tables(): Promise<number> } | undefined;
  beforeAll(async () => {
    if (!TEST_DATABASE_URL) return;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const name = `prospector_demo_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database "${name}"`);
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${name}`;
    scratch = {
      url: url.toString(),
      tables: async () => {
        const client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: string }>(`select count(*) as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`);
          return Number(rows[0]?.n);
        } finally {
          await client.end();
        }
      },
      drop: async () => {
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      },
    };
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('writes nothing to the configured database or data directory, says so, and removes its own', async () => {
    const configuredDir = join(dataDir, 'configured');
    const demo = await prospector(['demo', '--users', '400'], {
      // A real scratch database when there is one; otherwise an address where nothing listens.
      DATABASE_URL: scratch?.url ?? 'postgres://prospector@127.0.0.1:1/prospector',
      PROSPECTOR_SANDBOX_URL: 'http://127.0.0.1:1',
      PROSPECTOR_DATA_DIR: configuredDir,
    });
    expect(demo.stderr).not.toMatch(TRACE);
    expect(demo.code).toBe(0);
    const said = /^Demo: its own sandbox X on http:\/\/127\.0\.0\.1:\d+ \(seed 42, 400 users\) and a throwaway embedded database in (\S+); nothing configured is used or changed\.$/m.exec(demo.stderr);
    expect(said).not.toBeNull();
    expect(demo.stdout).toMatch(/Today's queue \(\d+ leads\)/);
    expect(existsSync(said![1]!)).toBe(false);
    expect(existsSync(configuredDir) ? readdirSync(configuredDir) : []).toEqual([]);
    if (scratch) expect(await scratch.tables()).toBe(0);
  });
});
