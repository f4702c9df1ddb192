import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // The SDK's source, not its last build.
    alias: { '@takst/sdk': fileURLToPath(new URL('../../../packages/sdk/src/index.ts', import.meta.url)) },
  },
  test: {
    globalSetup: ['../../server/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
