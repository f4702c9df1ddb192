// Bundles the CLI into one self-contained file, dist/takst.js: the SDK from its source and its
// own dependencies (@trpc/client, eventsource) included, so `takst` starts without resolving a
// package tree and runs wherever Node.js 20.19+ does. The build fails if anything of the server
// side (API, database, ORM, zod, pg, express) reaches the bundle.
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const cliDir = path.dirname(fileURLToPath(import.meta.url));
const sdkSource = path.resolve(cliDir, '../../packages/sdk/src/index.ts');
process.chdir(cliDir);

const result = await build({
  absWorkingDir: cliDir,
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
  write: false,
  logLevel: 'warning',
});

const forbidden = /packages\/(api|db)\/|apps\/server\/|node_modules\/(zod|pg|express|@mikro-orm|knex)\//;
const reached = Object.keys(result.metafile.inputs).filter((input) => forbidden.test(input));
if (reached.length > 0) {
  console.error('dist/takst.js must be built on @takst/sdk alone, but it reaches:', reached);
  process.exit(1);
}
// Each file replaces the old one by a rename: a `takst` started during a rebuild (`npm pack`
// runs one while the tests spawn the command) reads the old build or the new, never half of one.
await mkdir('dist', { recursive: true });
for (const output of result.outputFiles) {
  const temporary = `${output.path}.${process.pid}.tmp`;
  await writeFile(temporary, output.contents);
  if (output.path.endsWith('.js')) await chmod(temporary, 0o755);
  await rename(temporary, output.path);
}
