import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the tests against a real control plane (test/cluster/). Each file starts
 * its own plane in beforeAll and stops it in afterAll, on its own ports and directories, so files
 * are independent. Two run at a time: most of a file's time is spent waiting (rollouts at kwok's
 * pace, controllers' resync, CLI start-up), so a second file uses the cores the first leaves idle
 * on a two-core machine; more would only queue the planes' servers behind each other.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.test.ts'],
    fileParallelism: true,
    maxWorkers: 2,
    // Start-up of a plane (a few seconds when idle) can take minutes on a loaded machine; rollouts
    // wait on kwok's stage delays.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
  },
});
