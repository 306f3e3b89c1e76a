import { ApiResponseError } from 'twitter-api-v2';
import { describe, expect, it } from 'vitest';
import type { Persona } from '../src/config/persona.ts';
import { budgetChecks, dailyCap, dueByNow, jitterMs, strictIntervalMs, warmupFactor, workingProgress } from '../src/engage/rules.ts';
import { zonedDay } from '../src/time.ts';
import { classify, withRetries, XCallError } from '../src/x/errors.ts';

/** The rules of engagement as pure functions, and how X's errors are read. */

const persona = (over: Partial<Persona['engagement']> = {}) =>
  ({
    id: 'p',
    engagement: { mode: 'auto', threshold: 60, like: { per_day: 20 }, follow: { per_day: 10 }, working_hours: { start: '09:00', end: '18:00', time_zone: 'Europe/Paris' }, ...over },
  }) as unknown as Persona;

describe('caps and time', () => {
  it('the warm-up ramps by week since the account started engaging, and holds its last step', () => {
    const since = new Date('2026-11-02T00:00:00Z');
    const ramp = [0.3, 0.5, 0.75, 1];
    expect(warmupFactor(ramp, since, new Date('2026-11-08T23:00:00Z'))).toBe(0.3);
    expect(warmupFactor(ramp, since, new Date('2026-11-09T00:00:00Z'))).toBe(0.5);
    expect(warmupFactor(ramp, since, new Date('2026-11-25T00:00:00Z'))).toBe(1);
    expect(warmupFactor(ramp, since, new Date('2027-06-01T00:00:00Z'))).toBe(1);
    expect(dailyCap(persona(), 'like', { warmup: 0.3, throttle: 1 })).toBe(6);
    expect(dailyCap(persona(), 'follow', { warmup: 0.3, throttle: 0.5 })).toBe(1);
  });

  it("a persona's day and working hours are in its time zone, across a change of summer time", () => {
    // Paris leaves summer time on 2026-10-25: that day lasts 25 hours.
    const day = zonedDay(new Date('2026-10-25T12:00:00Z'), 'Europe/Paris');
    expect(day).toEqual({ day: '2026-10-25', start: new Date('2026-10-24T22:00:00Z'), end: new Date('2026-10-25T23:00:00Z') });
    expect(workingProgress(persona(), new Date('2026-11-02T07:59:00Z'))).toEqual({ inHours: false, progress: 0 }); // 08:59 Paris
    expect(workingProgress(persona(), new Date('2026-11-02T08:00:00Z'))).toMatchObject({ inHours: true }); // 09:00 Paris
    expect(workingProgress(persona(), new Date('2026-11-02T17:00:00Z'))).toEqual({ inHours: false, progress: 1 }); // 18:00 Paris
    // Hours across midnight.
    const night = persona({ working_hours: { start: '22:00', end: '06:00', time_zone: 'UTC' } });
    expect(workingProgress(night, new Date('2026-11-02T23:00:00Z')).inHours).toBe(true);
    expect(workingProgress(night, new Date('2026-11-02T12:00:00Z')).inHours).toBe(false);
  });

  it('what is due spreads a cap over the working day and reaches it before the day closes', () => {
    expect(dueByNow(10, 0)).toBe(1);
    expect(dueByNow(10, 0.5)).toBe(5);
    expect(dueByNow(10, 1)).toBe(10);
    expect(dueByNow(0, 1)).toBe(0);
    const lastHour = workingProgress(persona(), new Date('2026-11-02T16:05:00Z')); // 17:05 Paris
    expect(dueByNow(10, lastHour.progress)).toBe(10);
  });

  it("budget windows: X's 15-minute and 24-hour limits of the tier, and the persona's day", () => {
    const at = new Date('2026-11-02T10:00:00Z');
    const checks = budgetChecks({ tier: 'payperuse', kind: 'follow', persona: persona(), cap: 7, at });
    expect(checks).toEqual([
      { scope: 'x', window: '15min', limit: 50, lengthMs: 900_000 },
      { scope: 'x', window: 'day', limit: 400, lengthMs: 86_400_000 },
      { scope: 'persona:p', window: 'day', limit: 7, start: new Date('2026-11-01T23:00:00Z'), reset: new Date('2026-11-02T23:00:00Z') },
    ]);
    expect(budgetChecks({ tier: 'basic', kind: 'follow', at })[0]?.limit).toBe(5);
    expect(strictIntervalMs('basic', 'follow')).toBe(180_000);
    expect(jitterMs({ jitter_seconds: [20, 90] }, () => 0.5)).toBe(55_000);
  });
});

function xError(code: number, data: Record<string, unknown>, headers: Record<string, string> = {}): ApiResponseError {
  const limit = headers['x-rate-limit-limit'];
  const rateLimit = limit
    ? {
        limit: Number(limit),
        remaining: Number(headers['x-rate-limit-remaining']),
        reset: Number(headers['x-rate-limit-reset']),
        ...(headers['x-user-limit-24hour-limit']
          ? { userDay: { limit: Number(headers['x-user-limit-24hour-limit']), remaining: Number(headers['x-user-limit-24hour-remaining']), reset: Number(headers['x-user-limit-24hour-reset']) } }
          : {}),
      }
    : undefined;
  return new ApiResponseError(`Request failed with code ${code}`, { code, data: data as never, headers, request: {} as never, response: {} as never, ...(rateLimit ? { rateLimit } : {}) });
}

describe("X's errors", () => {
  it('tells the monthly cap, no credit, the 15-minute and the 24-hour limits apart', () => {
    const capped = classify(xError(429, { title: 'UsageCapExceeded', detail: 'Usage cap exceeded: Monthly product cap', type: 'https://api.twitter.com/2/problems/usage-capped' }), 'search');
    expect(capped).toMatchObject({ kind: 'usage_capped', stopsAll: true });
    expect(classify(xError(402, { title: 'CreditsDepleted', type: 'https://api.twitter.com/2/problems/credits-depleted' }), 'like')).toMatchObject({ kind: 'credits_depleted' });
    const quarter = classify(xError(429, { title: 'Too Many Requests' }, { 'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': '1793000000' }), 'like') as XCallError;
    expect(quarter).toMatchObject({ kind: 'rate_limited', details: { window: '15min', resetAt: new Date(1793000000 * 1000) } });
    // The daily cap ran out while the 15-minute window has room: wait for the 24-hour reset.
    const day = classify(
      xError(429, { title: 'Too Many Requests' }, {
        'x-rate-limit-limit': '50', 'x-rate-limit-remaining': '12', 'x-rate-limit-reset': '1793000000',
        'x-user-limit-24hour-limit': '1000', 'x-user-limit-24hour-remaining': '0', 'x-user-limit-24hour-reset': '1793050000',
      }),
      'like',
    ) as XCallError;
    expect(day).toMatchObject({ kind: 'rate_limited', details: { window: '24hour', resetAt: new Date(1793050000 * 1000) } });
    expect(classify(xError(403, { detail: 'This request looks like it might be automated.' }), 'follow')).toMatchObject({ kind: 'spam' });
    expect(classify(xError(403, { detail: 'You are not permitted to follow on behalf of this user.' }), 'follow')).toMatchObject({ kind: 'forbidden' });
    expect(classify(xError(401, { title: 'Unauthorized' }), 'like')).toMatchObject({ kind: 'unauthorized' });
    expect(classify(xError(503, { title: 'Service Unavailable' }), 'like')).toMatchObject({ kind: 'server', transient: true });
    expect(classify(new TypeError('not from X'), 'like')).toBeInstanceOf(TypeError);
  });

  it('retries 5xx with bounded, jittered backoff; never a 4xx; a write never after a lost connection', async () => {
    const waits: number[] = [];
    const policy = { attempts: 4, baseMs: 100, maxMs: 250, sleep: async (ms: number) => void waits.push(ms), random: () => 0.99 };
    let calls = 0;
    await expect(withRetries('x', async () => { calls++; throw xError(503, {}); }, policy)).rejects.toMatchObject({ kind: 'server' });
    expect(calls).toBe(4);
    expect(waits).toEqual([99, 198, 248]);
    calls = 0;
    await expect(withRetries('x', async () => { calls++; throw xError(400, {}); }, policy)).rejects.toMatchObject({ kind: 'invalid' });
    expect(calls).toBe(1);
    calls = 0;
    const lost = new XCallError('network', 'socket hang up');
    await expect(withRetries('x', async () => { calls++; throw lost; }, policy, { network: false })).rejects.toBe(lost);
    expect(calls).toBe(1);
    calls = 0;
    expect(await withRetries('x', async () => (++calls < 3 ? Promise.reject(lost) : 'ok'), policy)).toBe('ok');
  });
});
