/**
 * X user ids. Accounts created before mid-2016 got sequential 32-bit-era ids (jack is 12, a 2009
 * account is ~56 million, a 2013 one ~1.9 billion); later ones get 64-bit snowflakes whose high
 * bits are the creation time. We interpolate the old ids between known points and build the
 * snowflakes from the creation time and the user's index, so ids are realistic and unique.
 */

import { snowflake } from '../ids.ts';

/** The population's "now": accounts are created up to a few days before it. */
export const POPULATION_NOW = Date.UTC(2026, 10, 1);

/** Accounts created from here on get snowflake ids. */
const SNOWFLAKE_FROM = Date.UTC(2016, 4, 1);

/** (creation time, id) points of the sequential era, from public accounts of those dates. */
const ANCHORS: ReadonlyArray<readonly [number, number]> = [
  [Date.UTC(2006, 2, 21), 12],
  [Date.UTC(2007, 0, 1), 500_000],
  [Date.UTC(2008, 0, 1), 11_000_000],
  [Date.UTC(2009, 0, 1), 18_500_000],
  [Date.UTC(2009, 6, 13), 56_321_478],
  [Date.UTC(2010, 0, 1), 100_000_000],
  [Date.UTC(2011, 0, 1), 230_000_000],
  [Date.UTC(2012, 1, 1), 480_604_244],
  [Date.UTC(2013, 0, 1), 1_100_000_000],
  [Date.UTC(2013, 9, 8), 1_945_909_922],
  [Date.UTC(2014, 5, 1), 2_550_000_000],
  [Date.UTC(2015, 0, 1), 2_950_000_000],
  [Date.UTC(2015, 8, 1), 3_700_000_000],
  [SNOWFLAKE_FROM, 4_900_000_000],
];

function sequentialId(createdAt: number): number {
  for (let i = 1; i < ANCHORS.length; i++) {
    const [t1, id1] = ANCHORS[i] as readonly [number, number];
    if (createdAt <= t1 || i === ANCHORS.length - 1) {
      const [t0, id0] = ANCHORS[i - 1] as readonly [number, number];
      const f = Math.max(0, Math.min(1, (createdAt - t0) / (t1 - t0)));
      return Math.max(1, Math.floor(id0 + f * (id1 - id0)));
    }
  }
  return 1;
}

/**
 * Hands out unique ids in index order. Snowflakes carry the index in their 22 low bits (where X
 * keeps worker and sequence numbers), so they are unique for up to 4,194,304 users; sequential
 * ids that collide are bumped to the next free number.
 */
export class UserIdAllocator {
  private readonly sequentialTaken = new Set<number>();

  next(createdAt: number, index: number): string {
    if (createdAt >= SNOWFLAKE_FROM) {
      return snowflake(createdAt, index);
    }
    let id = sequentialId(createdAt);
    while (this.sequentialTaken.has(id)) id++;
    this.sequentialTaken.add(id);
    return String(id);
  }
}
