// The swap drill as `npm run drill` runs it (its own platform process on a database of its own),
// at N=40: every line of its report must pass.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject, it, onTestFinished } from 'vitest';
// Its `ProvidedContext` declaration (the admin database URL).
import type {} from '../../../server/test/support/global-setup';
import type { DrillReport } from '../drill/report';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

it('swaps booking tool A for B at N=40 with every check passing', { timeout: 180_000 }, async () => {
  const reportDir = mkdtempSync(path.join(tmpdir(), 'drill-test-'));
  onTestFinished(() => rmSync(reportDir, { recursive: true, force: true }));
  const reportFile = path.join(reportDir, 'report.json');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'drill/main.ts', '--n', '40', '--report-json', reportFile],
    {
      cwd: packageDir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: inject('adminDatabaseUrl') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as DrillReport;

  const failed = report.lines.filter((line) => !line.pass);
  expect(failed, output).toEqual([]);
  expect(code, output).toBe(0);
  expect(report.passed).toBe(true);
  // The checks the drill promises, each present (not just "no failures").
  for (const check of [
    'both sides agree',
    'backfill at connector B',
    'backfill run again',
    'whole reschedule history',
    "Planly's move log",
    'every Planly id still resolves',
    "notes of A's time",
    "status changes of A's time",
    'one scheduled appointment per open inspection',
    'closed before the switch',
    'two references of one system',
    "A's revoked API key is refused",
  ]) {
    expect(
      report.lines.some((line) => line.check.includes(check)),
      check,
    ).toBe(true);
  }
  expect(output).toContain('| check');
  expect(report.seconds).toBeLessThan(60);
});
