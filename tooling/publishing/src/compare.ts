// Compares a rendered artifact with the committed one and describes the difference.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface Difference {
  file: string;
  /** Unified diff, committed → rendered. */
  diff: string;
  /** Lines the change takes away or rewrites: each one may break a caller. */
  removedLines: number;
  addedLines: number;
  /** The committed text ('' when there is none), for naming what changed. */
  committed: string;
}

/** null when the rendered text is what is committed. */
export function compareWithCommitted(repoRoot: string, file: string, rendered: string): Difference | null {
  const committedPath = path.join(repoRoot, file);
  const committed = existsSync(committedPath) ? readFileSync(committedPath, 'utf8') : '';
  if (committed === rendered) return null;

  const renderedPath = path.join(repoRoot, '.build/api-gate', file);
  mkdirSync(path.dirname(renderedPath), { recursive: true });
  writeFileSync(renderedPath, rendered);
  if (!existsSync(committedPath)) {
    return {
      file,
      diff: `(not committed yet; rendered to .build/api-gate/${file})`,
      removedLines: 0,
      addedLines: 0,
      committed,
    };
  }
  const diff = unifiedDiff(committedPath, renderedPath);
  const changed = diff.split('\n').filter((line) => !line.startsWith('---') && !line.startsWith('+++'));
  return {
    file,
    diff,
    removedLines: changed.filter((line) => line.startsWith('-')).length,
    addedLines: changed.filter((line) => line.startsWith('+')).length,
    committed,
  };
}

function unifiedDiff(from: string, to: string): string {
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', '--unified=3', from, to], { encoding: 'utf8' });
    return '';
  } catch (error) {
    // `git diff --no-index` exits 1 when the files differ; its output is the diff.
    const output = (error as { stdout?: string }).stdout;
    if (typeof output === 'string' && output.length > 0) return output;
    return `(no diff tool: compare ${from} with ${to})\n`;
  }
}
