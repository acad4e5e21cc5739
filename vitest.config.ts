import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and Chromium; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
  },
});
