import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Cron } from 'croner';
import { listQueue } from '../../db/leads.ts';
import { claimTick, claimWork, currentPause, finishRunIfDone, finishWork, heartbeat, missingAfterTicks, releaseWork, runAt, runsWithWork, type WorkShare } from '../../db/work.ts';
import { utcDay } from '../../jobs/context.ts';
import { runFramed, runLabel } from '../../jobs/frame.ts';
import { failDeadRuns } from '../../db/runs.ts';
import { announceWorker, FencedError } from '../../db/workers.ts';
import { jobNamed } from '../../jobs/index.ts';
import { snapshotEnvironment } from '../config/env.ts';
import { formatIssue, isPersonaFile, readConfig, type LoadedConfig } from '../config/load.ts';
import type { Persona } from '../config/persona.ts';
import { JOB_NAMES, type JobName } from '../config/worker.ts';
import type { Logger } from '../log.ts';
import { NotifySender } from '../notify/sender.ts';
import { Releasers } from '../releasers.ts';
import { jobContext, openRuntime, type Runtime, type RuntimeOptions } from '../runtime.ts';
import type { ScheduleStatus, StatusSource, WorkerStatus } from './status.ts';

/**
 * The long-lived worker. Cron only triggers; the database decides who runs: at each tick every
 * worker tries to create the `(job, tick)` run with its shares (one per persona, or per account for
 * signals), and every worker then claims shares with FOR UPDATE SKIP LOCKED until none is left, so
 * several workers split a big run and each tick runs once. A share is held under a lease the worker
 * keeps extending; a sweeper picks up shares whose worker died. A job scheduled `after` another
 * runs, for the same tick, when that run has finished.
 *
 * Everything it acquires is released in reverse order by `stop()`, the one way out.
 */

export interface WorkerOptions {
  runtime?: RuntimeOptions;
  log: Logger;
  /** Lines for the person who started it (stderr in the CLI). */
  say: (line: string) => void;
  /** Starts the web server (health, metrics, the review page); the worker closes it on stop. */
  web?: (worker: Worker) => Promise<{ url: string; close(): Promise<void> }>;
  /** Called with each finished run (metrics). */
  onRun?: (job: string, status: 'ok' | 'failed', seconds: number) => void;
  /**
   * The clock of ticks, leases and runs (default: the system clock), shared by every worker on the
   * database; tests pass their own. Jobs live on the runtime's clock (a sandbox's own, when X is one).
   */
  now?: () => Date;
}

/** A share being worked on by this worker. */
interface Running {
  job: JobName;
  persona: string | null;
  account: string | null;
  since: Date;
  done: Promise<void>;
}

const SHARES_BY_PERSONA: readonly JobName[] = ['search', 'score', 'engage', 'queue'];

/**
 * The scheduled instant of a cron's latest trigger at `now` (its current one when it fires), the same
 * for every worker whatever the timer's lateness.
 */
function tickOf(cron: Cron, now: Date): Date {
  return cron.previousRuns(1, new Date(now.getTime() + 1))[0] ?? now;
}

/** How often the first cycle looks whether a run another worker is finishing is done. */
const SETTLE_POLL_MS = 200;

export class Worker implements StatusSource {
  /** By job; not named in croner, whose names are global to the process (two workers in one process in tests). */
  private crons = new Map<JobName, Cron>();
  private readonly running = new Set<Running>();
  private readonly ticks = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly releasers = new Releasers();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private watchers: FSWatcher[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;
  private configErrors: string[] = [];
  private personasLeftOut: NonNullable<WorkerStatus['personasLeftOut']> = [];
  /** The environment at start: a reload reads the files again, with the same overrides. */
  private readonly env = snapshotEnvironment();
  private configLoadedAt: Date;
  private stopping: Promise<void> | undefined;
  readonly startedAt: Date;
  /** The worker's clock (`WorkerOptions.now`). */
  readonly now: () => Date;
  url: string | undefined;
  /** Told about each run this worker finishes (metrics). */
  readonly onRun: Array<(job: string, status: 'ok' | 'failed', seconds: number) => void> = [];

  private constructor(
    readonly runtime: Runtime,
    private readonly options: WorkerOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.startedAt = this.now();
    this.configLoadedAt = this.startedAt;
  }

  /** Loads and checks the config, migrates, opens X, serves the web port, starts the schedules. */
  static async start(options: WorkerOptions): Promise<Worker> {
    const runtime = await openRuntime({ log: options.log, say: options.say, announceSandbox: false, ...options.runtime });
    const worker = new Worker(runtime, options);
    if (options.onRun) worker.onRun.push(options.onRun);
    worker.releasers.push(() => runtime.close());
    try {
      // Seen as running by `prospector status` from here to the end of stop().
      worker.releasers.push(await announceWorker(runtime.database, runtime.workerId));
      const door = await runtime.x();
      const sandbox = runtime.sandbox;
      const x =
        door.network === 'x'
          ? 'the real X API'
          : sandbox
            ? `the sandbox in this process (no X credentials configured; seed ${runtime.config.worker.sandbox.seed}, ${runtime.config.worker.sandbox.users.toLocaleString('en')} synthetic users)`
            : `the sandbox at ${door.sandboxUrl}`;
      options.say(`Prospector worker ${runtime.workerId}: X is ${x}; database: ${runtime.database.where}${runtime.database.kind === 'pglite' ? ' (embedded; set DATABASE_URL for PostgreSQL)' : ''}`);
      if (options.web) {
        const web = await options.web(worker);
        worker.url = web.url;
        worker.releasers.push(() => web.close());
      }
      worker.startNotifier();
      worker.leaveOut(runtime.config, 'start');
      worker.watchConfig();
      worker.schedule();
      const leaseMs = runtime.config.worker.worker.lease_seconds * 1000;
      worker.sweeper = setInterval(() => void worker.sweep(), Math.max(1000, leaseMs / 3));
      worker.sweeper.unref();
      worker.releasers.push(() => clearInterval(worker.sweeper));
      return worker;
    } catch (error) {
      await worker.release();
      throw error;
    }
  }

  /**
   * Delivers the outbox of webhooks (`web.notify`) in the background, when there are any; stopped
   * before the web server and the database close.
   */
  private startNotifier(): void {
    const web = this.runtime.config.worker.web;
    if (web.notify.length === 0) return;
    const sender = new NotifySender({
      db: this.runtime.database.db,
      targets: () => this.runtime.config.worker.web.notify,
      baseUrl: () => this.runtime.config.worker.web.public_url ?? this.url ?? `http://${web.host}:${web.port}`,
      workerId: this.runtime.workerId,
      log: this.log,
      now: this.now,
    });
    sender.start();
    // A run may have written messages (the queue, warm leads): out now rather than at the next poll.
    this.onRun.push(() => sender.wake());
    this.releasers.push(() => sender.stop());
    this.log.info({ webhooks: web.notify.map((n) => n.url_env) }, `notify: ${web.notify.length} webhook${web.notify.length === 1 ? '' : 's'} (${web.notify.map((n) => `${n.url_env} for ${n.owner}, ${n.format}`).join('; ')})`);
  }

  private get log(): Logger {
    return this.options.log;
  }

  private get leaseMs(): number {
    return this.runtime.config.worker.worker.lease_seconds * 1000;
  }

  // ---- schedules -----------------------------------------------------------------------------

  private schedule(): void {
    for (const cron of this.crons.values()) cron.stop();
    this.crons.clear();
    const schedules = this.runtime.config.worker.schedules;
    for (const job of JOB_NAMES) {
      const s = schedules[job];
      if (!s.enabled || !s.cron) continue;
      const cron = new Cron(
        s.cron,
        {
          timezone: s.time_zone,
          // Busy with the previous tick: still record this one (run and shares) so that a free worker,
          // or this one once done, takes it; a tick is never lost.
          protect: (self) => void this.track(this.claimOnly(job, self)),
          catch: (error) => this.log.error({ job, err: (error as Error)?.message }, `${job}: tick failed: ${(error as Error)?.message ?? String(error)}`),
        },
        async (self: Cron) => {
          await this.track(this.tick(job, tickOf(self, this.now())));
        },
      );
      this.crons.set(job, cron);
    }
  }

  /** Runs `job` at `tick` with the other workers: claim the run, take shares until none is left. */
  async tick(job: JobName, tick: Date): Promise<void> {
    if (this.abort.signal.aborted) return;
    const db = this.runtime.database.db;
    const pause = await currentPause(db);
    if (pause) {
      this.log.info({ job, tick: tick.toISOString(), paused: true }, `${job}: skipped, all workers are paused${pause.reason ? ` (${pause.reason})` : ''}`);
      return;
    }
    const { run } = await claimTick(db, { job, tick, workerId: this.runtime.workerId, shares: await this.shares(job), at: this.now(), leaseMs: this.leaseMs });
    await this.workOn(run.id);
  }

  /** Records a tick this worker is too busy to work on now; the sweeper (here or elsewhere) takes it. */
  private async claimOnly(job: JobName, cron: Cron): Promise<void> {
    if (this.abort.signal.aborted) return;
    const tick = tickOf(cron, this.now());
    const db = this.runtime.database.db;
    if (await currentPause(db)) return;
    const { created } = await claimTick(db, { job, tick, workerId: this.runtime.workerId, shares: await this.shares(job), at: this.now(), leaseMs: this.leaseMs });
    if (created) this.log.info({ job, tick: tick.toISOString() }, `${job}: tick ${tick.toISOString()} recorded while the previous one is still running here; a free worker takes it`);
  }

  /** Keeps track of tick work in flight, so that a stop waits for it. */
  private track(work: Promise<void>): Promise<void> {
    this.ticks.add(work);
    const done = work.catch((error: unknown) => this.log.error({ err: (error as Error)?.message }, `tick failed: ${(error as Error)?.message ?? String(error)}`)).finally(() => this.ticks.delete(work));
    return done;
  }

  /** One share per persona (one per account for signals): the unit workers split a run by. */
  private async shares(job: JobName): Promise<WorkShare[]> {
    const { personas } = this.runtime.config;
    if (job === 'signals') return (await this.runtime.x()).handles.map((account) => ({ account }));
    if (SHARES_BY_PERSONA.includes(job)) {
      const ids = personas.filter((p) => job !== 'engage' || p.engagement.mode !== 'off').map((p) => p.id);
      return ids.map((persona) => ({ persona }));
    }
    return [{}];
  }

  /** Takes shares of a run (or of any run with work, without `runId`) until none is left. */
  private async workOn(runId?: number): Promise<void> {
    const db = this.runtime.database.db;
    for (;;) {
      if (this.abort.signal.aborted) return;
      // Without its lock this worker takes no work: it may already be taken for dead.
      if (!(await this.holdsLock())) return;
      const item = await claimWork(db, { ...(runId === undefined ? {} : { runId }), workerId: this.runtime.workerId, at: this.now(), leaseMs: this.leaseMs });
      if (!item) break;
      await this.runShare(item);
      const finished = await finishRunIfDone(db, { runId: item.runId, at: this.now() });
      if (finished) await this.onFinished(finished);
    }
    // Every share settled, but whoever settled the last one may have died before finishing the run.
    if (runId !== undefined && !this.abort.signal.aborted) {
      const finished = await finishRunIfDone(db, { runId, at: this.now() });
      if (finished) await this.onFinished(finished);
    }
  }

  private async runShare(item: NonNullable<Awaited<ReturnType<typeof claimWork>>>): Promise<void> {
    const db = this.runtime.database.db;
    const job = jobNamed(item.job);
    const workerId = this.runtime.workerId;
    // The share's own stop: the worker stopping, or its lease lost (this worker stalled past it and
    // another took the share over) — then it must not go on acting.
    const lost = new AbortController();
    // Its lock lost, this worker may be taken for dead: the share stops at once and goes back.
    const fenced = new AbortController();
    const unwatch = this.runtime.lock.onChange((held) => {
      if (!held && !fenced.signal.aborted) fenced.abort(new FencedError(workerId));
    });
    if (!this.runtime.lock.held) fenced.abort(new FencedError(workerId));
    const signal = AbortSignal.any([this.abort.signal, lost.signal, fenced.signal]);
    const beat = setInterval(() => {
      heartbeat(db, { id: item.id, workerId, at: this.now(), leaseMs: this.leaseMs }).then(
        (held) => {
          if (!held && !lost.signal.aborted) {
            this.log.warn({ job: item.job, persona: item.persona, account: item.account }, `${item.job}: lost its share's lease (another worker took it over); stopping it here`);
            lost.abort(new Error('lease lost'));
          }
        },
        (error: unknown) => this.log.warn({ err: (error as Error).message }, 'heartbeat failed'),
      );
    }, Math.max(500, this.leaseMs / 3));
    let resolve!: () => void;
    const entry: Running = { job: job.name, persona: item.persona, account: item.account, since: this.now(), done: new Promise<void>((r) => (resolve = r)) };
    this.running.add(entry);
    const scope = { persona: item.persona ?? undefined, ...(item.account ? { accounts: [item.account] } : {}) };
    const label = runLabel(job.name, { ...scope, dryRun: false });
    try {
      const ctx = await jobContext(this.runtime, job.name, { ...scope, signal }).catch((error: unknown) => {
        // The frame logs what happens once the job runs; this is before it could.
        if (!signal.aborted) this.log.error({ job: job.name, persona: item.persona, account: item.account, err: (error as Error)?.message }, `${label}: could not start — ${(error as Error)?.message ?? String(error)}`);
        throw error;
      });
      // The frame checks X's stops, times the share and logs its one line.
      const outcome = await runFramed(job, ctx);
      await finishWork(db, { id: item.id, workerId, status: 'done', counts: outcome.counts, summary: outcome.summary, at: this.now() });
    } catch (error) {
      if (lost.signal.aborted) {
        // Another worker holds it now; nothing to record.
      } else if (fenced.signal.aborted || error instanceof FencedError) {
        // Handed back for whoever holds a lock (this worker too, once it has taken its lock back).
        await releaseWork(db, { id: item.id, workerId }).catch((e: unknown) => this.log.warn({ err: (e as Error).message }, `${label}: could not hand the share back yet (its lease will run out)`));
        this.log.warn({ job: job.name, persona: item.persona, account: item.account }, `${label}: stopped, this worker lost its database lock; share handed back, nothing sent to X until the lock is taken back`);
      } else if (this.abort.signal.aborted) {
        // Stopping: the share goes back untouched, for another worker (or the next start).
        await releaseWork(db, { id: item.id, workerId });
        this.log.info({ job: job.name, persona: item.persona, account: item.account }, `${label}: stopped part-way, share handed back`);
      } else {
        await finishWork(db, { id: item.id, workerId, status: 'failed', error: (error as Error)?.message ?? String(error), at: this.now() });
      }
    } finally {
      clearInterval(beat);
      unwatch();
      this.running.delete(entry);
      resolve();
    }
  }

  /**
   * A run finished (by this worker's last share): tell the listeners (metrics), and start the jobs
   * scheduled after it. Each share already logged its outcome line; the run is not logged again.
   */
  private async onFinished(run: { id: number; job: string; tick: Date | null; status: string; startedAt: Date; finishedAt: Date | null; counts: Record<string, number> | null; error: string | null }): Promise<void> {
    const seconds = ((run.finishedAt ?? this.now()).getTime() - run.startedAt.getTime()) / 1000;
    this.log.debug({ job: run.job, tick: run.tick?.toISOString(), status: run.status, seconds }, `${run.job} run of ${run.tick?.toISOString() ?? 'now'} finished: ${run.status}`);
    for (const listener of this.onRun) listener(run.job, run.status === 'ok' ? 'ok' : 'failed', seconds);
    if (!run.tick) return;
    const schedules = this.runtime.config.worker.schedules;
    for (const next of JOB_NAMES) {
      const s = schedules[next];
      if (s.enabled && s.after === run.job) await this.tick(next, run.tick);
    }
  }

  /** Waits for this worker's lock when it was lost; false when the worker stops first. */
  private async holdsLock(): Promise<boolean> {
    if (this.runtime.lock.held) return true;
    return this.runtime.lock.whenHeld(this.abort.signal).then(
      () => true,
      () => false,
    );
  }

  /** Takes over shares nobody holds anymore (a crashed worker's, once its lease ran out). */
  private async sweep(): Promise<void> {
    if (this.abort.signal.aborted || this.sweeping || !this.runtime.lock.held) return;
    this.sweeping = true;
    try {
      const db = this.runtime.database.db;
      for (const runId of await runsWithWork(db, this.now())) await this.track(this.workOn(runId));
      // Runs by hand (`prospector run`) whose process died: marked so, not left running forever.
      for (const run of await failDeadRuns(db, { workerId: this.runtime.workerId, at: this.now() })) this.log.warn({ job: run.job, run: run.id }, `run ${run.id} of ${run.job}: ${run.error ?? 'its process died'}`);
      // Jobs scheduled after another whose start was lost with a worker that died finishing it.
      const since = new Date(this.now().getTime() - 24 * 3_600_000);
      const schedules = this.runtime.config.worker.schedules;
      for (const job of JOB_NAMES) {
        const s = schedules[job];
        if (!s.enabled || !s.after) continue;
        for (const tick of await missingAfterTicks(db, { job: s.after, after: job, since })) await this.track(this.tick(job, tick));
      }
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, `looking for shares to take over failed: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  /**
   * The first cycle at start-up: search (score after it), queue, signals, engage, one after the
   * other, each at the tick its schedule last had (a tick that already ran is not run again), so
   * workers started together run it once. Each job waits until the run before it, and the runs
   * scheduled after that one, are finished — by whichever worker — as the database records it:
   * the queue is never made before the scoring it needs.
   */
  async firstCycle(): Promise<void> {
    const schedules = this.runtime.config.worker.schedules;
    const db = this.runtime.database.db;
    for (const job of ['search', 'score', 'queue', 'signals', 'engage'] as const) {
      if (this.abort.signal.aborted) return;
      // A job scheduled after another runs in that one's cycle.
      const cron = this.crons.get(job);
      if (!schedules[job].enabled || !cron) continue;
      const tick = tickOf(cron, this.now());
      const before = await runAt(db, { job, tick });
      if (before && before.status !== 'running') this.log.info({ job, tick: tick.toISOString() }, `first cycle: ${job} of ${tick.toISOString()} already ran (${before.status})`);
      await this.track(this.settle(job, tick));
    }
  }

  /**
   * Runs `job` at `tick` with the other workers, and returns once its run and the runs scheduled
   * after it are finished, whoever finishes them: meanwhile it takes any share that falls free (a
   * dead worker's, once its lease ran out), and starts a run after it that a dead worker did not.
   */
  private async settle(job: JobName, tick: Date): Promise<void> {
    const db = this.runtime.database.db;
    await this.tick(job, tick);
    for (;;) {
      if (this.abort.signal.aborted) return;
      const run = await runAt(db, { job, tick });
      if (!run) return; // paused: the tick was skipped
      if (run.status !== 'running') break;
      await this.workOn(run.id);
      if ((await runAt(db, { job, tick }))?.status !== 'running') break;
      await delay(SETTLE_POLL_MS, undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
    const schedules = this.runtime.config.worker.schedules;
    for (const next of JOB_NAMES) {
      const s = schedules[next];
      if (s.enabled && s.after === job) await this.settle(next, tick);
    }
  }

  /** "Today's queue: 8 leads (maya 5, lucas 2, sofia 1)". */
  async queueSummary(): Promise<string> {
    const day = utcDay(await this.runtime.worldNow());
    const leads = await listQueue(this.runtime.database.db, { day });
    const byOwner = new Map<string, number>();
    for (const l of leads) byOwner.set(l.owner ?? 'unassigned', (byOwner.get(l.owner ?? 'unassigned') ?? 0) + 1);
    const owners = [...byOwner].map(([o, n]) => `${o} ${n}`).join(', ');
    return `Today's queue (${day}): ${leads.length} lead${leads.length === 1 ? '' : 's'}${owners ? ` (${owners})` : ''}`;
  }

  // ---- config reload -------------------------------------------------------------------------

  private watchConfig(): void {
    // Directories, not files: an editor that saves by writing a new file and renaming it over the
    // old one would detach a watch on the file itself.
    const file = this.runtime.config.worker.file;
    // In the personas directory, persona files only: editors' lock, swap and backup files come and
    // go while a file is edited (`isPersonaFile` is the loader's own rule).
    const targets: Array<{ path: string; wanted: (name: string) => boolean }> = [{ path: this.runtime.config.worker.personas_dir, wanted: isPersonaFile }];
    if (file) targets.push({ path: dirname(resolve(file)), wanted: (name) => name === basename(file) });
    for (const { path, wanted } of targets) {
      try {
        const watcher = watch(path, { persistent: false }, (_event, changed) => {
          if (changed !== null && !wanted(changed)) return;
          clearTimeout(this.reloadTimer);
          this.reloadTimer = setTimeout(() => void this.reload('file changed'), 300);
        });
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch (error) {
        this.log.warn({ path, err: (error as Error).message }, `cannot watch ${path} for changes: ${(error as Error).message}; reload with SIGHUP`);
      }
    }
    this.releasers.push(() => {
      clearTimeout(this.reloadTimer);
      for (const w of this.watchers.splice(0)) w.close();
    });
  }

  /**
   * Reads the config again. A valid worker config replaces the running config and its schedules;
   * a broken one is logged, error by error with file and line, and the last good config keeps
   * running. A persona file with problems is left out and logged the same way while the other
   * personas reload; its last good version, if it had one, keeps running in its place.
   * Returns the problems (empty when what runs is what the files say).
   */
  async reload(why: string): Promise<string[]> {
    if (this.stopping) return [];
    const file = this.runtime.config.worker.file;
    const { value, issues } = await readConfig({ ...(file ? { file } : {}), env: this.env });
    if (!value) {
      this.configErrors = issues.map(formatIssue);
      for (const line of this.configErrors) this.log.error({ reload: why }, `config not reloaded: ${line}`);
      this.log.warn({ errors: this.configErrors.length }, `config reload (${why}) refused: running the last good config`);
      return this.configErrors;
    }
    const before = this.runtime.config;
    // A persona left out keeps its last good version: the one running now from the same file.
    const lastGood = (value.skipped ?? [])
      .map((s) => before.personas.find((p) => p.file === s.file))
      .filter((p): p is Persona => p !== undefined && !value.personas.some((q) => q.id === p.id));
    const personas = [...value.personas, ...lastGood].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const next: LoadedConfig = Object.freeze({ ...value, personas });
    const needsRestart = (['network', 'tier', 'database', 'web', 'accounts', 'sandbox'] as const).filter((k) => JSON.stringify(before.worker[k]) !== JSON.stringify(value.worker[k]));
    this.runtime.config = next;
    this.configLoadedAt = this.now();
    this.schedule();
    this.leaveOut(next, why);
    this.log.info({ reload: why, personas: personas.map((p) => p.id) }, `config reloaded (${why}): ${personas.length} personas${needsRestart.length ? `; ${needsRestart.join(', ')} changed and take effect at the next start` : ''}`);
    return this.configErrors;
  }

  /** Notes and logs the persona files a config leaves out (at start and at each reload). */
  private leaveOut(config: LoadedConfig, why: string): void {
    const running = new Set(config.personas.map((p) => p.file));
    this.personasLeftOut = (config.skipped ?? []).map((s) => ({ file: s.file, id: s.id ?? null, lastGood: running.has(s.file), errors: s.issues.map(formatIssue) }));
    this.configErrors = this.personasLeftOut.flatMap((s) => s.errors);
    for (const s of this.personasLeftOut) {
      for (const line of s.errors) this.log.error({ reload: why, file: s.file }, `persona not loaded: ${line}`);
      const instead = s.lastGood ? 'its last good version runs until it is fixed' : 'it does not run until it is fixed';
      this.log.warn({ reload: why, file: s.file, errors: s.errors.length }, `${s.file} left out (${why}): ${s.errors.length} problem${s.errors.length === 1 ? '' : 's'}; ${instead}; the other personas run`);
    }
  }

  // ---- status and stop -----------------------------------------------------------------------

  status(): WorkerStatus {
    const schedules = this.runtime.config.worker.schedules;
    const list: ScheduleStatus[] = JOB_NAMES.map((job) => {
      const s = schedules[job];
      const next = this.crons.get(job)?.nextRun(this.now()) ?? undefined;
      return { job, ...(s.cron ? { cron: s.cron } : {}), ...(s.after ? { after: s.after } : {}), timeZone: s.time_zone, enabled: s.enabled, ...(next ? { next } : {}) };
    });
    return {
      workerId: this.runtime.workerId,
      startedAt: this.startedAt,
      network: this.runtime.config.worker.network,
      database: this.runtime.database.where,
      configFile: this.runtime.config.worker.file,
      configLoadedAt: this.configLoadedAt,
      configErrors: [...this.configErrors],
      personasLeftOut: this.personasLeftOut.map((s) => ({ ...s, errors: [...s.errors] })),
      schedules: list,
      running: [...this.running].map((r) => ({ job: r.job, persona: r.persona, account: r.account, since: r.since })),
      stopping: this.stopping !== undefined,
    };
  }

  /**
   * The one way out: stop the schedules, let the action in flight finish and abort the rest (their
   * shares go back for other workers), then close the web server, X and the database — in reverse
   * order of start. Safe to call twice.
   */
  stop(reason = 'stop'): Promise<void> {
    this.stopping ??= (async () => {
      this.log.info({ reason, running: this.running.size }, `stopping (${reason}): ${this.running.size} share${this.running.size === 1 ? '' : 's'} in flight`);
      for (const cron of this.crons.values()) cron.stop();
      this.crons.clear();
      this.abort.abort(new Error(`worker stopping (${reason})`));
      await Promise.all([...this.running].map((r) => r.done));
      // And for the tick code around them (finishing a run), which ends quickly once aborted.
      await Promise.all([...this.ticks]);
      await this.release();
    })();
    return this.stopping;
  }

  private release(): Promise<void> {
    return this.releasers.release('stopping the worker');
  }
}
