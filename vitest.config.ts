import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The cluster tests start a control plane each: `npm run test:cluster` (vitest.cluster.config.ts).
    exclude: ['test/**/*.cluster.test.ts', 'node_modules/**'],
    // Tests that start real servers or run promtool need more than the default 5 s on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
