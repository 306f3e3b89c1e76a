import type { Endpoint, TierLimits } from '../x/tiers.ts';

/**
 * X's request limits, on the sandbox clock. A window opens with the first request after the
 * previous one closed and resets 15 minutes (or 24 hours) later, which is what the
 * `x-rate-limit-reset` epoch seconds describe.
 */

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const ONE_DAY = 24 * 60 * 60 * 1000;

export type Principal = { kind: 'user'; userId: string } | { kind: 'app' };

interface Window {
  resetAt: number;
  used: number;
}

export interface LimitDecision {
  allowed: boolean;
  /** Which limit refused the request, when one did. */
  exceeded?: '15min' | '24hour';
  headers: Record<string, string>;
}

class Windows {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly lengthMs: number) {}

  peek(key: string, now: number): Window {
    const w = this.windows.get(key);
    if (!w || now >= w.resetAt) {
      const fresh = { resetAt: now + this.lengthMs, used: 0 };
      this.windows.set(key, fresh);
      return fresh;
    }
    return w;
  }

  /** Marks the whole window used (a simulated 429 storm). */
  exhaust(key: string, now: number, limit: number): void {
    this.peek(key, now).used = limit;
  }
}

const seconds = (ms: number) => String(Math.ceil(ms / 1000));

export class RateLimiter {
  private readonly quarter = new Windows(FIFTEEN_MINUTES);
  private readonly day = new Windows(ONE_DAY);

  constructor(private readonly tier: TierLimits) {}

  /** Checks the request against its limits and, when allowed, counts it. */
  take(endpoint: Endpoint, principal: Principal, now: number): LimitDecision {
    const limits = this.tier.endpoints[endpoint];
    const isApp = principal.kind === 'app';
    const who = isApp ? 'app' : `user:${principal.userId}`;
    const limit = isApp ? limits.app : limits.user;
    const quarter = this.quarter.peek(`${endpoint}|${who}`, now);
    const headers: Record<string, string> = {};

    const dayLimit = isApp ? limits.appDay : limits.userDay;
    const dayWindow = dayLimit === undefined ? undefined : this.day.peek(`${endpoint}|${who}`, now);
    // The app-wide daily cap also binds user-context requests (X's follows: 1,000 per app per day).
    const appDay = !isApp && limits.appDay !== undefined ? this.day.peek(`${endpoint}|app`, now) : undefined;

    let exceeded: LimitDecision['exceeded'];
    if (quarter.used >= limit) exceeded = '15min';
    else if (dayWindow && dayLimit !== undefined && dayWindow.used >= dayLimit) exceeded = '24hour';
    else if (appDay && limits.appDay !== undefined && appDay.used >= limits.appDay) exceeded = '24hour';

    if (!exceeded) {
      quarter.used++;
      if (dayWindow) dayWindow.used++;
      if (appDay) appDay.used++;
    }

    headers['x-rate-limit-limit'] = String(limit);
    headers['x-rate-limit-remaining'] = String(Math.max(0, limit - quarter.used));
    headers['x-rate-limit-reset'] = seconds(quarter.resetAt);
    if (dayWindow && dayLimit !== undefined) {
      const prefix = isApp ? 'x-app-limit-24hour' : 'x-user-limit-24hour';
      headers[`${prefix}-limit`] = String(dayLimit);
      headers[`${prefix}-remaining`] = String(Math.max(0, dayLimit - dayWindow.used));
      headers[`${prefix}-reset`] = seconds(dayWindow.resetAt);
    }
    if (appDay && limits.appDay !== undefined) {
      headers['x-app-limit-24hour-limit'] = String(limits.appDay);
      headers['x-app-limit-24hour-remaining'] = String(Math.max(0, limits.appDay - appDay.used));
      headers['x-app-limit-24hour-reset'] = seconds(appDay.resetAt);
    }
    return exceeded ? { allowed: false, exceeded, headers } : { allowed: true, headers };
  }

  /** Uses up the 15-minute window of an endpoint for a principal (fault injection: 429 storms). */
  exhaust(endpoint: Endpoint, principal: Principal, now: number): void {
    const limits = this.tier.endpoints[endpoint];
    const who = principal.kind === 'app' ? 'app' : `user:${principal.userId}`;
    this.quarter.exhaust(`${endpoint}|${who}`, now, principal.kind === 'app' ? limits.app : limits.user);
  }
}

/** Posts read per UTC calendar month, against the tier's monthly cap. */
export class PostReadMeter {
  private month = '';
  private read = 0;

  constructor(readonly cap: number) {}

  private roll(now: number): void {
    const month = new Date(now).toISOString().slice(0, 7);
    if (month !== this.month) {
      this.month = month;
      this.read = 0;
    }
  }

  exhausted(now: number): boolean {
    this.roll(now);
    return this.read >= this.cap;
  }

  add(posts: number, now: number): void {
    this.roll(now);
    this.read += posts;
  }

  usage(now: number): { month: string; read: number; cap: number } {
    this.roll(now);
    return { month: this.month, read: this.read, cap: this.cap };
  }
}
