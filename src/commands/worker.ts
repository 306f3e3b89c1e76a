import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { readEnvironment } from '../config/env.ts';
import type { Logger } from '../log.ts';
import type { Worker, WorkerOptions } from '../worker/worker.ts';

/**
 * `prospector worker`: the long-lived process ops run (`npm start`). This is the one place that
 * registers signal handlers: SIGINT/SIGTERM stop it cleanly (a second one exits at once, a
 * watchdog ends a stop that hangs), SIGHUP reloads the config. Exit code 0 after a clean stop.
 */

export interface WorkerCommandDeps {
  say?: (line: string) => void;
  log?: Logger;
  /** Builds the worker's web server (health, metrics, review page). */
  web?: WorkerOptions['web'];
  onRun?: WorkerOptions['onRun'];
  /** Ends the process; tests pass their own. */
  exit?: (code: number) => void;
}

/**
 * The worker's web port: health, metrics (fed by the worker's finished runs), the review page, and
 * the JSON API. On the embedded database the worker is its one owner: it writes `worker.json` (its
 * URL, pid and the API's token, for commands to go through it) once the server listens, and
 * removes it first thing when it stops.
 */
export function serveWeb(log: Logger): NonNullable<WorkerOptions['web']> {
  return async (worker) => {
    const [{ createMetrics }, { startWebServer }, { engageDeps }, { liveWorkers }, { removeWorkerFile, writeWorkerFile }] = await Promise.all([
      import('../observe/metrics.ts'),
      import('../web/server.ts'),
      import('./common.ts'),
      import('../../db/workers.ts'),
      import('./worker-file.ts'),
    ]);
    const rt = worker.runtime;
    const door = await rt.x();
    const metrics = createMetrics({ db: rt.database.db, source: worker, xStats: () => door.stats, now: () => rt.now(), processMetrics: true });
    worker.onRun.push((job, status, seconds) => metrics.observeJobRun(job, status, seconds));
    // The port is the file's or PROSPECTOR_WEB_PORT's (several workers on one host; 0 picks a free one).
    const { host, port, users } = rt.config.worker.web;
    const { readEnvironment } = await import('../config/env.ts');
    const secret = readEnvironment().value.webSecret?.reveal();
    const token = randomBytes(32).toString('base64url');
    const web = await startWebServer({
      host,
      port,
      db: rt.database.db,
      statusSource: worker,
      config: rt.config.worker,
      door,
      log,
      metrics,
      now: () => rt.now(),
      users: users.map((u) => ({ name: u.name, passwordHash: u.password_hash })),
      secret,
      secretDir: rt.config.worker.database.url ? undefined : rt.config.worker.database.data_dir,
      api: { token, engage: () => engageDeps(rt), worldNow: () => rt.worldNow(), workers: () => liveWorkers(rt.database) },
      personas: () => rt.config.personas,
    });
    // With PostgreSQL every process connects itself: no file (several workers may share a host).
    const dataDir = rt.database.kind === 'pglite' && !rt.config.worker.database.data_dir.startsWith('memory://') ? rt.config.worker.database.data_dir : undefined;
    if (dataDir === undefined) return web;
    try {
      writeWorkerFile(dataDir, { url: web.url, token });
    } catch (error) {
      await web.close();
      throw new Error(`cannot write ${dataDir}/worker.json, which lets commands reach this worker: ${(error as Error).message}`, { cause: error });
    }
    return {
      url: web.url,
      close: async () => {
        removeWorkerFile(dataDir, token);
        await web.close();
      },
    };
  };
}

export function registerWorkerCommand(program: Command, deps: WorkerCommandDeps = {}): Command {
  program
    .command('worker')
    .description('run the scheduled worker: search, score, engage, signals and queue on their schedules, with health and metrics on the web port')
    .option('--no-first-cycle', 'do not run a cycle at start-up (config: worker.first_cycle)')
    .action(async (opts: { firstCycle: boolean }) => {
      const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
      const [{ ConfigError, formatIssue, readConfig }, { optOutIgnoreWarning, secretValues }, { createLogger }, { Worker }] = await Promise.all([
        import('../config/load.ts'),
        import('../config/worker.ts'),
        import('../log.ts'),
        import('../worker/worker.ts'),
      ]);
      const exit = deps.exit ?? ((code: number) => process.exit(code));
      let worker: Worker;
      try {
        // The config first: its resolved secrets are masked in every log line.
        const file = readEnvironment().value.configFile;
        const checked = await readConfig(file ? { file } : {});
        if (!checked.value) throw new ConfigError(checked.issues);
        const log = deps.log ?? createLogger({ secrets: secretValues(checked.value.worker) });
        const ignored = optOutIgnoreWarning(checked.value.worker.engagement);
        if (ignored) say(ignored);
        // PGlite is one process: a second worker on it would only meet its lock.
        const { owningWorker } = await import('./worker-file.ts');
        const owner = await owningWorker({ config: checked.value });
        if (owner) {
          say(`a worker (pid ${owner.pid}) already runs on the embedded database ${owner.dataDir}, its page at ${owner.file.url}: one worker per embedded database; set DATABASE_URL to a PostgreSQL server to run several`);
          exit(1);
          return;
        }
        // Read once: the worker runs on this config (persona files with problems left out, and said).
        worker = await Worker.start({ log, say, runtime: { config: checked.value }, web: deps.web ?? serveWeb(log), ...(deps.onRun ? { onRun: deps.onRun } : {}) });
      } catch (error) {
        if (error instanceof ConfigError) {
          for (const issue of error.issues) say(formatIssue(issue));
          exit(1);
          return;
        }
        throw error;
      }
      const shutdownMs = worker.runtime.config.worker.worker.shutdown_seconds * 1000;
      let signals = 0;
      const onStop = (signal: NodeJS.Signals) => {
        signals++;
        if (signals > 1) {
          say(`${signal} again: exiting now`);
          exit(130);
          return;
        }
        say(`${signal}: stopping — finishing the action in flight (a second ${signal} exits at once)`);
        const watchdog = setTimeout(() => {
          say(`the stop took longer than ${shutdownMs / 1000} s (worker.shutdown_seconds): exiting anyway`);
          exit(1);
        }, shutdownMs);
        watchdog.unref();
        worker.stop(signal).then(
          () => {
            clearTimeout(watchdog);
            removeHandlers();
            say('stopped');
            exit(0);
          },
          (error: unknown) => {
            clearTimeout(watchdog);
            removeHandlers();
            say(`stop failed: ${(error as Error)?.message ?? String(error)}`);
            exit(1);
          },
        );
      };
      const onHup = () => void worker.reload('SIGHUP');
      const removeHandlers = () => {
        process.off('SIGINT', onStop);
        process.off('SIGTERM', onStop);
        process.off('SIGHUP', onHup);
      };
      process.on('SIGINT', onStop);
      process.on('SIGTERM', onStop);
      process.on('SIGHUP', onHup);

      if (opts.firstCycle && worker.runtime.config.worker.worker.first_cycle) {
        say('First cycle: search, score, queue, signals, engage…');
        try {
          await worker.firstCycle();
        } catch (error) {
          say(`first cycle failed: ${(error as Error)?.message ?? String(error)} (the schedules go on)`);
        }
      }
      if (worker.url) say(`Review page: ${worker.url}/   Health: ${worker.url}/healthz   Metrics: ${worker.url}/metrics`);
      say(await worker.queueSummary());
      say('Running on schedule; Ctrl-C stops.');
    });
  return program;
}
