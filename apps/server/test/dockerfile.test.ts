import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from './support/global-setup';

// The image cannot be built on the test machine (no Docker engine); this keeps its one
// hand-kept list honest.
it("copies every workspace's package.json into the image's manifests stage", () => {
  const { workspaces } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const manifests = workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [`${pattern}/package.json`];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(repoRoot, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${parent}/${entry.name}/package.json`)
      .filter((file) => {
        try {
          return readFileSync(path.join(repoRoot, file)).length > 0;
        } catch {
          return false;
        }
      });
  });
  const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
  const copied = [...dockerfile.matchAll(/^COPY (\S+\/package\.json) /gm)].map((match) => match[1]);
  expect(copied.sort()).toEqual(manifests.sort());
});
