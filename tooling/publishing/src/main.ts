// `npm run api:check` fails when the SDK's API report or the OpenAPI snapshot differs from what
// is committed; `npm run api:accept` writes the new ones for review in the same commit.
// See docs/publishing.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, REPO_ROOT, SDK_DIR } from './artifacts';
import { compareWithCommitted, type Difference } from './compare';

const DIFF_LINES_SHOWN = 120;
const mode = process.argv[2];
if (mode !== 'check' && mode !== 'accept') {
  console.error('usage: tsx src/main.ts check|accept');
  process.exit(2);
}

// The reports are read from the SDK's build; turbo skips it when the sources did not change.
try {
  execFileSync('npx', ['turbo', 'run', 'build', '--filter=@takst/sdk', '--output-logs=errors-only'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', process.stderr, process.stderr],
  });
} catch {
  console.error('api gate: the SDK does not build (see above); the reports are made from its build');
  process.exit(1);
}

const differences: Difference[] = [];
const changedParts = new Map<string, string[]>();
for (const artifact of ARTIFACTS) {
  const rendered = artifact.render(SDK_DIR);
  if (mode === 'accept') {
    const target = path.join(REPO_ROOT, artifact.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, rendered);
    console.log(`wrote ${artifact.file}`);
    continue;
  }
  const difference = compareWithCommitted(REPO_ROOT, artifact.file, rendered);
  if (difference) {
    differences.push(difference);
    const parts = artifact.changedParts?.(difference.committed, rendered) ?? [];
    if (parts.length > 0) changedParts.set(artifact.file, parts);
  }
}

if (mode === 'check') {
  if (differences.length === 0) {
    console.log(`api gate: the SDK's API report and the OpenAPI snapshot match the code (${ARTIFACTS.length} files)`);
  } else {
    for (const difference of differences) {
      const lines = difference.diff.split('\n');
      console.error(`\n${difference.file}: +${difference.addedLines} −${difference.removedLines} lines`);
      const parts = changedParts.get(difference.file);
      if (parts) console.error(`changed: ${parts.join(', ')}`);
      console.error(lines.slice(0, DIFF_LINES_SHOWN).join('\n'));
      if (lines.length > DIFF_LINES_SHOWN) {
        console.error(`… ${lines.length - DIFF_LINES_SHOWN} more lines: .build/api-gate/${difference.file}`);
      }
    }
    const mayBreak = differences.some((difference) => difference.removedLines > 0);
    console.error(
      [
        '',
        `api gate: the public API changed in ${differences.map((d) => d.file).join(', ')}.`,
        mayBreak
          ? 'Lines were removed or rewritten: callers may break. Check the change against the semver policy in docs/publishing.md and say so in a changeset (npx changeset).'
          : 'Only additions: a minor change for the packages that ship it (npx changeset).',
        'When the change is intended: npm run api:accept, and commit the reports with it.',
      ].join('\n'),
    );
    process.exit(1);
  }
}
