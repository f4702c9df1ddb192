import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import serverSetup from '../../../server/test/support/global-setup';

const cliDir = fileURLToPath(new URL('../..', import.meta.url));

/** Builds dist/takst.js, which the process-level tests spawn, then the server's setup: a PostgreSQL. */
export default async function setup(project: TestProject) {
  execFileSync(process.execPath, ['build.mjs'], { cwd: cliDir, stdio: 'inherit' });
  return serverSetup(project);
}
