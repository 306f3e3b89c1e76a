import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccount } from '../db/accounts.ts';
import { secretValues } from '../src/config/worker.ts';
import { createLogger, SecretMask } from '../src/log.ts';
import { openRuntime, runJob } from '../src/runtime.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * Logs: JSON lines for machines, readable lines on a terminal, and never a secret — neither a
 * field that looks secret nor a secret value the config resolved, wherever it hides in a line.
 */

/** A destination that keeps what it is given; `tty` makes it look like a terminal. */
function capture(tty = false): Writable & { text: () => string; isTTY?: boolean } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text: () => string; isTTY?: boolean };
  stream.text = () => chunks.join('');
  if (tty) stream.isTTY = true;
  return stream;
}

describe('log format', () => {
  it('writes JSON lines when the destination is not a terminal', () => {
    const out = capture();
    const log = createLogger({ destination: out, level: 'info' });
    log.info({ job: 'search', posts: 212 }, 'search saas-fr: 212 posts, 0.96 s');
    log.debug('not at info');
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, job: 'search', posts: 212, msg: 'search saas-fr: 212 posts, 0.96 s' });
  });

  it('writes readable lines on a terminal, synchronously, in this thread', () => {
    const out = capture(true);
    const log = createLogger({ destination: out, level: 'info' });
    log.info({ job: 'search', posts: 212 }, 'search saas-fr: 212 posts, 0.96 s');
    // Already written when info() returns: no transport, no worker thread.
    const text = out.text();
    expect(text).toMatch(/INFO.*search saas-fr: 212 posts, 0\.96 s/);
    expect(text).toContain('"posts":212');
    expect(() => JSON.parse(text)).toThrow();
    expect(text.trim().split('\n')).toHaveLength(1);
  });

  it('pretty can be forced either way', () => {
    const tty = capture(true);
    createLogger({ destination: tty, pretty: false }).info('plain');
    expect(JSON.parse(tty.text())).toMatchObject({ msg: 'plain' });
    const file = capture();
    createLogger({ destination: file, pretty: true }).warn('readable');
    expect(file.text()).toMatch(/WARN.*readable/);
  });
});

describe('secrets in logs', () => {
  const token = 'sbx-at-9f8e7d6c5b4a39281706';
  const quoted = 'pa"ss\\word/with+chars&=';

  it('masks secret values anywhere: messages, fields of any name, errors, JSON inside strings, URLs', () => {
    for (const pretty of [false, true]) {
      const out = capture();
      const log = createLogger({ destination: out, secrets: [token, quoted], pretty });
      log.info({ headers: { Authorization: `Bearer ${token}` }, note: quoted }, `calling X with ${token}`);
      log.error({ err: new Error(`refresh failed: ${quoted} / ${token}`) }, 'refresh failed');
      log.warn({ body: JSON.stringify({ sent: { secret: quoted, token } }) }, 'X answered 400');
      log.info({ url: `https://example.test/cb?code=${encodeURIComponent(quoted)}&t=${token}` }, 'callback');
      log.child({ account: 'maya_sells' }).info({ deep: { deeper: { deepest: quoted } } }, 'nested');
      const text = out.text();
      expect(text).not.toContain(token);
      expect(text).not.toContain(quoted);
      expect(text).not.toContain(JSON.stringify(quoted).slice(1, -1));
      expect(text).not.toContain(encodeURIComponent(quoted));
      expect(text).not.toContain('ss\\\\word');
      expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(10);
      expect(text).toContain('maya_sells');
    }
  });

  it('still redacts fields whose name looks secret, whatever their value', () => {
    const out = capture();
    createLogger({ destination: out }).info({ token: 'abc', account: { refresh_token: 'def', password: 'ghi' } }, 'fields');
    const line = JSON.parse(out.text()) as { token: string; account: { refresh_token: string; password: string } };
    expect(line).toMatchObject({ token: '[redacted]', account: { refresh_token: '[redacted]', password: '[redacted]' } });
  });

  it('takes secrets added after the logger was made (the config is read after)', () => {
    const out = capture();
    const mask = new SecretMask();
    const log = createLogger({ destination: out, secrets: mask });
    mask.add([token, 'abc']); // too short to mask: it would blank ordinary words
    log.info(`a ${token} cabbage`);
    expect(JSON.parse(out.text())).toMatchObject({ msg: 'a [redacted] cabbage' });
  });
});

describe('secrets in the logs of real operations', () => {
  let sb: TestSandbox;
  let dir: string;
  const env: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    sb = await startTestSandbox({ users: 3000 });
    dir = mkdtempSync(join(tmpdir(), 'prospector-log-'));
    // The worker's tokens come from the environment, as in production; their values are the
    // sandbox's own tokens, so they are the ones that go over the wire.
    const accounts = sb.accounts.accounts;
    Object.assign(env, {
      PLT_BEARER: sb.accounts.app.bearer_token,
      PLT_CLIENT_ID: sb.accounts.app.client_id,
      PLT_CLIENT_SECRET: sb.accounts.app.client_secret,
    });
    accounts.forEach((a, i) => {
      env[`PLT_TOKEN_${i}`] = a.access_token;
      env[`PLT_REFRESH_${i}`] = a.refresh_token;
    });
    for (const [name, value] of Object.entries(env)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    writeFileSync(
      join(dir, 'prospector.yaml'),
      [
        'network: x',
        'time_zone: UTC',
        'x:',
        '  bearer_token: ${PLT_BEARER}',
        '  client_id: ${PLT_CLIENT_ID}',
        '  client_secret: ${PLT_CLIENT_SECRET}',
        'accounts:',
        ...accounts.map((a, i) => `  - { handle: ${a.username}, owner: ${a.owner}, token_env: PLT_TOKEN_${i}, refresh_token_env: PLT_REFRESH_${i} }`),
        `personas_dir: ${JSON.stringify(resolve('config/personas'))}`,
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('search and signals at debug level, a token refresh, and careless log calls: no token value in the captured text', async () => {
    const out = capture();
    const mask = new SecretMask();
    const log = createLogger({ destination: out, level: 'debug', secrets: mask });
    const rt = await openRuntime({ configFile: join(dir, 'prospector.yaml'), dataDir: 'memory://', sandboxUrl: sb.url, log, say: (line) => log.info(line) });
    try {
      const secrets = secretValues(rt.config.worker);
      mask.add(secrets);
      expect(secrets.sort()).toEqual(Object.values(env).sort());

      await runJob(rt, 'search', { persona: 'growth-saas-en' });
      // maya's access token dies: the door refreshes it with the refresh token from the environment.
      await sb.admin('/__sandbox/tokens/expire', { method: 'POST', body: { username: sb.accounts.accounts[0]!.username } });
      await runJob(rt, 'signals');
      const maya = await getAccount(rt.database.db, sb.accounts.accounts[0]!.username);
      expect(maya?.refreshToken).toBeTruthy();
      expect(maya?.refreshToken).not.toBe(env.PLT_REFRESH_0);

      // What careless code might write.
      const [bearer, , , token, refresh] = [env.PLT_BEARER!, env.PLT_CLIENT_ID!, env.PLT_CLIENT_SECRET!, env.PLT_TOKEN_0!, env.PLT_REFRESH_0!];
      log.info({ config: rt.config.worker }, 'config loaded');
      log.info({ request: { headers: { Authorization: `Bearer ${bearer}` } } }, `GET /2/tweets/search/recent with ${bearer}`);
      log.error({ err: new Error(`refresh with ${refresh} refused`), account: 'maya_sells' }, `token ${token} expired`);
      log.warn({ body: JSON.stringify({ refresh_token: refresh, access_token: token }) }, 'X answered');
      log.debug({ env: process.env }, 'environment');

      const text = out.text();
      expect(text).toMatch(/search growth-saas-en: \d+ posts/);
      expect(text).toMatch(/"sql":"/);
      expect(text).toContain('[redacted]');
      for (const secret of secrets) expect(text.includes(secret), `a secret of ${secret.length} characters is in the logs`).toBe(false);
    } finally {
      await rt.close();
    }
  });

  it('the same careless lines without the mask do carry the tokens (the check above can fail)', () => {
    const out = capture();
    const log = createLogger({ destination: out });
    log.info(`GET with ${env.PLT_BEARER}`);
    expect(out.text()).toContain(env.PLT_BEARER!);
  });
});
