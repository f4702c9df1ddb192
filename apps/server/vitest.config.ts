import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests use the SDK's source; the packed, built SDK is tested on its own in sdk-package.test.ts.
    alias: { '@takst/sdk': fileURLToPath(new URL('../../packages/sdk/src/index.ts', import.meta.url)) },
  },
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on PostgreSQL, a browser or a server process of its
    // own; vitest's default (one file per core but one) ran this suite one file at a time on the
    // 2-core CI machine. Each file has its own database, so files do not meet, but they share
    // PostgreSQL's 100 connections: three files at once ran out of them (before the test servers'
    // small pools, TEST_POOLS in test/support/database.ts); two peaked at 94 without those pools.
    maxWorkers: 2,
  },
});
