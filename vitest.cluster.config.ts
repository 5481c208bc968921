import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the tests against a real control plane (test/cluster/). Each file starts
 * its own plane in beforeAll and stops it in afterAll; files run one at a time, since each plane
 * is five servers on a machine of two cores.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.cluster.test.ts'],
    fileParallelism: false,
    // Start-up of a plane (a few seconds when idle) can take minutes on a loaded machine; rollouts
    // wait on kwok's stage delays.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    teardownTimeout: 120_000,
  },
});
