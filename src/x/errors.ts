import { setTimeout as sleep } from 'node:timers/promises';
import { ApiPartialResponseError, ApiRequestError, ApiResponseError, type TwitterRateLimit } from 'twitter-api-v2';

/**
 * What went wrong talking to X, in the terms the worker acts on. twitter-api-v2's
 * `hasErrorCode()` never matches v2 problem bodies, so the problem's `type`, `title` and status are
 * read here, once.
 *
 * - `rate_limited` (429): wait for `resetAt` — the 24-hour reset when the daily cap is what ran
 *   out, else the 15-minute one — or move on; never retry in a loop.
 * - `usage_capped` (429 usage-capped, the monthly product cap) and `credits_depleted` (402): stop
 *   every job that reads or writes until the date X gives.
 * - `unauthorized` (401, after the token refresher had its try) and `forbidden` (403): the account
 *   is paused with the reason. `spam` is a 403 where X says the request looks automated.
 * - `server` (5xx) and `network` (dropped connection, timeout): retried with backoff.
 * - `invalid` (400 and other 4xx): a bug or a gone target; not retried.
 */
export type XErrorKind = 'rate_limited' | 'usage_capped' | 'credits_depleted' | 'unauthorized' | 'forbidden' | 'spam' | 'server' | 'network' | 'invalid';

export class XCallError extends Error {
  constructor(
    readonly kind: XErrorKind,
    message: string,
    readonly details: {
      status?: number;
      /** When a rate limit resets, for `rate_limited`. */
      resetAt?: Date;
      window?: '15min' | '24hour';
      limits?: ObservedLimits;
      /** X's problem body (title, detail, type), for logs and the action's error. */
      problem?: Record<string, unknown>;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'XCallError';
  }

  /** Worth another try after a pause: a 5xx or a lost connection. */
  get transient(): boolean {
    return this.kind === 'server' || this.kind === 'network';
  }

  /** Stops every call until a date (monthly cap, out of credit). */
  get stopsAll(): boolean {
    return this.kind === 'usage_capped' || this.kind === 'credits_depleted';
  }
}

/** One window of a limit as X reported it in the answer's headers. */
export interface ObservedWindow {
  limit: number;
  remaining: number;
  resetAt: Date;
}

/** Limits seen on one answer: the 15-minute window, and the 24-hour caps when the endpoint has them. */
export interface ObservedLimits {
  quarter?: ObservedWindow;
  userDay?: ObservedWindow;
  appDay?: ObservedWindow;
}

const window = (w: { limit: number; remaining: number; reset: number } | undefined): ObservedWindow | undefined =>
  w && Number.isFinite(w.limit) && Number.isFinite(w.remaining) && Number.isFinite(w.reset)
    ? { limit: w.limit, remaining: w.remaining, resetAt: new Date(w.reset * 1000) }
    : undefined;

/** The limits twitter-api-v2 parsed from `x-rate-limit-*`, `x-user-limit-24hour-*` and `x-app-limit-24hour-*`. */
export function observedLimits(rateLimit: TwitterRateLimit | undefined): ObservedLimits {
  if (!rateLimit) return {};
  const out: ObservedLimits = {};
  const quarter = window(rateLimit);
  const userDay = window(rateLimit.userDay);
  const appDay = window(rateLimit.day);
  if (quarter) out.quarter = quarter;
  if (userDay) out.userDay = userDay;
  if (appDay) out.appDay = appDay;
  return out;
}

const SPAM_WORDS = /automated|spam|unable to (follow|like)|limit.*(follow|like)|suspicious/i;

/** Turns whatever twitter-api-v2 threw into an XCallError (anything else is returned as it is). */
export function classify(error: unknown, what: string): unknown {
  if (error instanceof XCallError) return error;
  if (error instanceof ApiResponseError) {
    const data = (error.data ?? {}) as unknown as Record<string, unknown>;
    const type = typeof data.type === 'string' ? data.type : '';
    const title = typeof data.title === 'string' ? data.title : '';
    // A 400's own reason ("Invalid 'start_time' … must be on or after …") is in `errors[]`; its
    // `detail` only says that a parameter was invalid.
    const reasons = parameterReasons(data.errors);
    const detail = reasons || (typeof data.detail === 'string' ? data.detail : title || error.message);
    const problem = { ...(title ? { title } : {}), ...(detail ? { detail } : {}), ...(type ? { type } : {}) };
    const limits = observedLimits(error.rateLimit);
    const base = { status: error.code, limits, problem };
    const say = (text: string) => `${what}: ${text}`;
    if (error.code === 429 && (type.endsWith('/usage-capped') || title === 'UsageCapExceeded')) {
      return new XCallError('usage_capped', say(`X's monthly usage cap is reached (${detail})`), base, { cause: error });
    }
    if (error.code === 402 || type.endsWith('/credits-depleted')) {
      return new XCallError('credits_depleted', say(`the X API account is out of credit (402: ${detail})`), base, { cause: error });
    }
    if (error.code === 429) {
      // The daily cap is what ran out when its remaining count is zero; waiting on the 15-minute
      // reset then would only earn another 429.
      const day = [limits.userDay, limits.appDay].find((w) => w && w.remaining <= 0);
      const resetAt = day?.resetAt ?? limits.quarter?.resetAt;
      const windowName = day ? '24hour' : '15min';
      return new XCallError('rate_limited', say(`rate limited by X (${windowName} window${resetAt ? `, resets ${resetAt.toISOString()}` : ''})`), { ...base, window: windowName, ...(resetAt ? { resetAt } : {}) }, { cause: error });
    }
    if (error.code === 401) return new XCallError('unauthorized', say(`X refused the credentials (401 ${detail})`), base, { cause: error });
    if (error.code === 403) {
      const kind = SPAM_WORDS.test(detail) ? 'spam' : 'forbidden';
      return new XCallError(kind, say(`X refused (403 ${detail})`), base, { cause: error });
    }
    if (error.code >= 500) return new XCallError('server', say(`X answered ${error.code} (${detail})`), base, { cause: error });
    return new XCallError('invalid', say(`X refused the request (${error.code} ${detail})`), base, { cause: error });
  }
  if (error instanceof ApiRequestError || error instanceof ApiPartialResponseError) {
    // twitter-api-v2 keeps a request error as `_options.error` while its `requestError` getter
    // reads `_options.requestError` (always undefined): both are looked at.
    const kept = (error as unknown as { _options?: { error?: Error } })._options?.error;
    const cause = (error as ApiRequestError).requestError ?? kept ?? (error as ApiPartialResponseError).responseError;
    const reason = (cause as NodeJS.ErrnoException | undefined)?.code || cause?.message || error.message;
    const target = requestTarget(error.request);
    return new XCallError('network', `${what}: connection to X failed${target ? `: ${target}` : ''}: ${reason}`, {}, { cause: error });
  }
  return error;
}

/** The messages of a problem's `errors[]`, joined; empty when it has none. */
function parameterReasons(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  return errors
    .map((e: unknown) => (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : ''))
    .filter(Boolean)
    .join('; ');
}

/**
 * "GET api.x.com/2/tweets/search/recent": what a failed connection was for. The query string is
 * left out: it can carry a token or a code, and the call's name already says what was asked.
 */
export function requestTarget(request: { method?: string; host?: string; path?: string; getHeader?: (name: string) => unknown } | undefined): string {
  if (!request?.path) return '';
  const path = request.path.split('?')[0] ?? '';
  // The Host header has the port when it is not the protocol's own (a sandbox); `host` never does.
  const header = request.getHeader?.('host');
  const host = typeof header === 'string' ? header : (request.host ?? '');
  return `${request.method ?? 'GET'} ${host}${path}`;
}

export interface RetryPolicy {
  /** Tries in all, the first included. Default 4. */
  attempts: number;
  /** First pause; doubled each time. Default 500 ms. */
  baseMs: number;
  /** Longest pause. Default 8 s. */
  maxMs: number;
  /** Waits; tests and benchmarks pass a faster one. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Random source for the jitter, 0 ≤ x < 1. */
  random?: () => number;
}

/**
 * Writes retry 5xx answers only. A connection lost after the request left may have been carried
 * out by X: sending again would be a second write. It is left pending and reconciled with one
 * request on the next run instead.
 */
export const WRITE_RETRY = { network: false } as const;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseMs: 500, maxMs: 8000 };

/**
 * Runs `call`, retrying 5xx answers and lost connections (unless `network: false`) with exponential
 * backoff and full jitter (a pause drawn between 0 and base·2ⁿ, at most `maxMs`), `attempts` times
 * in all. Every other error, and the last transient one, is thrown as an XCallError.
 */
export async function withRetries<T>(
  what: string,
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: {
    signal?: AbortSignal;
    network?: boolean;
    onRetry?: (error: XCallError, attempt: number, waitMs: number) => void;
    /** Runs after the pause, before the next try; what it throws ends the retries (a writer that lost its lock). */
    beforeRetry?: (attempt: number) => Promise<void>;
  } = {},
): Promise<T> {
  const wait = policy.sleep ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, signal ? { signal } : undefined));
  const random = policy.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (raw) {
      const error = classify(raw, what);
      if (!(error instanceof XCallError) || !error.transient || attempt >= policy.attempts) throw error;
      if (error.kind === 'network' && hooks.network === false) throw error;
      const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
      const waitMs = Math.round(random() * ceiling);
      hooks.onRetry?.(error, attempt, waitMs);
      await wait(waitMs, hooks.signal);
      await hooks.beforeRetry?.(attempt + 1);
    }
  }
}
