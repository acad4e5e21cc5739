import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real servers and Chromium; two cores do not gain from more forks.
    pool: 'forks',
    maxWorkers: 2,
    // The AWS SDK's notice about its 2027 Node 22 requirement would repeat in every worker.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
