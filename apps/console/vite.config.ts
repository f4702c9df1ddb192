import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Where `npm run dev` sends API calls: the server started beside it (npm run dev -w @takst/server).
const server = process.env.TAKST_SERVER_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // The SDK's source rather than its last build, as in tsconfig.json.
    alias: { '@takst/sdk': fileURLToPath(new URL('../../packages/sdk/src/index.ts', import.meta.url)) },
  },
  build: { outDir: 'dist', sourcemap: true, target: 'es2022' },
  server: {
    port: 5173,
    proxy: { '/trpc': server, '/auth': server, '/api': server },
  },
});
