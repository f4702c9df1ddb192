import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Assignment, TakstClient } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/support/server';
import { runCli, startCli } from './support/cli-process';
import { CSV_HEADER, csvRows } from './support/fake-platform';
import { tempDir } from './support/temp';

let server: TestServer;
let env: Record<string, string>;
const dir = tempDir('cli');

beforeAll(async () => {
  server = await startTestServer();
  env = { TAKST_URL: server.url, TAKST_API_KEY: server.adminKey };
});
afterAll(() => server?.close());

function inputFile(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function allAssignments(client: TakstClient): Promise<Assignment[]> {
  const all: Assignment[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.assignments.list.query({ limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

/** Assignments per street, the street being unique per row of a test's file. */
async function countsByStreet(prefix: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const assignment of await allAssignments(server.admin)) {
    const street = assignment.property.address.street;
    if (street.startsWith(prefix)) counts.set(street, (counts.get(street) ?? 0) + 1);
  }
  return counts;
}

/**
 * Rows keyed <system>/E-<n> on streets "<street> <n>", in a municipality of their own: a property
 * is matched by its cadastre number, so files must not share them.
 */
function rows(count: number, system: string, street: string, municipality: string): string[] {
  return csvRows(count).map((row) =>
    row
      .replace(/^crm,/, `${system},`)
      .replace(/Storgata (\d+)/, `${street} $1`)
      .replace(',0301,', `,${municipality},`),
  );
}

async function doneBatches(stateFile: string): Promise<number> {
  try {
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { doneBelow: number; doneAbove: number[] };
    return state.doneBelow + state.doneAbove.length;
  } catch {
    return 0;
  }
}

async function untilBatchesDone(stateFile: string, atLeast: number, exited: Promise<unknown>) {
  let ended = false;
  void exited.then(() => {
    ended = true;
  });
  while (!ended && (await doneBatches(stateFile)) < atLeast) await sleep(10);
  if (ended) throw new Error('the import ended before it could be stopped');
}

/** A URL where nothing listens. */
async function closedUrl(): Promise<string> {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('takst import and export against the platform', () => {
  it('imports a CSV with bad rows: each error with its line number, the good rows in', async () => {
    const lines = rows(6, 'bad-rows', 'Badgata', '1101');
    lines[1] = lines[1]?.replace(',0155,', ',01X5,') ?? '';
    lines[4] = lines[4]?.replace('condition_report', 'castle') ?? '';
    const file = inputFile('bad-rows.csv', [CSV_HEADER, ...lines]);

    const result = await runCli(['import', file, '--json'], env);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3: postal_code must be 4 digits, not "01X5"');
    expect(result.stderr).toContain('line 6: type must be one of');
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 6, invalid: 2, created: 4, failed: 0 });
    const counts = await countsByStreet('Badgata');
    expect([...counts.keys()].sort()).toEqual(['Badgata 1', 'Badgata 3', 'Badgata 4', 'Badgata 6']);
    expect(readFileSync(`${file}.failures.csv`, 'utf8')).toContain('3,"postal_code must be 4 digits');
  });

  it('stops on Ctrl-C, is killed halfway through a resume, and resumes again: every row exactly once', async () => {
    const total = 2000;
    const file = inputFile('resume.csv', [CSV_HEADER, ...rows(total, 'resume', 'Resumegata', '1102')]);
    const stateFile = `${file}.takst-import.json`;
    const args = ['import', file, '--batch-size', '20', '--concurrency', '2', '--json', '--quiet'];

    const interrupted = startCli(args, env);
    await untilBatchesDone(stateFile, 10, interrupted.exited);
    interrupted.child.kill('SIGINT');
    expect(await interrupted.exited).toBe(130);
    expect(interrupted.stderr()).toContain('run again with --resume to continue');
    const afterInterrupt = await doneBatches(stateFile);
    expect(afterInterrupt).toBeLessThan(total / 20);

    const killed = startCli([...args, '--resume'], env);
    await untilBatchesDone(stateFile, afterInterrupt + 20, killed.exited);
    killed.child.kill('SIGKILL');
    await killed.exited;
    expect(await doneBatches(stateFile)).toBeLessThan(total / 20);

    const resumed = await runCli([...args, '--resume'], env);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({ rows: total, created: total, failed: 0, interrupted: false, error: null });
    expect(summary.resumedBatches).toBeGreaterThanOrEqual(afterInterrupt);
    expect(existsSync(stateFile)).toBe(false);

    const counts = await countsByStreet('Resumegata');
    expect(counts.size).toBe(total);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('exports to CSV and NDJSON, and both import back unchanged', async () => {
    const file = inputFile('round-trip.csv', [CSV_HEADER, ...rows(300, 'round-trip', 'Rundgata', '1103')]);
    expect((await runCli(['import', file, '--quiet'], env)).code).toBe(0);
    const before = (await allAssignments(server.admin)).length;

    const csv = path.join(dir, 'export.csv');
    const exported = await runCli(['export', '--municipality', '1103', '-o', csv, '--page-size', '70'], env);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain('Exported 300 rows');
    const exportedLines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(exportedLines).toHaveLength(301);
    expect(exportedLines[0]).toMatch(/^external_system,external_id,reference,type,street,/);

    const ndjson = path.join(dir, 'export.ndjson');
    expect((await runCli(['export', '--municipality', '1103', '--format', 'ndjson', '-o', ndjson], env)).code).toBe(0);
    const viaRoute = readFileSync(ndjson, 'utf8').trim().split('\n');
    expect(viaRoute).toHaveLength(300);
    const paged = await runCli(['export', '--municipality', '1103', '--pages', '--page-size', '70', '--quiet'], env);
    expect(paged.code).toBe(0);
    expect(
      paged.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(viaRoute.map((line) => JSON.parse(line)));

    for (const again of [csv, ndjson]) {
      const reimport = await runCli(['import', again, '--json', '--quiet'], env);
      expect(reimport.stderr).toBe('');
      expect(JSON.parse(reimport.stdout)).toMatchObject({ rows: 300, invalid: 0, unchanged: 300, failed: 0 });
      expect(reimport.code).toBe(0);
    }
    expect((await allAssignments(server.admin)).length).toBe(before);
  });

  it('reports what a second run of a finished import did: nothing created, every row unchanged', async () => {
    const file = inputFile('rerun.csv', [CSV_HEADER, ...rows(40, 'rerun', 'Rerungata', '1104')]);
    const args = ['import', file, '--batch-size', '10', '--quiet'];
    const first = await runCli([...args, '--json'], env);
    expect(JSON.parse(first.stdout)).toMatchObject({ rows: 40, created: 40, unchanged: 0 });

    const again = await runCli([...args, '--json'], env);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ rows: 40, created: 0, updated: 0, unchanged: 40, failed: 0 });
    const human = await runCli(args, env);
    expect(human.stdout).toMatch(/^Imported \S+rerun\.csv: 40 rows — 0 created, 0 updated, 40 unchanged, /);
    const counts = await countsByStreet('Rerungata');
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('says an import failed and why, keeps the exit code, and advises --resume only when it can help', async () => {
    const lines = [CSV_HEADER, ...rows(5, 'failing', 'Feilgata', '1105')];
    const badKeyFile = inputFile('bad-key.csv', lines);
    const noScopeFile = inputFile('no-scope.csv', lines);
    const unreachableFile = inputFile('unreachable.csv', lines);
    const reader = await server.admin.apiClients.create.mutate({ name: 'reader', scopes: ['assignments:read'] });
    const [badKey, noScope, unreachable] = await Promise.all([
      runCli(['import', badKeyFile, '--quiet'], { ...env, TAKST_API_KEY: `tk_${'x'.repeat(43)}` }),
      runCli(['import', noScopeFile, '--quiet', '--json'], { ...env, TAKST_API_KEY: reader.apiKey }),
      runCli(['import', unreachableFile, '--quiet'], { ...env, TAKST_URL: await closedUrl() }),
    ]);

    expect(badKey.code).toBe(3);
    expect(badKey.stdout).toBe('');
    expect(badKey.stderr).toContain(`takst: import of ${badKeyFile} failed: Unknown or revoked API key`);
    expect(badKey.stderr).toContain('Nothing was imported.');
    expect(badKey.stderr).not.toContain('--resume');
    expect(existsSync(`${badKeyFile}.takst-import.json`)).toBe(false);

    expect(noScope.code).toBe(3);
    expect(JSON.parse(noScope.stdout)).toMatchObject({
      sent: true,
      created: 0,
      error: expect.stringContaining('MISSING_SCOPE'),
    });
    expect(noScope.stderr).toContain(`takst: import of ${noScopeFile} failed: `);
    expect(noScope.stderr).not.toContain('--resume');

    expect(unreachable.code).toBe(5);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr).toContain(
      `takst: import of ${unreachableFile} failed: Cannot reach the platform: connect ECONNREFUSED`,
    );
    expect(unreachable.stderr).toContain('run the same command with --resume');
    for (const line of unreachable.stderr.trim().split('\n')) {
      expect(line.match(/Cannot reach/g)?.length ?? 0).toBeLessThanOrEqual(1);
      expect(line).not.toContain('Could not reach');
    }
    const resumed = await runCli(['import', unreachableFile, '--quiet', '--json', '--resume'], env);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ created: 5, error: null });
  });
});
