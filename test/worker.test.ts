import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';
import { Cron } from 'croner';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { recordStop } from '../db/accounts.ts';
import { claimAction, planActions } from '../db/actions.ts';
import type { Database } from '../db/client.ts';
import { rows } from '../db/rows.ts';
import { actions, jobRuns, jobWork } from '../db/schema.ts';
import { claimTick, claimWork, finishWork, pauseAll, resumeAll } from '../db/work.ts';
import { registerWorkerCommand } from '../src/commands/worker.ts';
import { openRuntime, runJob } from '../src/runtime.ts';
import { Worker } from '../src/worker/worker.ts';
import { isLike, isWrite, startHttpTap, type HttpTap } from './support/http-tap.ts';
import { startTestSandbox, T0, type TestSandbox } from './support/sandbox.ts';
import {
  captureLog,
  createWorkerStore,
  describeEachStore,
  eventually,
  makeConfigDir,
  setEnv,
  signalListeners,
  type CapturedLog,
  type ConfigDir,
  type StoreKind,
  type WorkerFileOptions,
  type WorkerStore,
} from './support/worker.ts';

/**
 * The long-lived worker in this process, against the sandbox over HTTP through a tap that says when
 * a request starts (so a test acts while a like is in flight, rather than after a guessed delay):
 *
 * On PGlite and PostgreSQL:
 * - the global pause: a tick while paused creates no run and says why; an engage share already
 *   running when the pause comes stops before its next action; after resume the next tick runs;
 * - `prospector worker` (the command, with its signal handlers) stopped by SIGTERM while a like is
 *   in flight: the like is completed and recorded done, the run finishes ok, the exit code is 0 and
 *   the signal listeners are back to what they were.
 *
 * On PGlite only (reading the config and handling signals do not depend on the database):
 * - a reload with a bad edit keeps the last good config and its schedules running and reports every
 *   problem with file and line, through the file watcher and through `reload()`; fixing the files
 *   clears the errors and applies the new schedule;
 * - SIGHUP reloads (refused with file:line, then applied); a second SIGTERM exits 130 at once; a
 *   stop that takes longer than `worker.shutdown_seconds` exits 1.
 *
 * The sandbox clock is frozen on a Monday at 09:00 UTC; the persona (test/fixtures/worker/personas)
 * engages in mode auto all day, one like and one follow a day per account, so an engage run sends at
 * most one request per account and kind and never waits for pacing.
 */

let sb: TestSandbox;
let tap: HttpTap;

// A sandbox of each test's own (its clock, request log, faults and world start afresh), closed
// once the test's workers have stopped (the test's own onTestFinished callbacks run first).
beforeEach(async ({ onTestFinished }) => {
  sb = await startTestSandbox({ users: 3000 });
  tap = await startHttpTap(sb.url);
  const [sandbox, proxy] = [sb, tap];
  onTestFinished(async () => {
    await proxy.close();
    await sandbox.close();
  });
});

const setFaults = (faults: object) => sb.admin('/__sandbox/faults', { method: 'POST', body: faults });
/** Ticks of manual runs: any distinct instants do, the database only needs (job, tick) to be unique. */
const tickAt = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));
const say = () => undefined;

async function runsOf(db: Database, job: string) {
  return db.select().from(jobRuns).where(eq(jobRuns.job, job)).orderBy(jobRuns.id);
}

async function sharesOf(db: Database, runId: number) {
  return db.select().from(jobWork).where(eq(jobWork.runId, runId)).orderBy(jobWork.id);
}

interface Started {
  worker: Worker;
  captured: CapturedLog;
  config: ConfigDir;
  store: WorkerStore;
  db: Database;
}

/** A worker on a database and config directory of its own, stopped and cleaned after the test. */
async function startWorker(kind: StoreKind, files: WorkerFileOptions): Promise<Started> {
  const config = makeConfigDir(files);
  const store = await createWorkerStore(kind);
  const captured = captureLog('info');
  let worker: Worker | undefined;
  onTestFinished(async () => {
    await worker?.stop('test over');
    await store.drop();
    config.remove();
  });
  const restore = setEnv(store.env);
  try {
    worker = await Worker.start({ runtime: { ...store.runtime, sandboxUrl: tap.url, configFile: config.configFile }, log: captured.log, say });
  } finally {
    restore();
  }
  return { worker, captured, config, store, db: worker.runtime.database.db };
}

/** Search and score once in the test's own runtime, so the worker starts with matches to engage. */
async function findProspects(store: WorkerStore, config: ConfigDir): Promise<void> {
  const restore = setEnv(store.env);
  try {
    const runtime = await openRuntime({ ...store.runtime, sandboxUrl: tap.url, configFile: config.configFile, say });
    try {
      await runJob(runtime, 'search');
      await runJob(runtime, 'score');
    } finally {
      await runtime.close();
    }
  } finally {
    restore();
  }
}

describeEachStore('worker', (kind) => {
  it('pause: a tick while paused runs nothing and says so; a running engage share stops before its next action; resume lets the next tick run', async () => {
    const { worker, captured, db } = await startWorker(kind, { schedules: {} });
    const maya = sb.accounts.accounts[0]!;

    // A tick runs: search, then score after it for the same tick.
    await worker.tick('search', tickAt(1));
    expect((await runsOf(db, 'search')).map((r) => [r.tick?.toISOString(), r.status])).toEqual([[tickAt(1).toISOString(), 'ok']]);
    expect((await runsOf(db, 'score')).map((r) => [r.tick?.toISOString(), r.status])).toEqual([[tickAt(1).toISOString(), 'ok']]);

    // Paused: the tick is skipped (no run row at all) with a line that says why.
    await pauseAll(db, { reason: 'checking the personas', by: 'test', at: new Date() });
    await worker.tick('engage', tickAt(2));
    await worker.tick('search', tickAt(2));
    expect(await runsOf(db, 'engage')).toEqual([]);
    expect((await runsOf(db, 'search')).map((r) => r.tick?.toISOString())).toEqual([tickAt(1).toISOString()]);
    expect(captured.messages()).toContain('engage: skipped, all workers are paused (checking the personas)');
    expect(captured.messages()).toContain('search: skipped, all workers are paused (checking the personas)');
    await resumeAll(db);

    // An engage share that is already running when the pause comes. Its first step is to reconcile
    // a like a crashed worker left pending (X read, then one request, slowed down by the sandbox); the pause
    // lands while that request is out. The request completes; every action after it is refused.
    const [target] = await rows<{ prospect_id: string; post_id: string }>(
      db,
      sql`select prospect_id, post_id from matches where persona = 'growth-saas-en' and post_id is not null order by score desc, prospect_id limit 1`,
    );
    expect(target).toBeDefined();
    // The accounts' user ids are known, as after any earlier run that acted.
    const door = await worker.runtime.x();
    for (const handle of door.handles) await door.account(handle);
    const [orphan] = await planActions(db, [{ account: maya.id, kind: 'like', target: target!.post_id, prospectId: target!.prospect_id, persona: 'growth-saas-en' }], new Date());
    // Its lease ran out with it (leaseMs 0): nothing of its can still be in flight.
    const claimed = await claimAction(db, { id: orphan!.id, workerId: 'crashed-host:1:dead00', actor: 'engage', checks: [], at: new Date(), leaseMs: 0 });
    expect(claimed.claimed).toBe(true);

    await setFaults({ 'likes.create': { latency_ms: 1500 } });
    const seen = tap.requests.length;
    const engaging = worker.tick('engage', tickAt(3));
    const reconciling = await tap.waitFor((r) => tap.requests.indexOf(r) >= seen && isWrite(r));
    await pauseAll(db, { reason: 'a customer complained', by: 'test', at: new Date() });
    expect(reconciling.answeredAt).toBeUndefined(); // the pause came while the request was out
    await engaging;

    const [run] = await runsOf(db, 'engage');
    expect(run).toMatchObject({ status: 'ok' });
    const [share] = await sharesOf(db, run!.id);
    expect(share).toMatchObject({ status: 'done', persona: 'growth-saas-en' });
    expect(share!.counts).toMatchObject({ reconciled: 1, performed: 0 });
    expect(share!.counts!.refused).toBeGreaterThan(0);
    // The one request of the share is the reconciliation, carried out; nothing was sent after the pause.
    const writes = tap.requests.slice(seen).filter(isWrite);
    expect(writes.map((r) => [r.path, r.status])).toEqual([[`/2/users/${maya.id}/likes`, 200]]);
    const [settled] = await db.select().from(actions).where(eq(actions.id, orphan!.id));
    // X was read first: the like was not there, so it was sent again.
    expect(settled).toMatchObject({ status: 'done', reconcileAttempts: 1, outcome: expect.objectContaining({ liked: true, reconciled: 'sent again: not on X' }) });
    const others = await db.select().from(actions).where(eq(actions.persona, 'growth-saas-en'));
    expect(others.filter((a) => a.id !== orphan!.id).every((a) => a.status === 'planned')).toBe(true);
    expect(others.length).toBeGreaterThan(1);

    // Resumed: the next tick runs and acts.
    await resumeAll(db);
    await setFaults({});
    const before = tap.requests.length;
    await worker.tick('engage', tickAt(4));
    const runs = await runsOf(db, 'engage');
    expect(runs.map((r) => [r.tick?.toISOString(), r.status])).toEqual([
      [tickAt(3).toISOString(), 'ok'],
      [tickAt(4).toISOString(), 'ok'],
    ]);
    expect(runs[1]!.counts!.performed).toBeGreaterThan(0);
    expect(tap.requests.slice(before).filter(isWrite).every((r) => r.status === 200)).toBe(true);
    expect(tap.requests.slice(before).filter(isWrite).length).toBe(runs[1]!.counts!.performed);
  });

  it("each share logs one outcome line, from the same frame as a run by hand; signals does not start while X's stop holds", async () => {
    const { worker, captured, db } = await startWorker(kind, { schedules: {} });
    await worker.tick('search', tickAt(21));
    const lineOf = (job: string) => captured.lines.filter((l) => l.job === job && l.level >= 30);
    // One line per share, human text and fields; the run is not logged a second time.
    const [search] = lineOf('search');
    expect(lineOf('search')).toHaveLength(1);
    expect(search).toMatchObject({ persona: 'growth-saas-en', status: 'ok', seconds: expect.any(Number), posts: expect.any(Number) });
    expect(search!.msg).toMatch(/^search growth-saas-en: \d+ posts \(\d+ new\), \d+ new prospects, \d+ pages, ~\$\d+\.\d\d, \d+\.\d\d s$/);
    expect(lineOf('score')).toHaveLength(1);
    expect(lineOf('score')[0]!.msg).toMatch(/^score growth-saas-en: \d+ scored/);
    const [run] = await runsOf(db, 'search');
    expect((await sharesOf(db, run!.id)).map((w) => w.summary)).toEqual([search!.msg]);

    // Out of credit: every signals share stops before asking X anything, and says so.
    await recordStop(db, { kind: 'credits_depleted', detail: 'X: no credit left (402)', at: new Date() });
    const seen = tap.requests.length;
    await worker.tick('signals', tickAt(22));
    expect(tap.requests.slice(seen).filter((r) => r.path.startsWith('/2/'))).toEqual([]);
    const [signals] = await runsOf(db, 'signals');
    expect(signals).toMatchObject({ status: 'ok' });
    const shares = await sharesOf(db, signals!.id);
    expect(shares.map((w) => [w.status, w.summary?.replace(/\d+\.\d\d s$/, 'N s')])).toEqual(
      sb.accounts.accounts.map((a) => ['done', `signals @${a.username}: stopped — X: no credit left (402), N s`]),
    );
    expect(lineOf('signals').map((l) => [l.status, l.stops])).toEqual(sb.accounts.accounts.map(() => ['stopped', ['credits_depleted']]));
  });

  it('SIGTERM while a like is in flight: the like is completed and recorded, the exit code is 0, the signal listeners are gone', async () => {
    const before = signalListeners();
    await setFaults({ 'likes.create': { latency_ms: 1500 } });
    const seen = tap.requests.length;
    const mark = await sandboxSeq();
    const cmd = await startCommand(kind, { schedules: { engage: { cron: '* * * * * *' } } }, { prepare: true });
    const like = await tap.waitFor((r) => tap.requests.indexOf(r) >= seen && isLike(r));
    process.emit('SIGTERM', 'SIGTERM');
    expect(like.answeredAt).toBeUndefined(); // the signal came while the like was out
    expect(await cmd.nextExit()).toBe(0);
    expect(like.status).toBe(200);
    expect(cmd.said).toEqual(expect.arrayContaining(['SIGTERM: stopping — finishing the action in flight (a second SIGTERM exits at once)', 'stopped']));
    expect(signalListeners()).toEqual(before);

    // Every like and follow that left was answered by X and recorded done: nothing left pending.
    const sent = await sandboxWrites(mark);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((w) => w.status === 200)).toBe(true);
    const handle = await cmd.store.open();
    try {
      const rowsNow = await handle.db.select().from(actions);
      expect(rowsNow.filter((a) => a.status === 'pending')).toEqual([]);
      for (const w of sent) expect(rowsNow.find((a) => a.account === w.account && a.target === w.target && a.kind === w.kind)).toMatchObject({ status: 'done', sends: 1 });
      expect(rowsNow.filter((a) => a.status === 'done')).toHaveLength(sent.length);
      // Nothing is left half-done: a run is finished, or its share was handed back whole at the
      // stop (the like in flight recorded, the actions not yet due left planned) for the next
      // worker, as is a later tick recorded while the worker was busy.
      const engageRuns = await runsOf(handle.db, 'engage');
      const states = await Promise.all(engageRuns.map(async (run) => ({ status: run.status, shares: (await sharesOf(handle.db, run.id)).map((w) => w.status) })));
      expect(states.length).toBeGreaterThan(0);
      expect(states.filter((r) => !(r.status === 'ok' && r.shares.join() === 'done') && !(r.status === 'running' && r.shares.join() === 'pending'))).toEqual([]);
    } finally {
      await handle.close();
    }
    expect(cmd.captured.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

// Reading the config and handling signals do not depend on the database: PGlite only.
describe('worker [PGlite]: config reload and signals', () => {
  it('reload with a bad edit: every problem with file and line, the last good config and its schedules keep running; the fixed file applies', async () => {
    const even = '*/2 * * * * *';
    const odd = '1-59/2 * * * * *';
    const { worker, captured, config, db } = await startWorker('pglite', { schedules: { queue: { cron: even } } });
    /** Queue runs that have finished, of ticks after `at`. */
    const queueRunsAfter = async (at: number) => (await runsOf(db, 'queue')).filter((r) => r.tick!.getTime() > at && r.status !== 'running');
    expect(worker.status().configErrors).toEqual([]);

    // A bad edit, noticed by the file watcher: a cron that does not parse in the worker config (and
    // a valid change of the queue's schedule next to it), a word for a number in the persona.
    config.writeWorker({ schedules: { queue: { cron: odd }, search: { cron: '61 * * * *' } } });
    config.editPersona((text) => text.replace(/like:\n {4}per_day: 1/, 'like:\n    per_day: ten'));
    const cronLine = readFileSync(config.configFile, 'utf8').split('\n').findIndex((l) => l.includes('61 * * * *')) + 1;
    const personaLine = readFileSync(config.personaFile, 'utf8').split('\n').findIndex((l) => l.includes('per_day: ten')) + 1;
    expect(cronLine).toBeGreaterThan(0);
    expect(personaLine).toBe(27);
    const errors = await eventually('the watcher to refuse the edit', () => (worker.status().configErrors.length > 0 ? worker.status().configErrors : undefined));
    const expected = [
      expect.stringMatching(new RegExp(`${basename(config.configFile)}:${cronLine} schedules\\.search\\.cron: expected a cron expression .*"61 \\* \\* \\* \\*"`)),
      expect.stringMatching(new RegExp(`growth-saas-en\\.yaml:${personaLine} engagement\\.like\\.per_day: expected .*"ten"`)),
    ];
    expect(errors).toEqual(expected);
    expect(captured.messages()).toContain('config reload (file changed) refused: running the last good config');

    // Asked directly (what SIGHUP does), the same answer.
    const refusedAt = Date.now();
    expect(await worker.reload('test')).toEqual(expected);
    expect(worker.status().configErrors).toEqual(expected);
    expect(captured.messages()).toContain('config reload (test) refused: running the last good config');
    expect(captured.messages()).toContainEqual(expect.stringMatching(/^config not reloaded: .*growth-saas-en\.yaml:27 engagement\.like\.per_day/));

    // The last good config runs on: the queue still ticks on even seconds.
    expect(worker.status().schedules.find((s) => s.job === 'queue')).toMatchObject({ cron: even, enabled: true });
    const [still] = await eventually('a queue run after the refused edit', () => queueRunsAfter(refusedAt).then((r) => (r.length > 0 ? r : undefined)));
    expect(still!.tick!.getUTCSeconds() % 2).toBe(0);
    expect(still!.status).toBe('ok');

    // Fixed: the watcher applies the new config, errors clear, the queue moves to odd seconds.
    config.editPersona((text) => text.replace('per_day: ten', 'per_day: 1'));
    config.writeWorker({ schedules: { queue: { cron: odd } } });
    await eventually('the fixed config to be applied', () => worker.status().configErrors.length === 0 && worker.status().schedules.find((s) => s.job === 'queue')?.cron === odd);
    const fixedAt = Date.now();
    expect(captured.messages()).toContain('config reloaded (file changed): 1 personas');
    const after = await eventually('a queue run on the new schedule', () => queueRunsAfter(fixedAt).then((r) => (r.length > 0 ? r : undefined)));
    expect(after.every((r) => r.tick!.getUTCSeconds() % 2 === 1)).toBe(true);
    expect((await runsOf(db, 'queue')).every((r) => r.status === 'ok')).toBe(true);
  });

  it('an editor that saves by renaming a new file over the old one is noticed every time', async () => {
    const { worker, config } = await startWorker('pglite', { schedules: { queue: { cron: '*/2 * * * * *' } } });
    const atomicSave = (cron: string) => {
      config.writeWorker({ schedules: { queue: { cron } } });
      const text = readFileSync(config.configFile, 'utf8');
      writeFileSync(`${config.configFile}.tmp`, text);
      renameSync(`${config.configFile}.tmp`, config.configFile);
    };
    for (const cron of ['*/3 * * * * *', '*/5 * * * * *', '*/7 * * * * *']) {
      atomicSave(cron);
      await eventually(`the worker to run ${cron}`, () => worker.status().schedules.find((s) => s.job === 'queue')?.cron === cron);
    }
  });

  it('a run whose last share was settled by a worker that died before finishing it is finished by another, and the job after it runs', async () => {
    const { worker, db } = await startWorker('pglite', { schedules: {} });
    const dead = 'gone:1:dead00';
    const tick = new Date('2026-01-01T00:00:00Z');
    const { run } = await claimTick(db, { job: 'search', tick, workerId: dead, shares: [{ persona: 'growth-saas-en' }], at: new Date(), leaseMs: 5000 });
    const item = await claimWork(db, { runId: run.id, workerId: dead, at: new Date(), leaseMs: 5000 });
    await finishWork(db, { id: item!.id, workerId: dead, status: 'done', counts: { posts: 1 }, at: new Date() });
    // The dead worker never finished the run: the sweeper does, and score (after: search) follows.
    const nonEmpty = <T,>(list: T[]) => (list.length > 0 ? list : undefined);
    const [finished] = await eventually('the run to be finished', async () => nonEmpty((await db.select().from(jobRuns).where(eq(jobRuns.id, run.id))).filter((r) => r.status === 'ok')));
    expect(finished?.counts).toEqual({ posts: 1 });
    const [score] = await eventually('the score run of that tick', async () => nonEmpty((await runsOf(db, 'score')).filter((r) => r.tick?.getTime() === tick.getTime() && r.status !== 'running')));
    expect(score?.status).toBe('ok');
    void worker;
  });

  it('a tick that comes while this worker is still busy with the previous one is recorded, not lost', async () => {
    // Searches answer slowly: a search share takes longer than the second between two ticks.
    await setFaults({ search: { latency_ms: 700 } });
    const { worker, captured, store } = await startWorker('pglite', { schedules: { search: { cron: '* * * * * *' }, score: { enabled: false } } });
    const busy = () => captured.messages().filter((m) => /^search: tick \S+ recorded while the previous one is still running here/.test(m)).length;
    await eventually('two ticks recorded while busy', () => busy() >= 2);
    // Stopped, the worker has finished recording the ticks it was given (a stop waits for tick code).
    await worker.stop('test over');
    const handle = await store.open();
    const ticks = await runsOf(handle.db, 'search')
      .then((runs) => runs.map((r) => r.tick!.getTime()).sort((a, b) => a - b))
      .finally(() => handle.close());
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    // One run for each second from the first tick to the last: none lost, none twice.
    const expected = new Cron('* * * * * *', { paused: true }).nextRuns(ticks.length, new Date(ticks[0]! - 1)).map((t) => t.getTime());
    expect(ticks).toEqual(expected);
  });

  it('SIGHUP reloads the config: a persona with an error is left out with file and line (its last good version runs), the fixed one applied; SIGTERM then exits 0 and leaves no listener', async () => {
    const before = signalListeners();
    const cmd = await startCommand('pglite', { schedules: {} });
    expect(signalListeners()).toEqual({ SIGINT: before.SIGINT + 1, SIGTERM: before.SIGTERM + 1, SIGHUP: before.SIGHUP + 1 });
    expect(cmd.said).toContain('Running on schedule; Ctrl-C stops.');

    cmd.config.editPersona((text) => text.replace(/like:\n {4}per_day: 1/, 'like:\n    per_day: ten'));
    process.emit('SIGHUP', 'SIGHUP');
    // A persona with an error is left out; its last good version keeps running.
    await eventually('the SIGHUP reload to leave the persona out', () => cmd.captured.messages().some((m) => /growth-saas-en\.yaml left out \(SIGHUP\): 1 problem; its last good version runs/.test(m)));
    expect(cmd.captured.messages()).toContainEqual(expect.stringMatching(/^persona not loaded: .*growth-saas-en\.yaml:27 engagement\.like\.per_day: expected .*"ten"$/));
    const reloads = () => cmd.captured.messages().filter((m) => m === 'config reloaded (SIGHUP): 1 personas').length;
    const before_ = reloads();

    cmd.config.editPersona((text) => text.replace('per_day: ten', 'per_day: 2'));
    process.emit('SIGHUP', 'SIGHUP');
    await eventually('the SIGHUP reload to apply the fix', () => reloads() > before_);

    process.emit('SIGTERM', 'SIGTERM');
    expect(await cmd.nextExit()).toBe(0);
    expect(cmd.said).toEqual(expect.arrayContaining(['SIGTERM: stopping — finishing the action in flight (a second SIGTERM exits at once)', 'stopped']));
    expect(signalListeners()).toEqual(before);
  });

  it('a second SIGTERM exits 130 at once', async () => {
    const before = signalListeners();
    await setFaults({ 'likes.create': { latency_ms: 1500 } });
    const seen = tap.requests.length;
    const cmd = await startCommand('pglite', { schedules: { engage: { cron: '* * * * * *' } } }, { prepare: true });
    const like = await tap.waitFor((r) => tap.requests.indexOf(r) >= seen && isLike(r));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    // Synchronously, from the second signal's handler: the like is still out.
    expect(cmd.exits).toEqual([130]);
    expect(await cmd.nextExit()).toBe(130);
    expect(like.answeredAt).toBeUndefined();
    expect(cmd.said).toContain('SIGTERM again: exiting now');
    // (A real process ends there; here the first stop goes on, and ends cleanly.)
    expect(await cmd.nextExit()).toBe(0);
    expect(signalListeners()).toEqual(before);
  });

  it('a stop that hangs longer than worker.shutdown_seconds exits 1', async () => {
    const before = signalListeners();
    // The like answers after 2.5 s and the stop waits for it; one second is allowed.
    await setFaults({ 'likes.create': { latency_ms: 2500 } });
    const seen = tap.requests.length;
    const cmd = await startCommand('pglite', { schedules: { engage: { cron: '* * * * * *' } }, worker: { shutdown_seconds: 1 } }, { prepare: true });
    const like = await tap.waitFor((r) => tap.requests.indexOf(r) >= seen && isLike(r));
    const signalled = Date.now();
    process.emit('SIGTERM', 'SIGTERM');
    expect(await cmd.nextExit()).toBe(1);
    const waited = Date.now() - signalled;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(waited).toBeLessThan(2000);
    expect(like.answeredAt).toBeUndefined();
    expect(cmd.said).toContain('the stop took longer than 1 s (worker.shutdown_seconds): exiting anyway');
    // (A real process ends there; here the stop goes on until the like is answered.)
    expect(await cmd.nextExit()).toBe(0);
    expect(signalListeners()).toEqual(before);
  });
});

// Two workers on one database: several processes cannot share a PGlite directory.
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
const PG_SKIP = 'skipped: set TEST_DATABASE_URL=postgres://… to run two workers on one PostgreSQL database';
(TEST_DATABASE_URL ? describe : describe.skip)(`worker [PostgreSQL]: first cycle${TEST_DATABASE_URL ? '' : ` (${PG_SKIP})`}`, () => {
  it('two workers starting together on a fresh database: one search, one score, one queue, and the queue is made after the scoring', async () => {
    // Searches answer slowly: the worker that does not hold the search share reaches the queue
    // long before the search is over, unless it waits for it.
    await setFaults({ search: { latency_ms: 400 } });
    // Crons that do not fire during the test: the first cycle claims their last tick before T0.
    const config = makeConfigDir({ schedules: { search: { cron: '0 0 1 1 *' }, queue: { cron: '0 0 1 1 *' } } });
    const store = await createWorkerStore('postgres');
    const workers: Worker[] = [];
    onTestFinished(async () => {
      await Promise.all(workers.map((w) => w.stop('test over')));
      await store.drop();
      config.remove();
    });
    // One clock for both workers that moves a millisecond each time it is read: the times it
    // stamps order everything either worker did.
    let reads = 0;
    const now = () => new Date(Date.parse(T0) + reads++);
    const start = () => Worker.start({ runtime: { ...store.runtime, sandboxUrl: tap.url, configFile: config.configFile }, log: captureLog('info').log, say, now });
    workers.push(...(await Promise.all([start(), start()])));
    await Promise.all(workers.map((w) => w.firstCycle()));
    const summaries = await Promise.all(workers.map((w) => w.queueSummary()));

    const db = workers[0]!.runtime.database.db;
    const [search] = await runsOf(db, 'search');
    const [score] = await runsOf(db, 'score');
    const [queue] = await runsOf(db, 'queue');
    for (const [job, runs] of [['search', search], ['score', score], ['queue', queue]] as const) expect(await runsOf(db, job), job).toEqual([runs]);
    // The queue was made once the scoring was recorded finished, and queued leads.
    const [order] = await rows<{ queued_after_scoring: boolean }>(
      db,
      sql`select (select min(started_at) from job_work where run_id = ${queue!.id}) >= (select max(finished_at) from job_work where run_id = ${score!.id}) as queued_after_scoring`,
    );
    expect(order?.queued_after_scoring).toBe(true);
    expect(queue!.counts?.queued).toBeGreaterThan(0);
    expect(summaries).toEqual([summaries[0], summaries[0]]);
    // Each at the tick its schedule last had before the workers' clock, which stamps the runs.
    const tick = '2026-01-01T00:00:00.000Z';
    expect([search, score, queue].map((r) => [r!.tick?.toISOString(), r!.status])).toEqual([
      [tick, 'ok'],
      [tick, 'ok'],
      [tick, 'ok'],
    ]);
    expect(search!.startedAt.getTime() - Date.parse(T0)).toBeLessThan(reads);
    expect(summaries[0]).toMatch(new RegExp(`^Today's queue \\(2026-11-02\\): ${queue!.counts!.queued} leads`));
  });
});

interface CommandRun {
  said: string[];
  /** Exit codes, in the order the command asked for them. */
  exits: number[];
  /** The next exit code asked for (one already asked and not yet taken comes first). */
  nextExit(timeoutMs?: number): Promise<number>;
  captured: CapturedLog;
  config: ConfigDir;
  store: WorkerStore;
}

/**
 * `prospector worker` as the CLI registers it, with the test's say, logger and exit; its config,
 * sandbox and database come from the environment, as in production. Resolves once it runs on
 * schedule. After the test, a command still running is stopped with SIGTERM.
 */
async function startCommand(kind: StoreKind, files: WorkerFileOptions, options: { prepare?: boolean } = {}): Promise<CommandRun> {
  const config = makeConfigDir(files);
  const store = await createWorkerStore(kind);
  if (options.prepare) await findProspects(store, config);
  const captured = captureLog('info');
  const said: string[] = [];
  const exits: number[] = [];
  let taken = 0;
  const waiters: Array<() => void> = [];
  const restore = setEnv({ ...store.env, PROSPECTOR_CONFIG: config.configFile, PROSPECTOR_SANDBOX_URL: tap.url });
  const run: CommandRun = {
    said,
    exits,
    captured,
    config,
    store,
    nextExit: (timeoutMs = 20_000) =>
      new Promise<number>((resolve, reject) => {
        const take = () => {
          if (taken >= exits.length) return false;
          clearTimeout(timer);
          resolve(exits[taken++]!);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs} ms; said: ${said.join(' | ')}`)), timeoutMs);
        if (!take()) waiters.push(() => void take());
      }),
  };
  onTestFinished(async () => {
    // A test that failed part-way leaves no worker behind.
    if (!said.includes('stopped') && !said.some((l) => l.startsWith('stop failed'))) {
      const stopped = eventually('the command to stop', () => said.includes('stopped') || said.some((l) => l.startsWith('stop failed')), { timeoutMs: 20_000 });
      if (!said.some((l) => l.endsWith('stopping — finishing the action in flight (a second SIGTERM exits at once)'))) process.emit('SIGTERM', 'SIGTERM');
      await stopped.catch(() => undefined);
    }
    restore();
    await store.drop();
    config.remove();
  });
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {} });
  registerWorkerCommand(program, {
    say: (line) => said.push(line),
    log: captured.log,
    exit: (code) => {
      exits.push(code);
      for (const w of waiters.splice(0)) w();
    },
  });
  await program.parseAsync(['node', 'prospector', 'worker']);
  return run;
}

interface SandboxWrite {
  account: string;
  kind: 'like' | 'follow';
  target: string;
  status: number;
}

type SandboxRequest = { seq: number; method: string; path: string; body: Record<string, string> | null; status: number };

/** The sandbox request log's last number: what a test reads from. */
async function sandboxSeq(): Promise<number> {
  return (await sb.admin<{ requests: SandboxRequest[] }>('/__sandbox/requests?since=0')).requests.at(-1)?.seq ?? 0;
}

/** Likes and follows the sandbox answered after request number `since`. */
async function sandboxWrites(since: number): Promise<SandboxWrite[]> {
  const { requests } = await sb.admin<{ requests: SandboxRequest[] }>(`/__sandbox/requests?since=${since}&method=POST`);
  const writes: SandboxWrite[] = [];
  for (const r of requests) {
    const m = /^\/2\/users\/(\d+)\/(likes|following)$/.exec(r.path);
    if (!m) continue;
    const kind = m[2] === 'likes' ? 'like' : 'follow';
    writes.push({ account: m[1]!, kind, target: String(kind === 'like' ? r.body?.tweet_id : r.body?.target_user_id), status: r.status });
  }
  return writes;
}
