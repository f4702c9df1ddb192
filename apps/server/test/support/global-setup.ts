import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '@takst/api';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/embedded-postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL with rights to create databases; each test file makes its own. */
    adminDatabaseUrl: string;
  }
}

const serverDir = fileURLToPath(new URL('../..', import.meta.url));
export const repoRoot = path.resolve(serverDir, '../..');

/**
 * Uses DATABASE_URL when set (CI: the PostgreSQL service on 5432); otherwise starts one embedded
 * PostgreSQL for the whole run. Also builds dist/main.js, which the process-level tests spawn.
 */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['build.mjs'], { cwd: serverDir, stdio: 'inherit' });
  if (process.env.DATABASE_URL) {
    project.provide('adminDatabaseUrl', process.env.DATABASE_URL);
    return;
  }
  // Under the repo, not in a 0700 temp folder: the postgres user must be able to reach it.
  const dataDir = path.join(repoRoot, '.data', `test-${process.pid}`);
  const embedded = await startEmbeddedPostgres(path.join(dataDir, 'postgres'), silentLogger);
  project.provide('adminDatabaseUrl', embedded.url);
  return async () => {
    await embedded.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
