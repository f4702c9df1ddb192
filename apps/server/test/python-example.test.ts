import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

/** docs/examples/python/takst_lifecycle.py, run with the machine's python3 against a live server. */

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../docs/examples/python/takst_lifecycle.py', import.meta.url));

function pythonVersion(): string | null {
  try {
    return execFileSync('python3', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}
const python = pythonVersion();

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the example with only the environment it documents (and PATH to find python3). */
function runExample(env: Record<string, string>): Promise<Outcome> {
  return run('python3', [script], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 25_000 }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({
      code: failed.code,
      stdout: failed.stdout,
      stderr: failed.stderr,
    }),
  );
}

describe.skipIf(python === null)(`the Python example on ${python ?? 'python3 (absent: skipped)'}`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.close());

  it('parses as Python 3.9: no newer syntax (match, …)', async () => {
    const check = `import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read(), feature_version=(3, 9))`;
    await expect(run('python3', ['-c', check, script])).resolves.toBeDefined();
  });

  it('runs an assignment from received to closed, pages a filtered list and prints a stale version refused', async () => {
    const result = await runExample({ TAKST_URL: server.url, TAKST_API_KEY: server.adminKey });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');

    expect(lines).toContain('retried the create with its key: same assignment True');
    expect(lines).toContain('listed 3 assignments in 2 pages of [2, 1]');
    const refused = lines.find((line) => line.startsWith('refused: '));
    expect(refused).toMatch(
      /^refused: 409 VERSION_CONFLICT: Assignment \d{4}-\d{6} is at version 2, not 1\b.* \(request [0-9a-f-]{36}\) currentVersion=2$/,
    );
    const statuses = lines.flatMap((line) => /^(\d{4}-\d{6}): (\w+) \(version (\d+)\)$/.exec(line)?.slice(1) ?? []);
    const reference = statuses[0];
    const mainStatuses = lines
      .filter((line) => line.startsWith(`${reference}: `))
      .map((line) => line.slice(`${reference}: `.length));
    expect(mainStatuses).toEqual([
      'received (version 1)',
      'confirmed (version 2)',
      'inspection_booked (version 3)',
      'inspected (version 4)',
      'drafting (version 5)',
      'in_review (version 6)',
      'delivered (version 7)',
      'invoiced (version 8)',
      'closed (version 9)',
    ]);
    expect(lines.slice(-2)).toEqual(['report version 1: delivered', 'final status: closed']);

    // The server holds what the script said it did.
    const closed = await server.admin.assignments.getByReference.query({ reference: reference as string });
    expect(closed).toMatchObject({ status: 'closed', version: 9 });
    const page = await server.admin.assignments.list.query({ q: 'Storgata', limit: 200 });
    expect(page.items.map((item) => item.type).sort()).toEqual(['condition_report', 'energy_certificate', 'valuation']);
  }, 30_000);

  it('exits 1 with the problem on stderr when the key is refused, 2 without a key', async () => {
    const refused = await runExample({ TAKST_URL: server.url, TAKST_API_KEY: 'tk_not-a-real-key' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^refused: 401 UNAUTHENTICATED: .+ \(request [0-9a-f-]{36}\)$/m);
    const withoutKey = await runExample({ TAKST_URL: server.url });
    expect(withoutKey.code).toBe(2);
    expect(withoutKey.stderr).toContain('Set TAKST_API_KEY');
  });
});
