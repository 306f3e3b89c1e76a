import { defineConfig } from 'vitest/config';
import { common, SLOW_TESTS } from './vitest.config.ts';

/**
 * `npm run test:slow`: the suites that start Prospector as separate processes and run for
 * minutes — engage processes killed at random moments, three workers on one PostgreSQL database,
 * `npm start` on a fresh clone. CI runs them after `npm test`.
 */
export default defineConfig({
  test: { ...common, include: [SLOW_TESTS] },
});
