import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** A new temporary folder, removed after the file's tests; call it while tests are collected. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `takst-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
