/**
 * Weighted choice with the cumulative weights computed once: `Rng.weighted` sums the weights on
 * every call, which shows up when a million users each pick a trade, a year and a place.
 */
import type { Rng } from '../rng.ts';

export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) throw new Error('WeightedTable: items and weights must be non-empty and of equal length');
    this.items = items;
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => {
      if (!(w >= 0)) throw new Error(`WeightedTable: weight ${i} is ${w}`);
      sum += w;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  pick(rng: Rng): T {
    const r = rng.next() * this.total;
    const c = this.cumulative;
    // Binary search for the first cumulative weight above r.
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((c[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}
