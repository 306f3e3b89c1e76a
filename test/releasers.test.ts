import { describe, expect, it } from 'vitest';
import { Releasers } from '../src/releasers.ts';

describe('Releasers', () => {
  it('releases in reverse order of acquisition, once', async () => {
    const order: string[] = [];
    const r = new Releasers();
    r.push(() => void order.push('database'));
    r.push(async () => void order.push('x'));
    r.push(() => void order.push('web'));
    await r.release();
    expect(order).toEqual(['web', 'x', 'database']);
    await r.release();
    expect(order).toHaveLength(3);
    expect(r.size).toBe(0);
  });

  it('runs every release when one throws, and throws that error afterwards', async () => {
    const order: string[] = [];
    const r = new Releasers();
    r.push(() => void order.push('database'));
    r.push(() => {
      throw new Error('web server would not close');
    });
    await expect(r.release()).rejects.toThrow('web server would not close');
    expect(order).toEqual(['database']);
  });

  it('aggregates several errors, in the order they happened', async () => {
    const r = new Releasers();
    let closed = false;
    r.push(() => void (closed = true));
    r.push(() => Promise.reject(new Error('x door')));
    r.push(() => {
      throw new Error('web');
    });
    const error = await r.release('stopping').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['web', 'x door']);
    expect((error as AggregateError).message).toBe('stopping failed in 2 places: web; x door');
    expect(closed).toBe(true);
  });
});
