import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, REPO_ROOT, SDK_DIR } from '../src/artifacts';
import { compareWithCommitted } from '../src/compare';
import { renderProcedureReport } from '../src/procedure-report';

describe('the committed API reports', () => {
  it.each(ARTIFACTS.map((artifact) => [artifact.file, artifact] as const))(
    '%s matches the code (after an intended change: npm run api:accept)',
    (_file, artifact) => {
      const difference = compareWithCommitted(REPO_ROOT, artifact.file, artifact.render(SDK_DIR));
      expect(difference?.diff ?? null).toBeNull();
    },
    60_000,
  );
});

/**
 * A stand-in for the built SDK with the shape the procedure report reads. It lives under the
 * SDK's folder so that its imports resolve as the real build's do.
 */
const fixtureRoot = path.join(SDK_DIR, '.build/gate-fixture');
afterAll(() => rmSync(fixtureRoot, { recursive: true, force: true }));

function builtSdk(name: string, input: string, output: string): string {
  const sdkDir = path.join(fixtureRoot, name);
  mkdirSync(path.join(sdkDir, 'dist'), { recursive: true });
  writeFileSync(path.join(sdkDir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    path.join(sdkDir, 'dist/index.d.ts'),
    `export type AppRouter = { _def: { record: { assignments: { get: { _def: { type: 'query' } } } } } };
export type RouterInputs = { assignments: { get: ${input} } };
export type RouterOutputs = { assignments: { get: ${output} } };
`,
  );
  return sdkDir;
}

/** Commits the first report in a scratch repository and compares the second with it. */
function changeBetween(committed: string, changed: string) {
  const repo = mkdtempSync(path.join(tmpdir(), 'takst-publishing-'));
  try {
    writeFileSync(path.join(repo, 'report.md'), committed);
    return compareWithCommitted(repo, 'report.md', changed);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

describe('the gate', () => {
  const before = renderProcedureReport(
    builtSdk('before', "{ id: string; status?: 'received' | 'confirmed' }", '{ id: string; reference: string }'),
  );

  it('spells out every field of a procedure', () => {
    expect(before).toContain('## assignments.get (query)');
    expect(before).toMatch(/type Output = \{\n\s+id: string;\n\s+reference: string;\n\};/);
  });

  it('catches a removed output field', () => {
    const after = renderProcedureReport(
      builtSdk('removed-field', "{ id: string; status?: 'received' | 'confirmed' }", '{ id: string }'),
    );
    const difference = changeBetween(before, after);
    expect(difference?.removedLines).toBe(1);
    expect(difference?.diff).toMatch(/^-\s+reference: string;$/m);
  });

  it('catches a narrowed input', () => {
    const after = renderProcedureReport(
      builtSdk('narrowed-input', "{ id: string; status: 'received' }", '{ id: string; reference: string }'),
    );
    const difference = changeBetween(before, after);
    expect(difference?.removedLines).toBeGreaterThan(0);
    expect(difference?.diff).toMatch(/^-\s+status\?: "received" \| "confirmed";$/m);
    expect(difference?.diff).toMatch(/^\+\s+status: "received";$/m);
  });

  it('sees a tighter limit in the OpenAPI snapshot, which the types cannot show', () => {
    const committed = readFileSync(path.join(REPO_ROOT, 'docs/openapi.json'), 'utf8');
    const narrowed = JSON.parse(committed);
    const pageSize = narrowed.paths['/assignments'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'limit',
    );
    expect(pageSize.schema.maximum).toBe(200);
    pageSize.schema.maximum = 100;
    const difference = changeBetween(committed, `${JSON.stringify(narrowed, null, 2)}\n`);
    expect(difference?.removedLines).toBe(1);
    expect(difference?.diff).toMatch(/^-\s+"maximum": 200$/m);
    expect(difference?.diff).toMatch(/^\+\s+"maximum": 100$/m);
  });

  it('passes what is committed unchanged', () => {
    expect(changeBetween(before, before)).toBeNull();
  });
});

// Keeps the fixture helpers honest: the copy of a real build must render as the build itself.
describe('the procedure report of the real build', () => {
  it('is the same from a copy of dist', () => {
    const copy = path.join(fixtureRoot, 'copy');
    mkdirSync(copy, { recursive: true });
    cpSync(path.join(SDK_DIR, 'dist'), path.join(copy, 'dist'), { recursive: true });
    writeFileSync(path.join(copy, 'package.json'), '{ "type": "module" }\n');
    const report = renderProcedureReport(SDK_DIR);
    expect(renderProcedureReport(copy)).toBe(report);
    // The same on every machine: no path of this checkout in it.
    expect(report).not.toContain(REPO_ROOT);
  }, 60_000);
});
