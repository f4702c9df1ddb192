// Builds dist/ for the two entries, `@takst/sdk` (src/index.ts, for any runtime) and
// `@takst/sdk/node` (src/node.ts, Node.js only): ESM and CJS bundles of each (only the
// dependencies, @trpc/* and eventsource, stay external) and one bundled declaration file each,
// written twice (.d.ts for import, .d.cts for require) so both resolutions get a match.
//
// The router's type is taken from declarations that tsc emits for @takst/api: those name only
// what the router's type needs, so the bundle never walks into the ORM or the server.
import { execFileSync } from 'node:child_process';
import { copyFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const sdkDir = path.resolve(fileURLToPath(import.meta.url), '../..');
const packagesDir = path.resolve(sdkDir, '..');
const apiTypesDir = path.join(sdkDir, '.build/api-types');
process.chdir(sdkDir);

await rm('dist', { recursive: true, force: true });
await rm(apiTypesDir, { recursive: true, force: true });

const entries = [
  { name: 'index', platform: 'neutral' },
  { name: 'node', platform: 'node' },
];
for (const entry of entries) {
  for (const format of ['esm', 'cjs']) {
    await build({
      entryPoints: [`src/${entry.name}.ts`],
      outfile: `dist/${entry.name}.${format === 'esm' ? 'js' : 'cjs'}`,
      bundle: true,
      format,
      platform: entry.platform,
      target: entry.platform === 'node' ? 'node20' : 'es2022',
      external: ['@trpc/*', 'eventsource'],
      sourcemap: true,
      logLevel: 'warning',
    });
  }
}

// The main entry runs in browsers and edge runtimes: nothing of Node.js may reach it.
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  const nodeImport = /(?:from\s*|require\(|import\()\s*['"](node:[^'"]+)['"]/.exec(await readFile(file, 'utf8'));
  if (nodeImport) {
    console.error(`${file} imports ${nodeImport[1]}: Node.js-only code belongs in src/node.ts (@takst/sdk/node)`);
    process.exit(1);
  }
}

const tsc = path.join(packagesDir, '../node_modules/typescript/bin/tsc');
execFileSync(
  process.execPath,
  [tsc, '-p', path.join(packagesDir, 'api/tsconfig.types.json'), '--outDir', apiTypesDir],
  {
    stdio: 'inherit',
  },
);

/** Workspace imports resolve to emitted declarations (api) or zod-free sources (contract). */
const workspaceTypes = {
  name: 'workspace-types',
  resolveId(source) {
    if (source === '@takst/api/router-type') return path.join(apiTypesDir, 'router-type.d.ts');
    const contract = /^@takst\/contract\/(enums|errors|event-types|identifiers|lifecycle)$/.exec(source);
    if (contract) return path.join(packagesDir, `contract/src/${contract[1]}.ts`);
    if (source.startsWith('@takst/')) this.error(`the SDK's types may not reach ${source}`);
    return null;
  },
};

for (const entry of entries) {
  const bundle = await rollup({
    input: `src/${entry.name}.ts`,
    external: [/^@trpc\//],
    plugins: [workspaceTypes, dts({ tsconfig: 'tsconfig.json' })],
  });
  await bundle.write({ file: `dist/${entry.name}.d.ts`, format: 'es' });
  await bundle.close();
  await copyFile(`dist/${entry.name}.d.ts`, `dist/${entry.name}.d.cts`);

  // The published types may import @trpc/* and nothing else: not even node:*, which would make
  // every consumer install @types/node.
  const declarations = await readFile(`dist/${entry.name}.d.ts`, 'utf8');
  const imports = [...declarations.matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
  const foreign = imports.filter((specifier) => !specifier.startsWith('@trpc/'));
  const code = declarations.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const forbidden = /@mikro-orm|\bexpress\b|['"]pg['"]|@takst\/|knex|\bzod\b|EntityManager/i.exec(code);
  if (foreign.length > 0 || forbidden) {
    console.error(`dist/${entry.name}.d.ts reaches outside @trpc/*:`, foreign, forbidden?.[0]);
    process.exit(1);
  }
}
