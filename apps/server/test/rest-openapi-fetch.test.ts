import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

/**
 * A client in another toolchain, typed by nothing but /api/openapi.json: openapi-typescript
 * turns the document into types, openapi-fetch makes the calls, the repository's TypeScript
 * checks the program strictly, and tsx runs it against a live server.
 */

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
// Under the repository (gitignored), so `openapi-fetch` and `@types/node` resolve from its node_modules.
const generatedRoot = fileURLToPath(new URL('./.generated/', import.meta.url));

/** The whole lifecycle over REST, with the version from each answer and one stale-version refusal. */
const LIFECYCLE_PROGRAM = `// Typed only by the OpenAPI document: ./api is what openapi-typescript made of /api/openapi.json.
import createClient from 'openapi-fetch';
import type { components, paths } from './api';

type Problem = components['schemas']['Problem'];

const baseUrl = process.env.TAKST_URL;
const apiKey = process.env.TAKST_API_KEY;
if (!baseUrl || !apiKey) throw new Error('Set TAKST_URL (the server) and TAKST_API_KEY');

const takst = createClient<paths>({
  baseUrl: baseUrl + '/api/v1',
  headers: { Authorization: 'Bearer ' + apiKey },
});

/** A refusal, with the problem details the server answered. */
class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.status + ' ' + problem.errorCode + ': ' + problem.detail + ' (request ' + problem.requestId + ')');
  }
}

/** The answer's body, or a thrown Refused when the server answered with a problem. */
function ok<T>(result: { data?: T; error?: Problem }): T {
  if (result.error !== undefined) throw new Refused(result.error);
  if (result.data === undefined) throw new Error('The answer had no body');
  return result.data;
}

const runId = Date.now().toString(36);
/** Every change carries a key of its own, so a retry after a lost answer is safe. */
const once = (step: string) => ({ header: { 'Idempotency-Key': 'lifecycle-' + runId + '-' + step } });

const statuses: string[] = [];
function saw(assignment: { status: string; version: number }) {
  statuses.push(assignment.status);
  console.log('assignment ' + assignment.status + ' (version ' + assignment.version + ')');
}

const certifiedForConditionReports = [{ area: 'condition' as const, validFrom: '2020-01-01' }];
const appraiser = ok(
  await takst.POST('/appraisers', {
    params: once('appraiser'),
    body: { name: 'Astrid Takst', certifications: certifiedForConditionReports },
  }),
);
const reviewer = ok(
  await takst.POST('/appraisers', {
    params: once('reviewer'),
    body: { name: 'Rune Revisor', certifications: certifiedForConditionReports },
  }),
);

const created = ok(
  await takst.POST('/assignments', {
    params: once('create'),
    body: {
      type: 'condition_report',
      property: { address: { street: 'Storgata 12', postalCode: '0155', city: 'Oslo' } },
      client: { name: 'Kari Nordmann', email: 'kari@example.no' },
      dueDate: '2027-12-24',
      appraiserId: appraiser.id,
    },
  }),
);
saw(created);
const id = created.id;
const byId = { path: { id } };
type Target = 'confirmed' | 'drafting' | 'in_review' | 'delivered' | 'invoiced' | 'closed';
const transition = async (to: Target, expectedVersion: number) =>
  ok(
    await takst.POST('/assignments/{id}/transitions', {
      params: { ...byId, ...once('to-' + to) },
      body: { to, expectedVersion },
    }),
  );
const current = async () => ok(await takst.GET('/assignments/{id}', { params: byId }));

let assignment = await transition('confirmed', created.version);
saw(assignment);

// A change made with the version read before confirming is refused: read again, then retry.
const stale = await takst.POST('/assignments/{id}/transitions', {
  params: byId,
  body: { to: 'on_hold', expectedVersion: created.version },
});
if (stale.error === undefined) throw new Error('a stale expectedVersion was accepted');
const refusal = {
  status: stale.response.status,
  contentType: stale.response.headers.get('content-type'),
  errorCode: stale.error.errorCode,
  currentVersion: stale.error.currentVersion,
  requestId: stale.error.requestId,
};
console.log('refused: ' + refusal.status + ' ' + refusal.errorCode + ' (now at version ' + refusal.currentVersion + ')');

// Booking the inspection moves the assignment to inspection_booked; completing it, to inspected.
const inspection = ok(
  await takst.POST('/inspections', {
    params: once('book'),
    body: { assignmentId: id, appraiserId: appraiser.id, startsAt: '2027-03-10T09:00:00Z', endsAt: '2027-03-10T11:00:00Z' },
  }),
);
saw(await current());
ok(
  await takst.POST('/inspections/{id}/complete', {
    params: { path: { id: inspection.id }, ...once('complete') },
    body: { expectedVersion: inspection.version },
  }),
);
assignment = await current();
saw(assignment);

assignment = await transition('drafting', assignment.version);
saw(assignment);
const draft = ok(
  await takst.POST('/assignments/{assignmentId}/reports', {
    params: { path: { assignmentId: id }, ...once('draft') },
    body: {
      authorId: appraiser.id,
      content: {
        kind: 'condition',
        standardVersion: 'NS3600:2018',
        items: [{ section: 'Tak', buildingPart: 'Taktekking', grade: 'TG1', description: 'Normal slitasje' }],
      },
    },
  }),
);
const report = { path: { id: draft.id } };
const submitted = ok(
  await takst.POST('/reports/{id}/submit', {
    params: { ...report, ...once('submit') },
    body: { expectedVersion: draft.version },
  }),
);
assignment = await transition('in_review', assignment.version);
saw(assignment);
ok(
  await takst.POST('/reports/{id}/approve', {
    params: { ...report, ...once('approve') },
    body: { reviewerId: reviewer.id, expectedVersion: submitted.version },
  }),
);
// Delivering the assignment delivers its approved report with it.
assignment = await transition('delivered', assignment.version);
saw(assignment);
assignment = await transition('invoiced', assignment.version);
saw(assignment);
assignment = await transition('closed', assignment.version);
saw(assignment);

const delivered = ok(await takst.GET('/reports/{id}', { params: report }));

// A list with filters: openapi-fetch sends the status list as status=closed&status=cancelled.
const closedOnes = ok(
  await takst.GET('/assignments', { params: { query: { status: ['closed', 'cancelled'], q: 'Storgata', limit: 200 } } }),
);
const listed = closedOnes.items.map((item) => item.id + ' ' + item.status);

const result = { id, statuses, finalStatus: assignment.status, reportStatus: delivered.status, listed, refusal };
console.log('RESULT ' + JSON.stringify(result));
`;

/** Calls the generated types must refuse, one per line that TypeScript is expected to flag. */
const WRONG_PROGRAM = `import createClient from 'openapi-fetch';
import type { paths } from './api';

const takst = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000/api/v1' });
const params = { path: { id: '01a2452d-4378-76a8-b3b4-865878b53607' } };
// A status the lifecycle does not have.
await takst.POST('/assignments/{id}/transitions', { params, body: { to: 'finished', expectedVersion: 1 } });
// A transition without the version it was read at.
await takst.POST('/assignments/{id}/transitions', { params, body: { to: 'confirmed' } });
// A path the API does not have.
await takst.GET('/assignment/{id}', { params });
// A field the answer does not have.
const { data } = await takst.GET('/assignments/{id}', { params });
console.log(data?.state);
// An error code the API does not have.
const { error } = await takst.GET('/assignments/{id}', { params });
if (error?.errorCode === 'VERSION_CONFLICTS') console.log(error.currentVersion);
`;

let server: TestServer;
let dir: string;
let generated: string;

beforeAll(async () => {
  server = await startTestServer();
  await mkdir(generatedRoot, { recursive: true });
  dir = await mkdtemp(path.join(generatedRoot, 'openapi-fetch-'));
  const response = await fetch(`${server.url}/api/openapi.json`);
  expect(response.status).toBe(200);
  // The document as any client downloads it, not the object the server builds it from.
  generated = astToString(await openapiTS(await response.text()));
  await writeFile(path.join(dir, 'api.ts'), generated);
  await writeFile(path.join(dir, 'lifecycle.ts'), LIFECYCLE_PROGRAM);
  await writeFile(path.join(dir, 'wrong.ts'), WRONG_PROGRAM);
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `tsc --noEmit --strict` on one file of the temp dir, resolving packages from the repository. */
async function typecheck(file: string): Promise<{ code: number; output: string }> {
  const flags = [
    '--noEmit',
    '--strict',
    ['--target', 'ES2022'],
    ['--module', 'preserve'],
    ['--moduleResolution', 'bundler'],
    ['--moduleDetection', 'force'],
    ['--lib', 'ES2023,DOM'],
    ['--types', 'node'],
    // Only the packages' own declarations; api.ts, the generated file, is checked.
    '--skipLibCheck',
  ].flat();
  return run(process.execPath, [tscBin, ...flags, file], { cwd: dir }).then(
    (done) => ({ code: 0, output: done.stdout + done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => ({
      code: failed.code,
      output: failed.stdout + failed.stderr,
    }),
  );
}

describe('a TypeScript client generated from /api/openapi.json with openapi-typescript and openapi-fetch', () => {
  it('has a typed path and operation for each route it uses', () => {
    for (const route of [
      '"/assignments/{id}/transitions"',
      '"/assignments/{assignmentId}/reports"',
      '"/inspections/{id}/complete"',
      '"/reports/{id}/approve"',
    ]) {
      expect(generated).toContain(route);
    }
    expect(generated).toContain('assignments_transition: {');
    expect(generated).toMatch(/"application\/problem\+json": components\["schemas"\]\["Problem"\]/);
  });

  it('type-checks the lifecycle program under --strict', async () => {
    const result = await typecheck('lifecycle.ts');
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 60_000);

  it('refuses to type-check wrong calls: a status, a missing version, a path, a field, an error code', async () => {
    const result = await typecheck('wrong.ts');
    expect(result.code).not.toBe(0);
    const errors = result.output.split('\n').filter((line) => line.startsWith('wrong.ts('));
    expect(errors.map((line) => /^wrong\.ts\((\d+),\d+\): error (TS\d+)/.exec(line)?.slice(1))).toEqual([
      ['7', 'TS2322'],
      ['9', 'TS2322'],
      ['11', 'TS2345'],
      ['14', 'TS2339'],
      ['17', 'TS2367'],
    ]);
    expect(errors[0]).toContain(`Type '"finished"' is not assignable`);
    expect(errors[1]).toContain('expectedVersion');
    expect(errors[4]).toContain(`'"VERSION_CONFLICTS"' have no overlap`);
  }, 60_000);

  it('runs an assignment from received to closed, and reads a stale version as a typed 409 problem', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'lifecycle.ts'], {
      cwd: dir,
      env: { ...process.env, TAKST_URL: server.url, TAKST_API_KEY: server.adminKey },
    });
    const lines = stdout.trim().split('\n');
    expect(lines).toContain('refused: 409 VERSION_CONFLICT (now at version 2)');
    expect(lines.at(-2)).toBe('assignment closed (version 9)');
    const resultLine = lines.at(-1) ?? '';
    expect(resultLine.startsWith('RESULT ')).toBe(true);
    const result = JSON.parse(resultLine.slice('RESULT '.length));
    expect(result).toMatchObject({
      statuses: [
        'received',
        'confirmed',
        'inspection_booked',
        'inspected',
        'drafting',
        'in_review',
        'delivered',
        'invoiced',
        'closed',
      ],
      finalStatus: 'closed',
      reportStatus: 'delivered',
      listed: [`${result.id} closed`],
      refusal: {
        status: 409,
        contentType: 'application/problem+json',
        errorCode: 'VERSION_CONFLICT',
        currentVersion: 2,
      },
    });
    expect(result.refusal.requestId).toMatch(/\S/);

    // What the program did is on the server, seen through the SDK.
    const closed = await server.admin.assignments.get.query({ id: result.id });
    expect(closed).toMatchObject({ status: 'closed', version: 9 });
    const reports = await server.admin.reports.list.query({ assignmentId: result.id });
    expect(reports.items.map((each) => each.status)).toEqual(['delivered']);
  }, 30_000);
});
