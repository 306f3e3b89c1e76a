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

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ seq: ++this.seq, ...entry });
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
