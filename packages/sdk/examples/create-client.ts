// #region readme
import { createTakstClient } from '@takst/sdk';

const takst = createTakstClient({
  baseUrl: 'https://takst.example.no', // the platform; /trpc is added
  apiKey: process.env.TAKST_API_KEY ?? '', // tk_...
  // optional:
  headers: { 'x-request-id': 'import-2026-11-27' }, // or a (async) function returning headers
  fetch: globalThis.fetch, // any fetch implementation
  maxRetries: 2, // the default; 0 turns retries off
  timeoutMs: 10_000, // per attempt; no limit by default
});

// #endregion
export { takst };
