import { describe, expect, it } from 'vitest';
import { World } from '../src/sandbox/world.ts';
import type { SandboxPost } from '../src/sandbox/types.ts';

/** The world's determinism: same seed, same world, whatever way the clock is moved. */

const START = Date.parse('2026-11-02T09:00:00Z');
const digest = (posts: SandboxPost[]) => posts.map((p) => `${p.id}|${p.author}|${p.kind}|${p.ref}|${p.text}`);

describe('sandbox world', () => {
  it('is the same for the same seed, and differs for another', () => {
    const a = new World({ seed: 7, users: 1500, start: START });
    const b = new World({ seed: 7, users: 1500, start: START });
    const c = new World({ seed: 8, users: 1500, start: START });
    expect(a.posts.length).toBeGreaterThan(1000);
    expect(digest(b.posts)).toEqual(digest(a.posts));
    expect(b.users.map((u) => u.description)).toEqual(a.users.map((u) => u.description));
    expect(digest(c.posts)).not.toEqual(digest(a.posts));
    expect(a.accounts.map((x) => x.accessToken)).toEqual(b.accounts.map((x) => x.accessToken));
    expect(c.accounts[0]?.accessToken).not.toBe(a.accounts[0]?.accessToken);
  });

  it('grows the same timeline whether the clock moves in one step or in many', () => {
    const once = new World({ seed: 11, users: 1000, start: START });
    const steps = new World({ seed: 11, users: 1000, start: START });
    once.advanceTo(START + 6 * 3600_000);
    for (let t = START; t <= START + 6 * 3600_000; t += 7 * 60_000 + 13_000) steps.advanceTo(t);
    steps.advanceTo(START + 6 * 3600_000);
    expect(once.posts.length).toBeGreaterThan(new World({ seed: 11, users: 1000, start: START }).posts.length);
    expect(digest(steps.posts)).toEqual(digest(once.posts));
  });

  it('keeps posts in id and time order, with ids that are X snowflakes', () => {
    const w = new World({ seed: 3, users: 800, start: START });
    for (let i = 1; i < w.posts.length; i++) {
      const prev = w.posts[i - 1]!;
      const post = w.posts[i]!;
      expect(BigInt(post.id) > BigInt(prev.id)).toBe(true);
      expect(post.createdAt).toBeGreaterThanOrEqual(prev.createdAt);
    }
    // History covers the seven days recent search can see, and nothing after the clock.
    expect(w.posts[0]!.createdAt).toBeLessThanOrEqual(START - 7 * 24 * 3600_000);
    expect(w.posts.at(-1)!.createdAt).toBeLessThan(START);
  });

  it('resolves replies, quotes and retweets to earlier posts', () => {
    const w = new World({ seed: 5, users: 1500, start: START });
    const kinds = new Set(w.posts.map((p) => p.kind));
    expect(kinds).toEqual(new Set(['original', 'reply', 'quote', 'retweet']));
    for (const p of w.posts) {
      if (p.kind === 'original') continue;
      expect(p.ref).toBeGreaterThanOrEqual(0);
      expect(p.ref).toBeLessThan(p.index);
      if (p.kind === 'retweet') expect(p.text.startsWith(`RT @${w.users[w.posts[p.ref]!.author]!.username}: `)).toBe(true);
      if (p.kind === 'reply') expect(p.text.startsWith(`@${w.users[p.inReplyToUser]!.username} `)).toBe(true);
    }
  });
});

describe('sandbox world start', () => {
  it('refuses a clock start before the population exists, saying the earliest date', () => {
    expect(() => new World({ seed: 1, users: 10, start: Date.parse('2025-01-01T00:00:00Z') })).toThrow(/before 2026-11-01T00:00:00.000Z, the earliest the population supports/);
  });
});
