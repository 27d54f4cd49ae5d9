import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native bridge does not like worker threads.
    pool: 'forks',
    setupFiles: ['test/setup/quiet-temporal.ts'],
    testTimeout: 60_000,
    // Starting real servers (and bundling workflows) on a busy 2-core machine takes a while.
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
