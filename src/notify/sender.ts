import type { Database } from '../../db/client.ts';
import { claimNotifications, settleNotification, type NotificationRow, type Settlement } from '../../db/notify.ts';
import type { NotifyTarget } from '../config/worker.ts';
import type { Logger } from '../log.ts';
import { MessageSchema } from './outbox.ts';
import { renderBody } from './render.ts';
import { DELIVERY_HEADER, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './sign.ts';

/**
 * Delivers the outbox (`notifications`) in the background of a worker: claims due rows (SKIP
 * LOCKED, under a lease), POSTs each to its webhook with a timeout, and records the outcome. A
 * 2xx is sent; a 429, a 5xx, a timeout or a lost connection is tried again later with exponential
 * backoff and jitter (5 tries over about 10 minutes by default; a 429's Retry-After is honoured);
 * any other answer (400, 403, 404, a redirect) is a mistake that trying again will not fix, and
 * fails at once. Every failure is logged and kept as the row's `last_error`.
 *
 * The webhook's URL is a secret (Slack's carries its key): it is never logged nor stored. Errors
 * are described from their code (`HTTP 500`, `ECONNREFUSED`), never from a message that could
 * quote the URL.
 *
 * Delivery is at least once: a worker that dies after the receiver answered but before recording
 * it leaves the row to be sent again when its lease runs out. Receivers drop repeats by
 * `X-Prospector-Delivery`, the row's id.
 */

export interface SenderOptions {
  db: Database;
  /** The webhooks (`web.notify`), read at each pass. */
  targets: () => readonly NotifyTarget[];
  /** The page's address for links: `web.public_url`, else the worker's web URL. */
  baseUrl: () => string;
  workerId: string;
  log: Logger;
  now?: () => Date;
  /** 0 ≤ x < 1, for the jitter. */
  random?: () => number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Tries in all. Default 5. */
  maxAttempts?: number;
  /** The wait after the first failed try, doubled after each (before jitter). Default 40 s. */
  baseDelayMs?: number;
  /** How often the outbox is looked at. Default 5 s. */
  pollMs?: number;
  /** How long a claim holds a row: longer than a request may take. Default 60 s. */
  leaseMs?: number;
  /** Rows per claim. Default 20. */
  batch?: number;
}

export interface PassResult {
  sent: number;
  retried: number;
  failed: number;
}

/** The longest wait a Retry-After may ask for that is honoured as is. */
const MAX_RETRY_AFTER_MS = 3_600_000;

export class NotifySender {
  private readonly now: () => Date;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<PassResult> | undefined;
  /** Woken during a pass: look again as soon as it ends. */
  private woken = false;

  constructor(private readonly options: SenderOptions) {
    this.now = options.now ?? (() => new Date());
    this.random = options.random ?? Math.random;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 40_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.leaseMs = Math.max(options.leaseMs ?? 60_000, this.timeoutMs * 2);
    this.batch = options.batch ?? 20;
  }

  /** The wait before try `attempt + 1`, after try `attempt` failed: doubling, with "equal jitter". */
  delayAfter(attempt: number): number {
    const full = this.baseDelayMs * 2 ** (attempt - 1);
    return Math.round(full / 2 + (this.random() * full) / 2);
  }

  /** Looks at the outbox every `pollMs` (at once again after a full batch, or when woken) until `stop()`. */
  start(): void {
    void this.loop();
  }

  /** Looks at the outbox now rather than at the next poll (a job has just written to it). */
  wake(): void {
    if (this.pass !== undefined || this.stopping.signal.aborted) {
      this.woken = true;
      return;
    }
    clearTimeout(this.timer);
    void this.loop();
  }

  private async loop(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    let again = false;
    this.woken = false;
    try {
      this.pass = this.deliverDue();
      const result = await this.pass;
      again = result.sent + result.retried + result.failed >= this.batch;
    } catch (error) {
      this.options.log.warn({ err: (error as Error)?.message }, `notify: reading the outbox failed: ${(error as Error)?.message ?? String(error)}`);
    } finally {
      this.pass = undefined;
    }
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => void this.loop(), again || this.woken ? 0 : this.pollMs);
    this.timer.unref();
  }

  /** Stops looking, abandons requests in flight (their rows are tried again soon), waits for the pass to end. */
  async stop(): Promise<void> {
    this.stopping.abort(new Error('worker stopping'));
    clearTimeout(this.timer);
    await this.pass?.catch(() => undefined);
  }

  /** One pass: claims what is due and delivers it. */
  async deliverDue(): Promise<PassResult> {
    const targets = new Map(this.options.targets().map((t) => [t.url_env, t]));
    const claimed = await claimNotifications(this.options.db, { targets: [...targets.keys()], workerId: this.options.workerId, at: this.now(), leaseMs: this.leaseMs, limit: this.batch });
    const result: PassResult = { sent: 0, retried: 0, failed: 0 };
    await Promise.all(
      claimed.map(async (row) => {
        const outcome = await this.deliver(row, targets.get(row.target)!);
        await settleNotification(this.options.db, { id: row.id, workerId: this.options.workerId, at: this.now(), outcome });
        if (outcome.status === 'sent') result.sent++;
        else if (outcome.status === 'pending') result.retried++;
        else result.failed++;
      }),
    );
    return result;
  }

  private async deliver(row: NotificationRow, target: NotifyTarget): Promise<Settlement> {
    const { log } = this.options;
    const label = `notify ${target.url_env}: ${row.kind} #${row.id}`;
    const fields = { notification: row.id, kind: row.kind, target: target.url_env, attempt: row.attempts };
    const parsed = MessageSchema.safeParse(row.message);
    if (!parsed.success) {
      const error = `stored message unreadable: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      log.error(fields, `${label} failed: ${error}`);
      return { status: 'failed', error };
    }
    if (!target.url) {
      log.error(fields, `${label} failed: ${target.url_env} is not set`);
      return { status: 'failed', error: `${target.url_env} is not set` };
    }
    const body = renderBody(parsed.data, target.format, { id: row.id, baseUrl: this.options.baseUrl() });
    const timestamp = Math.floor(this.now().getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Prospector-Notify',
      [DELIVERY_HEADER]: String(row.id),
      [TIMESTAMP_HEADER]: String(timestamp),
    };
    if (target.format === 'json' && target.secret) headers[SIGNATURE_HEADER] = sign(target.secret.reveal(), timestamp, body);

    let problem: { error: string; retry: boolean; retryAfterMs?: number };
    try {
      const response = await fetch(target.url.reveal(), {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.stopping.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        log.info(fields, `${label} sent (HTTP ${response.status}, try ${row.attempts})`);
        return { status: 'sent' };
      }
      const retryAfterMs = response.status === 429 ? retryAfter(response.headers.get('retry-after'), this.now()) : undefined;
      problem = { error: `HTTP ${response.status}`, retry: response.status === 429 || response.status >= 500, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (error) {
      if (this.stopping.signal.aborted) {
        log.info(fields, `${label}: worker stopping mid-send; tried again soon`);
        return { status: 'pending', nextAt: this.now(), error: 'worker stopped while sending' };
      }
      problem = { error: describeFailure(error, this.timeoutMs), retry: true };
    }

    if (!problem.retry) {
      log.error({ ...fields, error: problem.error }, `${label} failed: ${problem.error}; not tried again (the webhook refused it)`);
      return { status: 'failed', error: `${problem.error}: refused, not tried again` };
    }
    if (row.attempts >= this.maxAttempts) {
      log.error({ ...fields, error: problem.error }, `${label} failed: ${problem.error}; gave up after ${row.attempts} tries`);
      return { status: 'failed', error: `${problem.error}; gave up after ${row.attempts} tries` };
    }
    const wait = Math.min(MAX_RETRY_AFTER_MS, Math.max(this.delayAfter(row.attempts), problem.retryAfterMs ?? 0));
    log.warn({ ...fields, error: problem.error, retryInMs: wait }, `${label}: ${problem.error}; try ${row.attempts + 1} of ${this.maxAttempts} in ${Math.round(wait / 1000)} s`);
    return { status: 'pending', nextAt: new Date(this.now().getTime() + wait), error: problem.error };
  }
}

/** Retry-After in seconds or as an HTTP date, in ms from `now`; undefined when absent or unreadable. */
function retryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/**
 * A failed request in words, from codes only: fetch's messages may quote the URL ("Failed to
 * parse URL from https://hooks…"), and the URL is a secret.
 */
function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e?.cause?.code ?? e?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return `connection failed (${code})`;
  return 'connection failed';
}
