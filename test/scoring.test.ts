import { describe, expect, it } from 'vitest';
import { activity, authority, parseXDate } from '../src/scoring/components.ts';
import { combine, DEFAULT_WEIGHTS, explain } from '../src/scoring/combine.ts';

const NOW = Date.parse('2026-11-02T09:00:00Z');
const neutral = { value: 0.5, reasons: [] };

describe('authority', () => {
  const range = { min_followers: 200, max_followers: 20_000 };
  it('rises with audience inside the range, falls outside it', () => {
    const small = authority({ followers_count: 20 }, range).value;
    const low = authority({ followers_count: 250 }, range).value;
    const high = authority({ followers_count: 15_000 }, range).value;
    const huge = authority({ followers_count: 2_000_000 }, range).value;
    expect(small).toBeLessThan(0.3);
    expect(low).toBeGreaterThan(small);
    expect(high).toBeGreaterThan(low);
    expect(huge).toBeLessThan(high);
    expect(authority({ followers_count: 20 }, range).reasons[0]?.text).toBe('20 followers, under the 200 wanted');
  });
  it('is neutral without a follower count', () => {
    expect(authority({}, range)).toEqual({ value: 0.5, reasons: [] });
  });
});

describe('activity', () => {
  it('tells dormant, regular and firehose accounts apart', () => {
    const created = '2020-11-02T09:00:00Z';
    const dormant = activity({ created_at: created, tweet_count: 10 }, NOW, undefined);
    const regular = activity({ created_at: created, tweet_count: 2000 }, NOW, undefined);
    const firehose = activity({ created_at: created, tweet_count: 200_000 }, NOW, undefined);
    expect(dormant.reasons[0]?.text).toBe('rarely posts');
    expect(regular.value).toBeGreaterThan(dormant.value);
    expect(firehose.value).toBeLessThan(regular.value);
    expect(firehose.reasons[0]?.text).toMatch(/^posts \d+ times a day$/);
  });
  it('rewards a recent post', () => {
    const base = activity({ created_at: '2020-11-02T09:00:00Z', tweet_count: 2000 }, NOW, undefined).value;
    expect(activity({ created_at: '2020-11-02T09:00:00Z', tweet_count: 2000 }, NOW, NOW - 3600_000).value).toBeGreaterThan(base);
  });
  it('reads X v1.1 dates too', () => {
    expect(parseXDate('Wed Feb 01 17:49:30 +0000 2012')).toBe(Date.parse('2012-02-01T17:49:30Z'));
    expect(parseXDate('not a date')).toBeUndefined();
  });
});

describe('combine', () => {
  it('weights components into 0–100 and explains with signed points, biggest first', () => {
    const scored = combine({
      fit: { value: 1, reasons: [{ share: 0.6, text: "title 'Head of Growth' matches" }] },
      intent: { value: 0.5, reasons: [] },
      authority: neutral,
      activity: neutral,
      authenticity: { value: 0.2, reasons: [{ share: -0.6, text: 'account 9 days old' }] },
      signals: neutral,
    });
    // 0.35*1 + 0.25*0.5 + 0.1*0.5 + 0.1*0.5 + 0.15*0.2 + 0.05*0.5 = 0.63
    expect(scored.score).toBe(63);
    expect(scored.reasons).toEqual([
      { points: 21, text: "title 'Head of Growth' matches" },
      { points: -9, text: 'account 9 days old' },
    ]);
    expect(scored.explanation).toBe("+21 title 'Head of Growth' matches; −9 account 9 days old");
    expect(scored.components.authenticity).toBe(0.2);
  });
  it('refuses weights that are all zero', () => {
    const zero = Object.fromEntries(Object.keys(DEFAULT_WEIGHTS).map((k) => [k, 0])) as typeof DEFAULT_WEIGHTS;
    const parts = { fit: neutral, intent: neutral, authority: neutral, activity: neutral, authenticity: neutral, signals: neutral };
    expect(() => combine(parts, zero)).toThrow(/at least one component/);
  });
  it('formats an explanation with a real minus sign', () => {
    expect(explain([{ points: -3, text: 'x' }])).toBe('−3 x');
  });
});
