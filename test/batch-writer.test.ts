import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../jobs/search.ts';
import type { SearchPage, XPost } from '../src/x/reads.ts';

/** The search job's writer: batches by size, one write in flight, failures surface, nothing lost. */

const page = (from: number, n: number): SearchPage => ({
  posts: Array.from({ length: n }, (_, i) => ({ id: String(from + i), author_id: '1' }) as XPost),
  users: [],
  newestId: undefined,
  oldestId: undefined,
  more: true,
});

describe('BatchWriter', () => {
  it('writes batches of the flush size, one at a time, and the rest on drain', async () => {
    const writes: Array<{ posts: number; pages: number }> = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const releases: Array<() => void> = [];
    const writer = new BatchWriter(async (batch) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      writes.push({ posts: batch.posts.length, pages: batch.pages });
      await new Promise<void>((resolve) => releases.push(resolve));
      inFlight--;
    }, 20);
    await writer.add(page(0, 10));
    await writer.add(page(10, 10)); // 20 posts: a write starts, the next pages keep coming
    expect(writes).toEqual([{ posts: 20, pages: 2 }]);
    await writer.add(page(20, 10));
    const adding = writer.add(page(30, 10)); // full again: waits for the first write
    await Promise.resolve();
    expect(writes).toHaveLength(1);
    releases.shift()?.();
    await adding;
    expect(writes).toEqual([{ posts: 20, pages: 2 }, { posts: 20, pages: 2 }]);
    await writer.add(page(40, 5));
    const draining = writer.drain();
    releases.shift()?.();
    await new Promise((r) => setTimeout(r, 0));
    releases.shift()?.();
    await draining;
    expect(writes).toEqual([{ posts: 20, pages: 2 }, { posts: 20, pages: 2 }, { posts: 5, pages: 1 }]);
    expect(maxInFlight).toBe(1);
  });

  it('rethrows a failed write instead of reading on', async () => {
    const writer = new BatchWriter(async () => {
      throw new Error('database went away');
    }, 10);
    await writer.add(page(0, 10));
    await expect(writer.add(page(10, 10))).rejects.toThrow('database went away');
  });
});
