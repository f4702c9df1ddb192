import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cliDir = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let workDir: string;
let tarball: string;
let packedFiles: string[];

beforeAll(async () => {
  // Outside the workspace, so the installed command resolves nothing through the monorepo.
  workDir = await mkdtemp(path.join(tmpdir(), 'takst-cli-'));
  // No build first: `npm pack` runs the package's prepack, which builds dist/takst.js.
  const packed = await run(npm, ['pack', '--json', '--pack-destination', workDir], { cwd: cliDir });
  const [result] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(workDir, result?.filename ?? '');
  packedFiles = (result?.files ?? []).map((file) => file.path).sort();
  await writeFile(path.join(workDir, 'package.json'), JSON.stringify({ name: 'cli-user', private: true }));
  await run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: workDir });
}, 180_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('the packed @takst/cli', () => {
  it('holds the launcher, the one-file build, the README and the changelog', () => {
    expect(packedFiles).toEqual([
      'CHANGELOG.md',
      'README.md',
      'bin/takst.js',
      'dist/takst.js',
      'dist/takst.js.map',
      'package.json',
    ]);
  });

  it('installs from its tarball with nothing beside it and runs as `takst`', async () => {
    const manifest = JSON.parse(await readFile(path.join(cliDir, 'package.json'), 'utf8')) as { version: string };
    const takst = path.join(workDir, 'node_modules/.bin/takst');
    const { stdout } = await run(takst, ['--version'], { cwd: workDir });
    expect(stdout.trim()).toBe(manifest.version);
    const lock = JSON.parse(await readFile(path.join(workDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, unknown>;
    };
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/@takst/cli']);
  });

  it('answers --help without a server', async () => {
    const takst = path.join(workDir, 'node_modules/.bin/takst');
    const { stdout } = await run(takst, ['--help'], { cwd: workDir });
    expect(stdout).toMatch(/takst <command> --help/);
  });
});
