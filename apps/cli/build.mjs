// Bundles the CLI into one self-contained file, dist/takst.js: the SDK from its source and its
// own dependencies (@trpc/client, eventsource) included, so `takst` starts without resolving a
// package tree and runs wherever Node.js 20.19+ does. The build fails if anything of the server
// side (API, database, ORM, zod, pg, express) reaches the bundle.
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cliDir = path.dirname(fileURLToPath(import.meta.url));
const sdkSource = path.resolve(cliDir, '../../packages/sdk/src/index.ts');
process.chdir(cliDir);

await rm('dist', { recursive: true, force: true });

const result = await build({
  entryPoints: ['src/takst.ts'],
  outfile: 'dist/takst.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  banner: { js: '#!/usr/bin/env node' },
  alias: { '@takst/sdk': sdkSource },
  metafile: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});

const forbidden = /packages\/(api|db)\/|apps\/server\/|node_modules\/(zod|pg|express|@mikro-orm|knex)\//;
const reached = Object.keys(result.metafile.inputs).filter((input) => forbidden.test(input));
if (reached.length > 0) {
  console.error('dist/takst.js must be built on @takst/sdk alone, but it reaches:', reached);
  process.exit(1);
}
await chmod('dist/takst.js', 0o755);
