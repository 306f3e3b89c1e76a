import { Rng } from '../../src/sandbox/rng.ts';

/**
 * The seed of every random choice the tests make (when to kill a process, generated inputs): fixed,
 * so that a run does what the last one did. `PROSPECTOR_TEST_SEED=<n>` draws other choices; a
 * failing test prints the seed it ran with (test/support/setup.ts), and that seed replays it.
 */
export const DEFAULT_TEST_SEED = 20_261_102;

export const TEST_SEED = parseSeed(process.env.PROSPECTOR_TEST_SEED);

function parseSeed(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_TEST_SEED;
  const seed = Number(value);
  if (!/^\d+$/.test(value.trim()) || seed > 2 ** 32 - 1) throw new Error(`PROSPECTOR_TEST_SEED: expected a whole number from 0 to 4294967295, got ${JSON.stringify(value)}`);
  return seed;
}

/**
 * A generator in [0, 1) for one purpose, from the test seed and that purpose's name (the sandbox's
 * generator): a draw added for one purpose does not change another's.
 */
export function seededRandom(purpose: string, seed: number = TEST_SEED): () => number {
  const rng = new Rng(seed, purpose);
  return () => rng.next();
}
