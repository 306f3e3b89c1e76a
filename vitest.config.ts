import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * `npm run test:unit` (part of `npm test`): every suite but the slow ones, which start processes
 * and run for minutes (`*.slow.test.ts`: `npm run test:slow`, vitest.slow.config.ts). Both run on
 * PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
export const SLOW_TESTS = 'test/**/*.slow.test.ts';

/** What both runs share. */
export const common: NonNullable<ViteUserConfig['test']> = {
  // PGlite databases made once, loaded by each suite (test/support/global-setup.ts).
  globalSetup: ['test/support/global-setup.ts'],
  // Prints the seed a failing test ran with (test/support/seed.ts).
  setupFiles: ['test/support/setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
  pool: 'forks',
  // Two test files at once even on 2 cores (vitest's default there is one): many tests wait on
  // PostgreSQL, HTTP or a timer rather than on the CPU.
  maxWorkers: 2,
};

export default defineConfig({
  test: { ...common, include: ['test/**/*.test.ts'], exclude: [SLOW_TESTS] },
});
