import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/**
 * `npm start` on a fresh clone: no X credentials, no DATABASE_URL. The worker says in one line that
 * it uses the sandbox and the embedded database, runs its first cycle, prints the review page URL
 * and the queue, answers /healthz, and stops cleanly on SIGTERM with exit code 0.
 */

const ROOT = join(import.meta.dirname, '..');

it('npm start runs the worker with nothing configured and prints the review page URL', async () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts.start).toBe('node bin/prospector.js worker');

  const dataDir = mkdtempSync(join(tmpdir(), 'prospector-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PROSPECTOR_DATA_DIR: dataDir, PROSPECTOR_WEB_PORT: '0' };
  for (const key of ['DATABASE_URL', 'PROSPECTOR_CONFIG', 'PROSPECTOR_SANDBOX_URL', 'X_BEARER_TOKEN']) delete env[key];
  const child = spawn(process.execPath, ['bin/prospector.js', 'worker'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no review page URL within 90 s; stderr:\n${err}`)), 90_000);
      child.stderr.on('data', () => {
        const found = /Review page: (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
        if (found && /Today's queue/.test(err)) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`the worker exited (${code}) before printing the page URL:\n${err}`)));
    });
    const lines = err.split('\n').filter((l) => !l.startsWith('{'));
    expect(lines.filter((l) => /X is the sandbox in this process/.test(l))).toHaveLength(1);
    expect(lines.join('\n')).toMatch(/X is the sandbox in this process \(no X credentials configured.*\); database: PGlite in .* \(embedded; set DATABASE_URL for PostgreSQL\)/);
    expect(lines.join('\n')).toMatch(/Today's queue \(\d{4}-\d{2}-\d{2}\): \d+ leads?/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toMatch(/SIGTERM: stopping/);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 120_000);
