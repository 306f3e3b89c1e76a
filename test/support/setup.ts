import { beforeEach } from 'vitest';
import { DEFAULT_TEST_SEED, TEST_SEED } from './seed.ts';

// Every test file (vitest setupFiles): a failing test says which seed it ran with, and how to run
// it again with the same one.
beforeEach(({ task, onTestFailed }) => {
  onTestFailed(() => {
    const how = TEST_SEED === DEFAULT_TEST_SEED ? 'the default seed' : 'PROSPECTOR_TEST_SEED';
    console.error(`"${task.name}" failed with test seed ${TEST_SEED} (${how}); PROSPECTOR_TEST_SEED=${TEST_SEED} runs it with the same one`);
  });
});
