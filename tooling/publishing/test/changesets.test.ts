import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/artifacts';

const run = promisify(execFile);
const changesetBin = path.join(REPO_ROOT, 'node_modules/@changesets/cli/bin.js');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  workspaces?: string[];
}
const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));

/** The workspace folders the root package.json names, as npm finds them. */
function workspaceFolders(): string[] {
  return (manifestOf(REPO_ROOT).workspaces ?? []).flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const parent = glob.slice(0, -2);
    return readdirSync(path.join(REPO_ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(REPO_ROOT, parent, entry.name, 'package.json')))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

// What `changeset version` reads and writes: the manifests, the changelogs and .changeset/,
// copied to a scratch folder so the repository is left as it is.
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'takst-changesets-'));
  cpSync(path.join(REPO_ROOT, '.changeset'), path.join(scratch, '.changeset'), { recursive: true });
  for (const folder of ['.', ...workspaceFolders()]) {
    mkdirSync(path.join(scratch, folder), { recursive: true });
    for (const file of ['package.json', 'CHANGELOG.md']) {
      const source = path.join(REPO_ROOT, folder, file);
      if (existsSync(source)) cpSync(source, path.join(scratch, folder, file));
    }
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('versions through changesets', () => {
  it('publishes only @takst/sdk and @takst/cli; every other workspace is private', () => {
    const published = workspaceFolders()
      .map((folder) => manifestOf(path.join(REPO_ROOT, folder)))
      .filter((manifest) => !manifest.private)
      .map((manifest) => manifest.name)
      .sort();
    expect(published).toEqual(['@takst/cli', '@takst/sdk']);
  });

  it('turns a changeset into a new version and a CHANGELOG entry, and leaves private packages alone', async () => {
    const sdkBefore = manifestOf(path.join(scratch, 'packages/sdk')).version;
    const serverBefore = manifestOf(path.join(scratch, 'apps/server')).version;
    writeFileSync(
      path.join(scratch, '.changeset/new-filter.md'),
      "---\n'@takst/sdk': minor\n---\n\n**Breaking:** `assignments.list` no longer takes `pageSize`; use `limit`.\n",
    );

    await run(process.execPath, [changesetBin, 'version'], { cwd: scratch });

    const sdk = manifestOf(path.join(scratch, 'packages/sdk'));
    const [major, minor] = sdkBefore.split('.').map(Number);
    expect(sdk.version).toBe(`${major}.${Number(minor) + 1}.0`);
    const changelog = readFileSync(path.join(scratch, 'packages/sdk/CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(`## ${sdk.version}`);
    expect(changelog).toContain('**Breaking:** `assignments.list` no longer takes `pageSize`; use `limit`.');
    expect(manifestOf(path.join(scratch, 'apps/server')).version).toBe(serverBefore);
    expect(existsSync(path.join(scratch, '.changeset/new-filter.md'))).toBe(false);
  }, 60_000);
});
