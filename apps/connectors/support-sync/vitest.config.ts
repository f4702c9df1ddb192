import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const sdkSource = (file: string) => fileURLToPath(new URL(`../../../packages/sdk/src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    // The SDK's source, not its last build; exact matches, so `@takst/sdk/node` finds its own entry.
    alias: [
      { find: /^@takst\/sdk$/, replacement: sdkSource('index.ts') },
      { find: /^@takst\/sdk\/node$/, replacement: sdkSource('node.ts') },
    ],
  },
  test: {
    globalSetup: ['../../server/test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
