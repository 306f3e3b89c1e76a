import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerWorkerCommand } from '../src/commands/worker.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { captureLog, createWorkerStore, eventually, makeConfigDir, setEnv } from './support/worker.ts';

/**
 * A worker whose config leaves built-in opt-out phrases out says so when it starts, in one line
 * naming them and what it means; one whose config leaves none out says nothing about it.
 */

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ users: 500 });
});
afterAll(async () => {
  await sb?.close();
});

/** Starts `prospector worker` on a config whose engagement section gets `extra`, stops it, and returns what it said. */
async function startAndStop(extra: string): Promise<string[]> {
  const config = makeConfigDir({ schedules: {} });
  const text = readFileSync(config.configFile, 'utf8');
  expect(text).toMatch(/^engagement:\n/m);
  writeFileSync(config.configFile, text.replace(/^engagement:\n/m, `engagement:\n${extra}`));
  const store = await createWorkerStore('pglite');
  const said: string[] = [];
  const restore = setEnv({ ...store.env, PROSPECTOR_CONFIG: config.configFile, PROSPECTOR_SANDBOX_URL: sb.url, PROSPECTOR_WEB_PORT: '0' });
  try {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerWorkerCommand(program, { say: (line) => said.push(line), log: captureLog('info').log, exit: () => {} });
    await program.parseAsync(['node', 'prospector', 'worker']);
    process.emit('SIGTERM', 'SIGTERM');
    await eventually('the worker to stop', () => said.includes('stopped') || said.some((l) => l.startsWith('stop failed')), { timeoutMs: 20_000 });
    return said;
  } finally {
    restore();
    await store.drop();
    config.remove();
  }
}

it('warns at start, naming the phrases left out and what it means', { timeout: 60_000 }, async () => {
  const said = await startAndStop('  opt_out_ignore:\n    - STOP\n    - no me interesa\n');
  const warnings = said.filter((l) => l.includes('opt_out_ignore'));
  expect(warnings).toEqual([
    'WARNING: engagement.opt_out_ignore leaves out 2 built-in phrases: "stop", "no me interesa": replies with them are no longer read as requests to stop, so their authors stay contactable.',
  ]);
  // Said before the worker runs anything.
  expect(said.indexOf(warnings[0]!)).toBeLessThan(said.findIndex((l) => l.startsWith('Prospector worker')));
  expect(said).toContain('stopped');
});

it('says nothing of the kind when no phrase is left out', { timeout: 60_000 }, async () => {
  const said = await startAndStop('  opt_out_phrases: [quit tagging me]\n');
  expect(said.some((l) => l.startsWith('Prospector worker'))).toBe(true);
  expect(said.filter((l) => /opt_out|WARNING/.test(l))).toEqual([]);
});
