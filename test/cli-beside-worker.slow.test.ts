import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { findLead } from '../db/leads.ts';
import type { LeadAnswer, StatusAnswer } from '../src/web/api.ts';
import { startTestSandbox, type TestSandbox } from './support/sandbox.ts';
import { createWorkerStore, eventually, makeConfigDir, type ConfigDir, type WorkerStore } from './support/worker.ts';
import { startWorkerProcess, type WorkerProcess } from './support/worker-process.ts';

/**
 * The CLI beside a running worker on the embedded database (PGlite: one process at a time). The
 * worker, a separate process on the sandbox, owns the database; in other processes `prospector
 * queue`, `lead '#N' contacted`, `act '#N' like` and `follow`, `pause`, `resume` and `status` go
 * through its API and print what they print on the database; the clicks go out through the
 * worker's own door to X, so after the sandbox's clock moves on, the worker's next signals run
 * sees the follow-backs ground truth promised for them. Another command says the worker owns the
 * database. Once the worker stops (worker.json gone) the same commands open the database
 * themselves and print the same.
 */

const BIN = fileURLToPath(new URL('../bin/prospector.js', import.meta.url));
const HOURS_LATER = 12;

let sb: TestSandbox;
let store: WorkerStore;
let configDir: ConfigDir;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  sb = await startTestSandbox({ users: 3000 });
  store = await createWorkerStore('pglite');
  // Signals every two seconds; search and queue in the first cycle only; nothing engages on its own.
  configDir = makeConfigDir({
    schedules: { search: { cron: '0 0 3 1 1 *' }, queue: { cron: '0 0 3 1 1 *' }, signals: { cron: '*/2 * * * * *' } },
    worker: { first_cycle: true },
  });
  // Assist, as salespeople work: enough of a cap for a click on each of the day's leads.
  configDir.editPersona((text) => text.replace('mode: auto', 'mode: assist').replace(/per_day: 1$/gm, 'per_day: 20').replace('per_day: 5', 'per_day: 8'));
});
afterAll(async () => {
  worker?.kill();
  await worker?.exited;
  await store?.drop();
  configDir?.remove();
  await sb?.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `prospector <args>` in a process of its own, as a second terminal runs it. */
function prospector(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROSPECTOR_CONFIG: configDir.configFile, PROSPECTOR_SANDBOX_URL: sb.url, PROSPECTOR_LOG_LEVEL: 'warn' };
  for (const [key, value] of Object.entries(store.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env, cwd: configDir.dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface Truth {
  reactions: Array<{ kind: string; account: string; at: string }>;
  pending_reactions: Array<{ kind: string; account: string; at: string }>;
}

it('queue, lead, act, pause and status work beside the worker on PGlite, and its next signals run sees the follow-backs of the clicks', async () => {
  const dataDir = (store.runtime as { dataDir: string }).dataDir;
  worker = startWorkerProcess({ cwd: configDir.dir, sandboxUrl: sb.url, env: { ...store.env, PROSPECTOR_CONFIG: configDir.configFile } });
  await worker.ready(90_000);

  // The worker's file: its URL, pid and token, readable by its user only.
  const file = join(dataDir, 'worker.json');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const info = JSON.parse(readFileSync(file, 'utf8')) as { url: string; pid: number; token: string };
  expect(info.pid).toBe(worker.pid);
  expect(info.token).toMatch(/^[\w-]{43}$/);
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${info.url}/api${path}`, { headers: { authorization: `Bearer ${info.token}` } });
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  // The queue, through the worker: the table, and the JSON to pick leads from.
  const table = await prospector('queue');
  expect(table.stderr).toBe('');
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^lead\s+score\s+prospect\s+name\s+persona\s+owner\s+state\s+why/);
  const leads = JSON.parse((await prospector('queue', '--format', 'json')).stdout) as Array<{ id: number; username: string; prospectId: string; state: string }>;
  expect(leads.length).toBeGreaterThanOrEqual(3);
  const first = leads[0]!;

  const contacted = await prospector('lead', `#${first.id}`, 'contacted', '--note', 'sent a DM', '--as', 'maya');
  expect(contacted).toMatchObject({ code: 0, stderr: '' });
  expect(contacted.stdout).toBe(`lead #${first.id} @${first.username} (growth-saas-en): new → contacted — sent a DM\n`);
  const again = await prospector('lead', `#${first.id}`, 'contacted', '--as', 'maya');
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(/lead #\d+ is already contacted: .*nothing recorded/);

  // Clicks: a like and a follow on each of the day's leads, performed by the worker.
  for (const lead of leads) {
    const like = await prospector('act', `#${lead.id}`, 'like', '--as', 'maya');
    expect(like.code, like.stderr).toBe(0);
    expect(like.stdout).toMatch(new RegExp(`^lead #${lead.id} @${lead.username}: @\\w+ liked post \\d+\\n$`));
    const follow = await prospector('act', `#${lead.id}`, 'follow', '--as', 'maya');
    expect(follow.code, follow.stderr).toBe(0);
    expect(follow.stdout).toMatch(new RegExp(`^lead #${lead.id} @${lead.username}: @\\w+ (follows|asked to follow) user ${lead.prospectId}`));
  }
  const twice = await prospector('act', `#${first.id}`, 'like', '--as', 'maya');
  expect(twice.code).toBe(1);
  expect(twice.stderr).toMatch(new RegExp(`^lead #${first.id} @${first.username}: the like of @${first.username} is already done`));

  // The pause, through the worker, and what it does to a click; status says it.
  const paused = await prospector('pause', '--reason', 'lunch', '--as', 'ops');
  expect(paused).toMatchObject({ code: 0, stdout: 'Paused every worker (by ops: lunch). They stop acting within one tick; `prospector resume` lifts it.\n' });
  const status = await prospector('status');
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^paused {4}yes, since .* by ops: lunch$/m);
  expect(status.stdout).toMatch(new RegExp(`^workers {3}1 running: [^ ]+:${worker.pid}:`, 'm'));
  expect((await prospector('resume')).stdout).toMatch(/^Resumed \(paused since .* by ops: lunch\): workers act again from their next tick\.\n$/);

  // A command with no way through the worker says who owns the database and what to do.
  const accounts = await prospector('accounts');
  expect(accounts.code).toBe(1);
  expect(accounts.stderr).toBe(`the worker (pid ${worker.pid}) owns the embedded database (${dataDir}): stop it, or use the page at ${info.url}, or set DATABASE_URL to a PostgreSQL server that every process can share\n`);
  expect(accounts.stderr).not.toMatch(/is in use by process/);
  const second = await prospector('worker');
  expect(second.code).toBe(1);
  expect(second.stderr).toContain(`a worker (pid ${worker.pid}) already runs on the embedded database ${dataDir}, its page at ${info.url}`);

  // Hours later in the sandbox: people react. The worker's next signals run reads it.
  await sb.advance(HOURS_LATER * 3600);
  const movedAt = Date.now();
  await eventually(
    'a signals run of the worker after the clock moved',
    async () => {
      const { health } = await api<StatusAnswer>('/status');
      const last = health.checks.jobs.jobs.find((j) => j.job === 'signals')?.last;
      return last?.tick && last.status === 'ok' && Date.parse(last.tick) > movedAt + 500;
    },
    { timeoutMs: 30_000, everyMs: 250 },
  );

  // What ground truth promised for the clicks, and what the worker saw.
  const handles = new Map(sb.accounts.accounts.map((a) => [a.id, a.username]));
  let followBacks = 0;
  for (const lead of leads) {
    const truth = await sb.admin<Truth>(`/__sandbox/truth/users/${lead.prospectId}`);
    const due = [...truth.reactions, ...truth.pending_reactions].filter((r) => Date.parse(r.at) <= sb.clock.now());
    const promised = due.filter((r) => r.kind === 'follow_back' || r.kind === 'accept_follow').map((r) => `${r.kind === 'follow_back' ? 'followed_back' : 'follow_accepted'} @${handles.get(r.account) ?? r.account}`);
    const { lead: seen } = await api<LeadAnswer>(`/leads/${lead.id}`);
    const signals = seen.signals.filter((s) => s.kind === 'followed_back' || s.kind === 'follow_accepted').map((s) => `${s.kind} @${s.accountHandle}`);
    expect(signals.sort(), `lead #${lead.id} @${lead.username}`).toEqual([...new Set(promised)].sort());
    followBacks += signals.filter((s) => s.startsWith('followed_back')).length;
  }
  expect(followBacks, 'follow-backs among the clicked leads (the sandbox promises some)').toBeGreaterThan(0);

  // The lead as the worker shows it, then stop: the file goes, and the same commands open the
  // database themselves and print the same.
  const viaWorker = await prospector('lead', `#${first.id}`);
  expect(viaWorker.code).toBe(0);
  expect(viaWorker.stdout).toMatch(/followed back|accepted our follow|like done/);
  worker.terminate();
  expect(await worker.exited).toEqual({ code: 0, signal: null });
  expect(existsSync(file)).toBe(false);
  const direct = await prospector('lead', `#${first.id}`);
  expect(direct).toEqual(viaWorker);

  // A file left by a worker that died is ignored.
  writeFileSync(file, JSON.stringify({ url: info.url, pid: worker.pid, token: info.token }), { mode: 0o600 });
  const afterDeath = await prospector('queue', '--all');
  expect(afterDeath.code).toBe(0);
  expect(afterDeath.stdout).toContain(`#${first.id}`);

  // The database, opened by the test: the clicks and the decision are the worker's rows.
  const handle = await store.open();
  try {
    const stored = await findLead(handle.db, first.id);
    expect(stored!.state).toBe('contacted');
    expect(stored!.actions.filter((a) => a.status === 'done').map((a) => a.kind).sort()).toEqual(['follow', 'like']);
    expect(stored!.actions.every((a) => a.actor === 'maya')).toBe(true);
  } finally {
    await handle.close();
  }
}, 240_000);
