/**
 * The sandbox clock. Rate-limit windows, the 7-day search horizon, token expiry, new posts and
 * people's reactions all follow it, so tests can move time forward instead of sleeping.
 *
 * - `frozen`: time stands still except when advanced (tests, benchmarks).
 * - `running`: time follows the wall clock from the start instant, plus every advance
 *   (`prospector sandbox` run by hand, demos).
 */
export interface SandboxClockOptions {
  /** Start instant; defaults to the current wall time, rounded down to the minute. */
  start?: Date | string | number;
  mode?: 'frozen' | 'running';
}

export class SandboxClock {
  readonly start: number;
  readonly mode: 'frozen' | 'running';
  private readonly wallAtStart: number;
  private offsetMs = 0;

  constructor(options: SandboxClockOptions = {}, wallNow: () => number = Date.now) {
    this.wallNow = wallNow;
    const start = options.start === undefined ? Math.floor(wallNow() / 60_000) * 60_000 : new Date(options.start).getTime();
    if (!Number.isFinite(start)) throw new Error(`sandbox clock: start ${String(options.start)} is not a valid date`);
    this.start = start;
    this.mode = options.mode ?? 'frozen';
    this.wallAtStart = wallNow();
  }

  private readonly wallNow: () => number;

  /** Milliseconds since the epoch, sandbox time. */
  now(): number {
    const running = this.mode === 'running' ? this.wallNow() - this.wallAtStart : 0;
    return this.start + running + this.offsetMs;
  }

  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`advance_seconds must be a number ≥ 0, got ${seconds}`);
    this.offsetMs += seconds * 1000;
    return this.now();
  }
}
