import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../db/client.ts';
import { registerWebCommands } from '../src/commands/web.ts';
import { readEnvironment } from '../src/config/env.ts';
import { formatIssue } from '../src/config/load.ts';
import { silentLogger } from '../src/log.ts';
import { hashPassword, isLoopback, openSession, parseUsersVariable, sealSession, verifyPassword } from '../src/web/auth.ts';
import { buildWebApp, startWebServer, type WebServerOptions } from '../src/web/server.ts';
import { openPglite } from './support/db.ts';
import { workerConfig } from './support/observe.ts';
import { cookiesOf } from './support/web.ts';

/** Who may use the page: hashes, sessions, sign-in, CSRF, the local user, and refusing to start. */

const AT = new Date('2026-11-02T09:00:00Z');
const MAYA = { name: 'maya', password: 'correct horse battery staple' };
let mayaHash: string;
let handle: DatabaseHandle;

beforeAll(async () => {
  mayaHash = hashPassword(MAYA.password);
  handle = await openPglite('migrated');
});
afterAll(async () => handle.close());

const options = (over: Partial<WebServerOptions> = {}): WebServerOptions => ({
  host: '127.0.0.1',
  port: 0,
  db: handle.db,
  config: workerConfig(),
  log: silentLogger(),
  now: () => AT,
  processMetrics: false,
  users: [{ name: MAYA.name, passwordHash: mayaHash }],
  secret: 'a test secret of at least thirty-two characters',
  ...over,
});


/** The sign-in form's CSRF token and cookie. */
async function signInForm(app: Awaited<ReturnType<typeof buildWebApp>>) {
  const form = await app.inject({ method: 'GET', url: '/sign-in' });
  expect(form.statusCode).toBe(200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  expect(csrf).toBeDefined();
  return { csrf: csrf!, cookie: cookiesOf(form.headers) };
}

describe('passwords and sessions', () => {
  it('hashes with scrypt and a salt, verifies, and refuses a wrong password or a malformed hash', () => {
    expect(mayaHash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hashPassword(MAYA.password)).not.toBe(mayaHash);
    expect(verifyPassword(MAYA.password, mayaHash)).toBe(true);
    expect(verifyPassword('Correct horse battery staple', mayaHash)).toBe(false);
    expect(verifyPassword(MAYA.password, 'plain-text')).toBe(false);
  });

  it('a session holds its user until it ends, and a changed cookie holds nothing', () => {
    const secret = Buffer.from('s'.repeat(32));
    const sealed = sealSession(secret, 'maya', new Date(AT.getTime() + 3600_000));
    expect(openSession(secret, sealed, AT)).toBe('maya');
    expect(openSession(secret, sealed, new Date(AT.getTime() + 3601_000))).toBeUndefined();
    expect(openSession(secret, sealed.replace(/^[^.]+/, Buffer.from('boss').toString('base64url')), AT)).toBeUndefined();
    expect(openSession(Buffer.from('t'.repeat(32)), sealed, AT)).toBeUndefined();
  });

  it('reads PROSPECTOR_WEB_USERS and names a bad entry without showing its hash', () => {
    expect(parseUsersVariable(`maya:${mayaHash}, lucas:${mayaHash}`).map((u) => u.name)).toEqual(['maya', 'lucas']);
    expect(() => parseUsersVariable('maya:hunter2')).toThrow('PROSPECTOR_WEB_USERS: entry 1: expected name:hash with a hash from `prospector web add-user`');
    const env = readEnvironment({ PROSPECTOR_WEB_USERS: 'maya:hunter2', PROSPECTOR_WEB_SECRET: 'short' });
    expect(env.issues.map(formatIssue).join('\n')).not.toContain('hunter2');
    expect(env.issues.map((i) => i.path)).toEqual(['PROSPECTOR_WEB_USERS', 'PROSPECTOR_WEB_SECRET']);
  });

  it('web.users in the config: a bad hash or a name twice is an error with file:line', () => {
    expect(() => workerConfig(`web:\n  users:\n    - { name: maya, password_hash: hunter2 }\n`)).toThrow(/expected a hash made by `prospector web add-user`/);
    expect(() => workerConfig(`web:\n  users:\n    - { name: maya, password_hash: "${mayaHash}" }\n    - { name: Maya, password_hash: "${mayaHash}" }\n`)).toThrow(/Maya is listed twice/);
    expect(workerConfig(`web:\n  users:\n    - { name: maya, password_hash: "${mayaHash}" }\n`).web.users).toEqual([{ name: 'maya', password_hash: mayaHash }]);
  });

  it('knows a loopback address', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.4', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});

describe('signing in', () => {
  it('sends a stranger to the sign-in page, and a signed-in person to the page', async () => {
    const app = await buildWebApp(options());
    try {
      const away = await app.inject({ method: 'GET', url: '/' });
      expect(away.statusCode).toBe(303);
      expect(away.headers.location).toBe('/sign-in?next=%2F');
      const { csrf, cookie } = await signInForm(app);
      const ok = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'Maya', password: MAYA.password, next: '/' } });
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe('/');
      const setCookie = String(ok.headers['set-cookie']);
      expect(setCookie).toMatch(/prospector_session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict/);
      const page = await app.inject({ method: 'GET', url: '/', headers: { cookie: cookiesOf(ok.headers) } });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).not.toContain("script-src 'unsafe-inline'");
    } finally {
      await app.close();
    }
  });

  it('refuses a wrong password, an unknown name, a missing CSRF token and a foreign next address', async () => {
    const app = await buildWebApp(options());
    try {
      const { csrf, cookie } = await signInForm(app);
      const wrong = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'maya', password: 'nope' } });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('Wrong name or password.');
      expect(wrong.headers['set-cookie'] ?? '').not.toContain('prospector_session');
      const stranger = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'boss', password: MAYA.password } });
      expect(stranger.statusCode).toBe(401);
      const noToken = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { name: 'maya', password: MAYA.password } });
      expect(noToken.statusCode).toBe(403);
      expect(noToken.body).toContain('reload the page');
      const otherToken = await app.inject({ method: 'POST', url: '/sign-in', payload: { _csrf: csrf, name: 'maya', password: MAYA.password } });
      expect(otherToken.statusCode).toBe(403);
      const away = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'maya', password: MAYA.password, next: '//evil.example/' } });
      expect(away.headers.location).toBe('/');
    } finally {
      await app.close();
    }
  });

  it('slows down guessing: per address, then per name', async () => {
    const app = await buildWebApp(options());
    try {
      const { csrf, cookie } = await signInForm(app);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await app.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'maya', password: `guess ${i}` } });
        statuses.push(r.statusCode);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
      // From another address, the name itself is now locked for a while: even the right password waits.
      const other = await app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9', headers: { cookie }, payload: { _csrf: csrf, name: 'maya', password: MAYA.password } });
      expect(other.statusCode).toBe(429);
      expect(other.body).toContain('Too many failed attempts for this name');
    } finally {
      await app.close();
    }
  });

  it('with nobody configured, serves the local user on a loopback address and refuses any other address', async () => {
    const app = await buildWebApp(options({ users: [], localUser: 'laptop' }));
    try {
      expect((await app.inject({ method: 'GET', url: '/' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/sign-in' })).headers.location).toBe('/');
    } finally {
      await app.close();
    }
    await expect(startWebServer(options({ users: [], host: '0.0.0.0' }))).rejects.toThrow(
      'the web page would listen on 0.0.0.0, reachable from other machines, and nobody may sign in: add a person first with `prospector web add-user <name>`',
    );
  });

  it('keeps its session secret in the data directory, readable by its owner only, so a restart keeps people signed in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prospector-web-'));
    try {
      const first = await buildWebApp(options({ secret: undefined, secretDir: dir }));
      const { csrf, cookie } = await signInForm(first);
      const ok = await first.inject({ method: 'POST', url: '/sign-in', headers: { cookie }, payload: { _csrf: csrf, name: 'maya', password: MAYA.password } });
      await first.close();
      expect(statSync(join(dir, 'web-secret')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'web-secret'), 'utf8').trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      const again = await buildWebApp(options({ secret: undefined, secretDir: dir }));
      expect((await again.inject({ method: 'GET', url: '/', headers: { cookie: cookiesOf(ok.headers) } })).statusCode).toBe(200);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prospector web add-user', () => {
  const run = async (args: string[], password: string) => {
    let out = '';
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerWebCommands(program, { out: (t) => (out += t), readPassword: async () => password });
    await program.parseAsync(['node', 'prospector', 'web', 'add-user', ...args]);
    return out;
  };

  it('prints a config line and an environment entry whose hash verifies the password, never the password', async () => {
    const out = await run(['lucas'], 'a long passphrase of words');
    const hash = /password_hash: "([^"]+)"/.exec(out)?.[1];
    expect(hash).toBeDefined();
    expect(verifyPassword('a long passphrase of words', hash!)).toBe(true);
    expect(out).toContain(`lucas:${hash}`);
    expect(out).not.toContain('passphrase');
    expect(workerConfig(`web:\n  users:\n${out.split('\n')[1]}\n`).web.users[0]?.name).toBe('lucas');
    expect(parseUsersVariable(`lucas:${hash}`)).toHaveLength(1);
  });

  it('refuses a short password and a name it could not sign in with', async () => {
    await expect(run(['lucas'], 'short')).rejects.toThrow('the password has 5 characters: use at least 12');
    await expect(run(['lucas ventes'], 'a long passphrase of words')).rejects.toThrow('the name may have letters, digits, . _ -');
  });
});
