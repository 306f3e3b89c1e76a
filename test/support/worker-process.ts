import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `prospector worker` as a separate process, as ops run it: started in a directory whose
 * `config/prospector.yaml` it reads, against a running sandbox and a PostgreSQL database named by
 * the environment. The test reads what it says on stderr (its worker id, when it runs on schedule)
 * and stops it with SIGTERM or kills it with SIGKILL.
 */

const BIN = fileURLToPath(new URL('../../bin/prospector.js', import.meta.url));

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  pid: number;
  /** Settles when the process is gone (never rejects). */
  exited: Promise<WorkerExit>;
  /** Everything it wrote to stderr so far (lines for people, and JSON log lines). */
  readonly stderr: string;
  /** The worker's id ("host:pid:tag"), known once it has said it. */
  readonly workerId: string | undefined;
  /** Resolves once it runs on schedule; rejects if it exits first or takes longer than `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM: the clean stop. */
  terminate(): void;
  /** SIGKILL: nothing runs, nothing is released; its leases run out. */
  kill(): void;
}

/** `env` is applied last: undefined removes a variable (a store's `env`, for the embedded database). */
export function startWorkerProcess(options: { cwd: string; databaseUrl?: string; sandboxUrl: string; args?: readonly string[]; env?: Record<string, string | undefined> }): WorkerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    PROSPECTOR_SANDBOX_URL: options.sandboxUrl,
    PROSPECTOR_CONFIG: 'config/prospector.yaml',
    PROSPECTOR_LOG_LEVEL: 'info',
  };
  delete env.PROSPECTOR_DATA_DIR;
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const child = spawn(process.execPath, [BIN, 'worker', ...(options.args ?? [])], { cwd: options.cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let workerId: string | undefined;
  const listeners = new Set<() => void>();
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    workerId ??= /^Prospector worker (\S+): /m.exec(stderr)?.[1];
    for (const listener of listeners) listener();
  });
  let done = false;
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    get stderr() {
      return stderr;
    },
    get workerId() {
      return workerId;
    },
    ready: (timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!stderr.includes('Running on schedule')) return;
          finish();
          resolve();
        };
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`worker ${child.pid} did not start within ${timeoutMs} ms:\n${stderr.slice(-3000)}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((exit) => {
          finish();
          reject(new Error(`worker ${child.pid} exited (${exit.code ?? exit.signal}) before running:\n${stderr.slice(-3000)}`));
        });
        check();
      }),
    terminate: () => {
      if (!done) child.kill('SIGTERM');
    },
    kill: () => {
      if (!done) child.kill('SIGKILL');
    },
  };
}
