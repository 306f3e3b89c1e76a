import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../db/client.ts';
import { jobRuns } from '../db/schema.ts';
import { registerPipelineCommands } from '../src/commands/pipeline.ts';
import { pgliteDataDir } from './support/db.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';

/**
 * `prospector run` and signals, in this process (the signal is emitted, not sent): the first
 * SIGTERM aborts the job through its signal, the run is recorded failed with the signal's reason,
 * the command ends with exit code 143; its handlers are gone once it returns, however it ended.
 * (test/stop.slow.test.ts sends real signals to real processes.)
 */

let sb: TestSandbox;
let dataDir: string;
let removeData: () => void;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 });
  ({ dataDir, remove: removeData } = await pgliteDataDir());
});
afterAll(async () => {
  await sb?.close();
  removeData?.();
});
afterEach(() => {
  process.exitCode = undefined;
});

const listeners = () => ({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') });

async function prospector(args: string[], progress?: (line: string) => void): Promise<{ out: string; said: string[]; code: number | undefined }> {
  let out = '';
  const said: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  registerPipelineCommands(program, { out: (text) => (out += text), say: (line) => said.push(line), runtime: { dataDir, sandboxUrl: sb.url }, ...(progress ? { progress } : {}) });
  await program.parseAsync(['node', 'prospector', ...args]);
  return { out, said, code: typeof process.exitCode === 'number' ? process.exitCode : undefined };
}

it('a SIGTERM during prospector run stops the job, records the run failed with the reason, exit code 143; no handler left', async () => {
  const before = listeners();
  let during: ReturnType<typeof listeners> | undefined;
  // The search says where it is after each page: the signal comes in the middle of the job.
  const stopped = await prospector(['run', 'search'], () => {
    if (during) return;
    during = listeners();
    process.emit('SIGTERM', 'SIGTERM');
  });
  expect(during).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1 });
  expect(listeners()).toEqual(before);
  expect(stopped.code).toBe(143);
  expect(stopped.out).toBe('');
  expect(stopped.said).toContain('SIGTERM: stopping search — finishing the action in flight (a second SIGTERM exits at once)');
  expect(stopped.said).toContain('search: stopped by SIGTERM before it finished; the run is recorded as failed');

  process.exitCode = undefined;
  const done = await prospector(['run', 'queue']);
  expect(done.code).toBeUndefined();
  expect(done.out).toMatch(/^queue: /);
  expect(listeners()).toEqual(before);

  const handle = await openDatabase({ dataDir });
  try {
    const runs = await handle.db.select().from(jobRuns).orderBy(jobRuns.id);
    expect(runs.map((r) => [r.job, r.status, r.error])).toEqual([
      ['search', 'failed', 'stopped by SIGTERM before it finished'],
      ['queue', 'ok', null],
    ]);
  } finally {
    await handle.close();
  }
}, 60_000);
