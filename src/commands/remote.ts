import type { LiveWorker } from '../../db/workers.ts';
import type { ActAnswer, DecisionAnswer, DncAddAnswer, DncAnswer, DncHistoryAnswer, DncRemoveAnswer, LeadAnswer, PauseAnswer, QueueAnswer, RepliesAnswer, ReplyDecisionAnswer, ResumeAnswer, StatusAnswer } from '../web/api.ts';
import { UsageError, type CommandDeps } from './common.ts';
import { owningWorker, type OwningWorker } from './worker-file.ts';

/**
 * Commands through the running worker. With the embedded database the worker is its one owner:
 * `queue`, `lead`, `act`, `status`, `pause`, `resume`, `replies` and `dnc` then call its JSON API (src/web/api.ts)
 * with the token of its `worker.json`, and print what the worker answers with the very printing
 * code they use on the database directly. A click goes out through the worker's own door to X,
 * sandbox or real, so its next signals run sees what comes back.
 *
 * Each command has one branch at the top of its action: `if (await viaWorker(deps, …)) return;`.
 */

/** The worker's API, typed; answers are revived (instants back to Dates) for the printers. */
export interface WorkerApi {
  readonly worker: OwningWorker;
  queue(filters: { date?: string | undefined; all?: boolean | undefined; persona?: string | undefined; owner?: string | undefined }): Promise<QueueAnswer & { heldBy: Map<string, QueueAnswer['held'][string]> }>;
  lead(key: string): Promise<LeadAnswer>;
  /** The CRM CSV of the queue, as the worker writes it. */
  queueCsv(filters: { date?: string | undefined; all?: boolean | undefined; persona?: string | undefined; owner?: string | undefined }): Promise<string>;
  decide(key: string, body: { decision?: string | undefined; undo?: boolean; note?: string | undefined; until?: string | undefined; reason?: string | undefined; expectedState?: string | undefined; as: string }): Promise<DecisionAnswer>;
  act(key: string, body: { kind: 'like' | 'follow'; as: string }): Promise<ActAnswer>;
  status(): Promise<StatusAnswer & { workers: LiveWorker[] | null }>;
  pause(body: { reason?: string | undefined; as: string }): Promise<PauseAnswer>;
  resume(): Promise<ResumeAnswer>;
  replies(filters: { all?: boolean | undefined; limit?: number | undefined }): Promise<RepliesAnswer>;
  decideReply(id: number, body: { verdict: 'confirm' | 'dismiss'; note?: string | undefined; as: string }): Promise<ReplyDecisionAnswer>;
  dnc(filters: { limit?: number | undefined }): Promise<DncAnswer>;
  /** Every change, or one person's; an unknown person is an ApiError 404 with field `who`. */
  dncHistory(who?: string): Promise<DncHistoryAnswer>;
  /** Added (200), or already on the list (409, with the entry that stays). */
  dncAdd(body: { who: string; reason: string; as: string }): Promise<DncAddAnswer>;
  /** Removed (200), or not on the list (409). */
  dncRemove(body: { who: string; reason: string; as: string }): Promise<DncRemoveAnswer>;
}

/** A refusal from the worker, said as it says it. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The worker could not be reached (it stopped between finding it and calling it, say). */
class Unreachable extends Error {}

/** Seconds to wait for an answer: a click waits for X, with its retries. */
const READ_TIMEOUT_MS = 30_000;
const ACT_TIMEOUT_MS = 120_000;

/** Instants in the answers: keys such as `createdAt`, `snoozedUntil`, `readAt`, `decidedAt`, `addedAt`, `at`, `since`. */
const INSTANT_KEY = /^(at|since|[a-z]+(At|Until))$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const revive = (key: string, value: unknown) => (typeof value === 'string' && INSTANT_KEY.test(key) && ISO_INSTANT.test(value) ? new Date(value) : value);

/** Where to call: a worker listening on every address is reached on loopback. */
function baseUrl(url: string): string {
  return url.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

function client(worker: OwningWorker): WorkerApi {
  const base = baseUrl(worker.file.url);
  /** One request to the worker, with its token; a worker that does not answer is said so. */
  async function request(method: 'GET' | 'POST', path: string, body: unknown, timeoutMs: number): Promise<Response> {
    try {
      return await fetch(`${base}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${worker.file.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new Unreachable(`cannot reach the worker (pid ${worker.pid}) at ${base}: ${cause}; is it still running? (prospector status)`, { cause: error });
    }
  }
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, options: { timeoutMs?: number; accept?: number[]; instants?: boolean } = {}): Promise<T> {
    const res = await request(method, path, body, options.timeoutMs ?? READ_TIMEOUT_MS);
    const text = await res.text();
    let data: unknown;
    try {
      data = JSON.parse(text, options.instants === false ? undefined : revive);
    } catch {
      throw new Unreachable(`the worker at ${base} answered ${res.status} with something other than JSON: is another program on that port?`);
    }
    if (res.ok || options.accept?.includes(res.status)) return data as T;
    const problem = data as { error?: unknown; field?: unknown };
    throw new ApiError(res.status, typeof problem?.error === 'string' ? problem.error : `the worker answered ${res.status}`, typeof problem?.field === 'string' ? problem.field : undefined);
  }
  const lead = (key: string) => `/leads/${encodeURIComponent(key)}`;
  /** The queue's filters as the API reads them, the same for the table and the export. */
  const queueQuery = (filters: { date?: string | undefined; all?: boolean | undefined; persona?: string | undefined; owner?: string | undefined }) => {
    const query = new URLSearchParams();
    if (filters.all) query.set('all', '1');
    if (filters.date) query.set('date', filters.date);
    if (filters.persona) query.set('persona', filters.persona);
    if (filters.owner) query.set('owner', filters.owner);
    return query;
  };
  return {
    worker,
    async queue(filters) {
      const query = queueQuery(filters);
      const answer = await call<QueueAnswer>('GET', `/queue?${query}`);
      return { ...answer, heldBy: new Map(Object.entries(answer.held)) };
    },
    lead: (key) => call('GET', lead(key)),
    async queueCsv(filters) {
      const res = await request('GET', `/export/queue.csv?${queueQuery(filters)}`, undefined, READ_TIMEOUT_MS * 4);
      if (!res.ok) throw new ApiError(res.status, `the worker answered ${res.status} to the export`);
      return res.text();
    },
    async decide(key, body) {
      try {
        return await call<DecisionAnswer>('POST', `${lead(key)}/decision`, body);
      } catch (error) {
        // As the command says it when it decides on the database itself.
        if (error instanceof ApiError && error.status === 400 && error.field === 'until') throw new UsageError(`--${error.message}`);
        throw error;
      }
    },
    act: (key, body) => call('POST', `${lead(key)}/act`, body, { timeoutMs: ACT_TIMEOUT_MS, accept: [409] }),
    async status() {
      // Health carries its instants as text, as /healthz does; only the workers' starts are Dates.
      const answer = await call<StatusAnswer>('GET', '/status', undefined, { instants: false });
      return { ...answer, workers: answer.workers?.map((w) => ({ ...w, since: new Date(w.since) })) ?? null };
    },
    pause: (body) => call('POST', '/pause', body),
    resume: () => call('POST', '/resume', {}),
    replies(filters) {
      const query = new URLSearchParams();
      if (filters.all) query.set('all', '1');
      if (filters.limit !== undefined) query.set('limit', String(filters.limit));
      return call('GET', `/replies?${query}`);
    },
    decideReply: (id, body) => call('POST', `/replies/${id}/decision`, body),
    dnc: (filters) => call('GET', `/dnc${filters.limit === undefined ? '' : `?limit=${filters.limit}`}`),
    dncHistory: (who) => call('GET', `/dnc/history${who === undefined ? '' : `?${new URLSearchParams({ who })}`}`),
    dncAdd: (body) => call('POST', '/dnc', body, { accept: [409] }),
    dncRemove: (body) => call('POST', '/dnc/remove', body, { accept: [409] }),
  };
}

/**
 * Runs `run` against the worker that owns the embedded database, when one does; returns whether
 * it did (the command is then done). A refusal or an unreachable worker is said, exit code 1.
 */
export async function viaWorker(deps: CommandDeps, run: (api: WorkerApi) => Promise<void>): Promise<boolean> {
  const worker = await owningWorker(deps.runtime);
  if (!worker) return false;
  const say = deps.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    await run(client(worker));
  } catch (error) {
    if (!(error instanceof ApiError || error instanceof Unreachable)) throw error;
    say(error.message);
    process.exitCode = 1;
  }
  return true;
}
