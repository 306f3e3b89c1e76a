import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The `prospector` command as a person runs it: `npx prospector sandbox …`. */

const BIN = fileURLToPath(new URL('../bin/prospector.js', import.meta.url));

describe('prospector sandbox', () => {
  it('prints its URL and accounts, serves X, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--seed', '9', '--users', '300', '--clock', 'frozen'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let url = '';
    for await (const line of createInterface({ input: child.stdout })) {
      lines.push(line);
      const m = /^X API sandbox on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) url = m[1] as string;
      if (line.startsWith('Ctrl-C')) break;
    }
    expect(url).not.toBe('');
    const output = lines.join('\n');
    expect(output).toMatch(/@maya_sells\s+\d+\s+maya\s+sbx-at-/);
    expect(output).toMatch(/app-only Bearer token: sbx-app-/);

    const accounts = (await (await fetch(`${url}/__sandbox/accounts`)).json()) as { accounts: Array<{ access_token: string; username: string }> };
    const me = await fetch(`${url}/2/users/me`, { headers: { authorization: `Bearer ${accounts.accounts[0]?.access_token}` } });
    expect(((await me.json()) as { data: { username: string } }).data.username).toBe(accounts.accounts[0]?.username);

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });

  it('refuses a bad option with a message naming it', async () => {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--users', 'lots'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--users must be an integer from 10 to 2000000, got "lots"/);
  });
});
