import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The README's code blocks are regions of packages/sdk/examples/*.ts, which strict tsc compiles
// against the SDK's source (examples/tsconfig.json); examples/context.d.ts declares what they
// take as given (a client, your own functions).

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const sdkDir = path.join(repoRoot, 'packages/sdk');
const examplesDir = path.join(sdkDir, 'examples');
const tscBin = path.join(repoRoot, 'node_modules/typescript/bin/tsc');

// Compared without trailing blank lines, which the formatter may put before `// #endregion`.
const codeBlocks = (markdown: string) =>
  [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').trimEnd());
const regions = (source: string) =>
  [...source.matchAll(/\/\/ #region readme\n([\s\S]*?)\/\/ #endregion\n/g)].map((m) => (m[1] ?? '').trimEnd());

async function exampleRegions(): Promise<Map<string, string>> {
  const byRegion = new Map<string, string>();
  for (const file of (await readdir(examplesDir)).filter((name) => /(?<!\.d)\.ts$/.test(name))) {
    for (const region of regions(await readFile(path.join(examplesDir, file), 'utf8'))) byRegion.set(region, file);
  }
  return byRegion;
}

async function tsc(project: string) {
  return run(process.execPath, [tscBin, '-p', project, '--noEmit', '--pretty', 'false'], { cwd: sdkDir }).then(
    (result) => ({ code: 0, output: result.stdout + result.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: error.stdout + error.stderr,
    }),
  );
}

let scratch: string | undefined;
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the SDK README', () => {
  it('shows only code from examples/, word for word, and every example', async () => {
    const blocks = codeBlocks(await readFile(path.join(sdkDir, 'README.md'), 'utf8'));
    const examples = await exampleRegions();
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    for (const block of blocks) {
      expect(examples.has(block), `README block not in examples/*.ts:\n${block}`).toBe(true);
    }
    expect([...examples.keys()].filter((region) => !blocks.includes(region))).toEqual([]);
  });

  it('has examples that type-check with strict tsc', async () => {
    const result = await tsc(path.join(examplesDir, 'tsconfig.json'));
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);

  it('would catch an example that no longer fits the API', async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'takst-readme-'));
    await writeFile(
      path.join(scratch, 'stale.ts'),
      "const page = await takst.assignments.list.toArray({ state: 'received' }, { max: 5 });\nexport { page };\n",
    );
    await writeFile(
      path.join(scratch, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(examplesDir, 'tsconfig.json'),
        include: [],
        files: [path.join(examplesDir, 'context.d.ts'), path.join(scratch, 'stale.ts')],
      }),
    );
    const result = await tsc(path.join(scratch, 'tsconfig.json'));
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/stale\.ts\(1,\d+\): error TS2353: Object literal may only specify known properties/);
  }, 120_000);
});
