import { readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { and, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it, onTestFinished } from 'vitest';
import type { Database } from '../db/client.ts';
import { currentPause } from '../db/work.ts';
import { jobRuns, jobWork } from '../db/schema.ts';
import { registerPipelineCommands } from '../src/commands/pipeline.ts';
import { registerStatusCommands } from '../src/commands/status.ts';
import { registerWorkerCommand } from '../src/commands/worker.ts';
import type { Health } from '../src/observe/health.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { captureLog, createWorkerStore, describeEachStore, eventually, makeConfigDir, setEnv, type StoreKind } from './support/worker.ts';

/**
 * Bad config files as a running worker and ops meet them: an alias bomb and a huge file dropped
 * into a running worker's personas folder leave it running, the other personas on schedule, and
 * /healthz degraded (200) naming each file with file:line; a persona broken on reload keeps its
 * last good version; editors' lock files are ignored; and with a broken worker config, status,
 * pause, resume, queue and reading a lead still work while `run` and the worker refuse.
 */

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox({ users: 2000 });
});
afterAll(async () => {
  await sb?.close();
});

function aliasBomb(id: string): string {
  let text = `id: ${id}\na0: &a0 [x, x, x, x, x, x, x, x, x]\n`;
  for (let i = 1; i <= 6; i++) text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
  return text;
}

async function healthz(url: string): Promise<{ code: number; body: Health }> {
  const res = await fetch(`${url}/healthz`);
  return { code: res.status, body: (await res.json()) as Health };
}

/** Finished queue runs of ticks after `at`, with the personas whose share is done. */
async function queueRunsAfter(db: Database, at: Date): Promise<Array<{ id: number; personas: string[] }>> {
  const runs = await db.select().from(jobRuns).where(and(eq(jobRuns.job, 'queue'), gt(jobRuns.tick, at), eq(jobRuns.status, 'ok')));
  const out = [];
  for (const run of runs) {
    const shares = await db.select().from(jobWork).where(eq(jobWork.runId, run.id));
    out.push({ id: run.id, personas: shares.filter((s) => s.status === 'done').map((s) => s.persona ?? '').sort() });
  }
  return out;
}

describeEachStore('a running worker meets bad persona files', (kind: StoreKind) => {
  it('an alias bomb and a huge file: the worker keeps running, the other personas keep their schedule, /healthz is degraded (200) naming each file; a persona broken on reload keeps its last good version; lock files are ignored', async () => {
    const config = makeConfigDir({ schedules: { queue: { cron: '*/2 * * * * *' } } });
    const personasDir = join(config.dir, 'personas');
    writeFileSync(join(personasDir, 'second.yaml'), readFileSync(config.personaFile, 'utf8').replace('id: growth-saas-en', 'id: second'));
    const store = await createWorkerStore(kind);
    const captured = captureLog('info');
    const said: string[] = [];
    const exits: number[] = [];
    const restore = setEnv({ ...store.env, PROSPECTOR_CONFIG: config.configFile, PROSPECTOR_SANDBOX_URL: sb.url, PROSPECTOR_WEB_PORT: '0' });
    onTestFinished(async () => {
      if (!said.includes('stopped')) {
        process.emit('SIGTERM', 'SIGTERM');
        await eventually('the worker to stop', () => said.includes('stopped') || said.some((l) => l.startsWith('stop failed')), { timeoutMs: 20_000 }).catch(() => undefined);
      }
      restore();
      await store.drop();
      config.remove();
    });
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
    registerWorkerCommand(program, { say: (line) => said.push(line), log: captured.log, exit: (code) => void exits.push(code) });
    await program.parseAsync(['node', 'prospector', 'worker']);
    expect(exits).toEqual([]);
    const url = /Health: (http:\/\/\S+)\/healthz/.exec(said.join('\n'))?.[1];
    expect(url, said.join('\n')).toBeDefined();
    expect((await healthz(url!)).body.checks.config.state).toBe('ok');
    // PGlite has one owner, the worker: the test reads runs through a handle of its own only on PostgreSQL.
    const handle = kind === 'postgres' ? await store.open() : undefined;
    onTestFinished(async () => handle?.close());
    const runsDb = handle?.db;

    // Editors' files come and go beside a persona being edited: the watcher and the loader ignore them.
    symlinkSync('maya@laptop.4242:1700000000', join(personasDir, '.#second.yaml'));
    writeFileSync(join(personasDir, '.second.yaml.swp'), 'id: [half');
    writeFileSync(join(personasDir, 'second.yaml~'), 'id: [half');
    writeFileSync(join(personasDir, 'second.yaml'), readFileSync(join(personasDir, 'second.yaml'), 'utf8').replace('name: Growth leaders at B2B SaaS', 'name: Second'));
    await eventually('the edit to be reloaded', () => captured.messages().includes('config reloaded (file changed): 2 personas'));
    expect((await healthz(url!)).body.checks.config).toMatchObject({ state: 'ok', errors: [] });
    unlinkSync(join(personasDir, '.#second.yaml'));

    // An alias bomb and a 300 kB file dropped in.
    writeFileSync(join(personasDir, 'bomb.yaml'), aliasBomb('bomb'));
    writeFileSync(join(personasDir, 'huge.yaml'), `${readFileSync(config.personaFile, 'utf8').replace('id: growth-saas-en', 'id: huge')}${`# ${'x'.repeat(1000)}\n`.repeat(300)}`);
    const dropped = new Date();
    const linesAtDrop = captured.lines.length;
    const health = await eventually('/healthz to name both files', async () => {
      const h = await healthz(url!);
      return h.body.checks.config.personasLeftOut.length === 2 ? h : undefined;
    });
    expect(health.code).toBe(200);
    expect(health.body.healthy).toBe(true);
    expect(health.body.status).toBe('degraded');
    expect(health.body.checks.config.state).toBe('warn');
    expect(health.body.checks.config.errors).toEqual([
      expect.stringMatching(/personas\/bomb\.yaml:3 the aliases \(\*name\) here and after expand to more than 1,000 values/),
      expect.stringMatching(/personas\/huge\.yaml:\d+ the file is 295 kB, more than the 256 kB a config file may have/),
    ]);
    expect(health.body.warnings.some((w) => w.includes('bomb.yaml') && w.includes('huge.yaml'))).toBe(true);
    expect(captured.messages()).toContainEqual(expect.stringMatching(/^persona not loaded: .*bomb\.yaml:3 the aliases/));
    expect(exits).toEqual([]);

    // The other personas keep their schedule.
    if (runsDb) {
      const runs = await eventually('a queue run after the drop', () => queueRunsAfter(runsDb, dropped).then((r) => (r.length > 0 ? r : undefined)));
      expect(runs[0]!.personas).toEqual(['growth-saas-en', 'second']);
    } else {
      // The job frame's one line per share: a queue share of a tick after the drop, not a failure.
      await eventually('a queue run after the drop', () => captured.lines.slice(linesAtDrop).some((l) => l.job === 'queue' && l.level !== 50 && l.status !== 'failed'));
    }

    // A persona broken on reload: its last good version keeps running, the others reload.
    config.editPersona((text) => text.replace(/like:\n {4}per_day: 1/, 'like:\n    per_day: ten'));
    const broken = await eventually('the broken persona to be left out', async () => {
      const h = await healthz(url!);
      return h.body.checks.config.personasLeftOut.find((p) => p.id === 'growth-saas-en');
    });
    expect(broken).toMatchObject({ lastGood: true, errors: [expect.stringMatching(/growth-saas-en\.yaml:27 engagement\.like\.per_day: expected a whole number from 0 to 1000, got "ten"/)] });
    expect(captured.messages()).toContainEqual(expect.stringMatching(/growth-saas-en\.yaml left out \(file changed\): 1 problem; its last good version runs until it is fixed; the other personas run$/));
    if (runsDb) {
      const brokenAt = new Date();
      const runs = await eventually('a queue run after the broken edit', () => queueRunsAfter(runsDb, brokenAt).then((r) => (r.length > 0 ? r : undefined)));
      expect(runs[0]!.personas).toEqual(['growth-saas-en', 'second']);
    }

    // Fixed and cleaned up: healthy again.
    config.editPersona((text) => text.replace('per_day: ten', 'per_day: 1'));
    unlinkSync(join(personasDir, 'bomb.yaml'));
    unlinkSync(join(personasDir, 'huge.yaml'));
    await eventually('the config to be whole again', async () => (await healthz(url!)).body.checks.config.state === 'ok');
    process.emit('SIGTERM', 'SIGTERM');
    await eventually('the worker to stop', () => said.includes('stopped'), { timeoutMs: 20_000 });
    expect(exits).toEqual([0]);
  }, 90_000);
});

describeEachStore('a broken worker config', (kind: StoreKind) => {
  it('status, pause, resume, queue and reading a lead still work and say the config is broken with file:line; run and the worker refuse', async () => {
    const config = makeConfigDir({ schedules: {} });
    writeFileSync(config.configFile, readFileSync(config.configFile, 'utf8').replace('tier: payperuse', 'tier: gold'));
    const line = readFileSync(config.configFile, 'utf8').split('\n').indexOf('tier: gold') + 1;
    const store = await createWorkerStore(kind);
    onTestFinished(async () => {
      await store.drop();
      config.remove();
    });
    const problem = `${config.configFile}:${line} tier: expected one of payperuse, basic, pro, got "gold"`;
    async function prospector(...args: string[]) {
      let out = '';
      const said: string[] = [];
      const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
      const deps = { out: (text: string) => (out += text), say: (l: string) => said.push(l), runtime: { ...store.runtime, configFile: config.configFile, sandboxUrl: sb.url } };
      registerStatusCommands(program, deps);
      registerPipelineCommands(program, deps);
      await program.parseAsync(['node', 'prospector', ...args]);
      const code = typeof process.exitCode === 'number' ? process.exitCode : undefined;
      process.exitCode = undefined;
      return { out, said, code };
    }
    const restore = setEnv(store.env);
    try {
      const pause = await prospector('pause', '--reason', 'deploy', '--as', 'ops');
      expect(pause.code).toBeUndefined();
      expect(pause.out).toMatch(/^Paused every worker \(by ops: deploy\)/);
      expect(pause.said[0]).toMatch(/^the config is broken \(1 problem\); going on without it, with the database at /);
      expect(pause.said, pause.said.join('\n')).toContain(`  ${problem}`);

      const status = await prospector('status', '--json');
      const health = JSON.parse(status.out) as Health;
      expect(status.code).toBe(1);
      expect(health.checks.config).toMatchObject({ state: 'fail', errors: [problem] });
      expect(health.checks.pause).toMatchObject({ paused: true, reason: 'deploy', by: 'ops' });

      const queue = await prospector('queue');
      expect(queue.code).toBeUndefined();
      expect(queue.out).toBe('The queue is empty for this selection.\n');
      const lead = await prospector('lead', '42');
      expect(lead.said.at(-1)).toBe('no lead 42: give a lead number (#42) or the prospect\'s @handle');

      const resume = await prospector('resume');
      expect(resume.out).toMatch(/^Resumed \(paused since .* by ops: deploy\)/);

      // Work that needs the config refuses, with the same file:line.
      const run = await prospector('run', 'queue');
      expect(run.code).toBe(1);
      expect(run.said).toEqual([problem]);
    } finally {
      restore();
    }
    const said: string[] = [];
    const exits: number[] = [];
    const back = setEnv({ ...store.env, PROSPECTOR_CONFIG: config.configFile, PROSPECTOR_SANDBOX_URL: sb.url });
    try {
      const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
      registerWorkerCommand(program, { say: (l) => said.push(l), log: captureLog('info').log, exit: (code) => void exits.push(code) });
      await program.parseAsync(['node', 'prospector', 'worker']);
    } finally {
      back();
    }
    expect(exits).toEqual([1]);
    expect(said).toEqual([problem]);
    if (kind === 'pglite') {
      const handle = await store.open();
      try {
        expect(await currentPause(handle.db)).toBeUndefined();
      } finally {
        await handle.close();
      }
    }
  });
});
