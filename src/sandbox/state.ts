import type { FaultInjector } from './faults.ts';
import type { PostReadMeter, RateLimiter } from './ratelimit.ts';
import type { SandboxClock } from './clock.ts';
import type { World } from './world.ts';

/**
 * What every request handler of the sandbox shares (the X routes and the `/__sandbox/` admin
 * routes alike), and the request log they write to.
 */

/** One line of the request log (`GET /__sandbox/requests`). */
export interface LoggedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Acting user id for user-context calls, `app` for app-only, null when unauthenticated. */
  user: string | null;
  status: number;
  /** Sandbox-clock time, ISO 8601. */
  time: string;
  /**
   * Injected fault, when one was: `drop`, `drop_after` (carried out, answer lost), `500`, `503`,
   * `storm`, `spam`, `credits_depleted`.
   */
  fault?: string;
}

/** Everything a request handler shares. */
export interface SandboxState {
  world: World;
  clock: SandboxClock;
  limiter: RateLimiter;
  meter: PostReadMeter;
  faults: FaultInjector;
  log: RequestLog;
  rateLimits: boolean;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];
  private seq = 0;
  dropped = 0;

  constructor(private readonly limit: number) {}

  /** Records a request with its query parameters and body, secrets masked (see `maskSecrets`). */
  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ seq: ++this.seq, ...entry, query: maskSecrets(entry.query), body: maskBody(entry.body) });
    if (this.entries.length > this.limit) {
      const excess = this.entries.length - this.limit;
      this.entries.splice(0, excess);
      this.dropped += excess;
    }
  }

  since(seq: number): LoggedRequest[] {
    if (seq <= 0) return this.entries;
    return this.entries.filter((e) => e.seq > seq);
  }

  clear(): void {
    this.dropped += this.entries.length;
    this.entries = [];
  }
}

/**
 * Parameters that carry a credential: tokens, authorisation codes and their verifiers, client
 * secrets and passwords. `next_token` and `pagination_token` are cursors, not secrets, and stay
 * readable: they are what a walk through pages is read back by.
 */
const SECRET = /^(?!next_token$|pagination_token$).*(token|secret|password|code|verifier)$/i;

/** Shown in place of a secret. */
export const MASKED = '***';

/** The parameters, with every secret's value replaced by `***`. */
export function maskSecrets(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, SECRET.test(k) ? MASKED : v]));
}

/** A form or JSON body with its top-level secrets masked; anything else as it is. */
function maskBody(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, SECRET.test(k) ? MASKED : v]));
}
