import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that start real servers or run promtool need more than the default 5 s on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
