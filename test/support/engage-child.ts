import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Database } from '../../db/client.ts';
import { rows } from '../../db/rows.ts';
import type { ActionKind } from '../../db/schema.ts';

/**
 * Support for tests that run Prospector as separate processes against one sandbox and one
 * PostgreSQL database, as a team's workers do: a fresh database on the TEST_DATABASE_URL server,
 * the `prospector` command started as a child (and killed), and the sandbox's request log read as
 * likes and follows.
 */

/** The working directory of the children: its `config/` holds their worker config and personas. */
export const ENGAGE_FIXTURE = fileURLToPath(new URL('../fixtures/engage', import.meta.url));
/** The product's own command (it registers tsx itself). */
const BIN = fileURLToPath(new URL('../../bin/prospector.js', import.meta.url));

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new empty database on the server `serverUrl` points at (the role must be allowed to CREATE
 * DATABASE), with a random name, so test files running in parallel never share one.
 */
export async function createScratchDatabase(serverUrl: string): Promise<ScratchDatabase> {
  const admin = new pg.Pool({ connectionString: serverUrl, max: 1 });
  const name = `prospector_crash_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.query(`create database "${name}"`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProspectorChild {
  pid: number;
  /** Settles when the process is gone (never rejects). */
  exited: Promise<ChildExit>;
  /** True once the process has exited. */
  readonly done: boolean;
  /** SIGKILL: no handler runs, nothing is flushed, connections drop as they are. */
  kill(): void;
}

export interface ChildEnvironment {
  databaseUrl: string;
  sandboxUrl: string;
  /** The worker config file in the fixture; default `config/prospector.yaml`. */
  config?: string;
}

/**
 * Starts `prospector <args>` in the fixture directory against a running sandbox and a PostgreSQL
 * database. The child's stdout and stderr are kept for the test's messages.
 */
export function startProspector(args: readonly string[], env: ChildEnvironment): ProspectorChild {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: env.databaseUrl,
    PROSPECTOR_SANDBOX_URL: env.sandboxUrl,
    PROSPECTOR_CONFIG: env.config ?? 'config/prospector.yaml',
  };
  delete childEnv.PROSPECTOR_DATA_DIR;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ENGAGE_FIXTURE, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let done = false;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      done = true;
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}\n${error.message}` });
    });
    child.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    get done() {
      return done;
    },
    kill: () => {
      if (!done) child.kill('SIGKILL');
    },
  };
}

/** One line of the sandbox's request log (`GET /__sandbox/requests`). */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  body: unknown;
  user: string | null;
  status: number;
  time: string;
  fault?: string;
}

/** A like or follow request as the sandbox saw it. */
export interface WriteRequest {
  seq: number;
  /** The acting account's X user id. */
  account: string;
  kind: ActionKind;
  /** The post (like) or user (follow). */
  target: string;
  status: number;
  fault: string | undefined;
  /** X carried it out: it answered 200, or acted and lost the answer (`drop_after`). */
  acted: boolean;
}

const WRITE_PATH = /^\/2\/users\/(\d+)\/(likes|following)$/;

/** The likes and follows among logged requests. */
export function writeRequests(log: readonly LoggedRequest[]): WriteRequest[] {
  const writes: WriteRequest[] = [];
  for (const r of log) {
    const m = r.method === 'POST' ? WRITE_PATH.exec(r.path) : null;
    if (!m) continue;
    const kind: ActionKind = m[2] === 'likes' ? 'like' : 'follow';
    const body = (r.body ?? {}) as Record<string, unknown>;
    const target = String(kind === 'like' ? body.tweet_id : body.target_user_id);
    writes.push({ seq: r.seq, account: m[1]!, kind, target, status: r.status, fault: r.fault, acted: r.status === 200 });
  }
  return writes;
}

/**
 * Resolves once no pending action is under a lease that has not run out (on the database's clock):
 * then a killed holder's actions can be settled by the next run.
 */
export async function leasesOver(handle: { db: Database }, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await rows<{ wait_ms: number | null }>(
      handle.db,
      sql`select ceil(extract(epoch from max(lease_until) - now()) * 1000)::int as wait_ms from actions where status = 'pending' and lease_until > now()`,
    );
    const waitMs = row?.wait_ms ?? 0;
    if (waitMs <= 0) return;
    if (Date.now() + waitMs > end) throw new Error(`pending actions stay under lease for ${waitMs} ms more`);
    await new Promise((r) => setTimeout(r, waitMs + 50));
  }
}
