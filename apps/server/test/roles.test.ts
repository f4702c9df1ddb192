import { appRouter } from '@takst/api';
import { ROLE_SCOPES, ROLES, type Role } from '@takst/contract';
import type { RouterInputs, TakstClient } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { signedInPerson, type TestPerson } from './support/people';
import { startTestServer, type TestServer } from './support/server';

interface ProcedureDef {
  _def: {
    type: 'query' | 'mutation' | 'subscription';
    meta?: { scope: string; roles: readonly Role[]; ownAssignmentsForAppraisers?: boolean };
  };
}
const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, ProcedureDef>);

const grants = (role: Role, scope: string) =>
  scope === 'authenticated' || ROLE_SCOPES[role].includes('admin') || ROLE_SCOPES[role].includes(scope as never);

type Signed = TestPerson & { cookie: string; takst: TakstClient };

let server: TestServer;
let appraiserA: string;
let appraiserB: string;
const people = {} as Record<Role, Signed>;
let appraiserBPerson: Signed;
beforeAll(async () => {
  server = await startTestServer();
  const certified = { certifications: [{ area: 'condition' as const, validFrom: '2020-01-01', validTo: null }] };
  appraiserA = (await server.admin.appraisers.create.mutate({ name: 'Astrid Takst', ...certified })).id;
  appraiserB = (await server.admin.appraisers.create.mutate({ name: 'Bjørn Takst', ...certified })).id;
  people.appraiser = await signedInPerson(server, ['appraiser'], { appraiserId: appraiserA, name: 'Astrid Takst' });
  people.reviewer = await signedInPerson(server, ['reviewer'], { name: 'Rita Fagansvarlig' });
  people.support = await signedInPerson(server, ['support'], { name: 'Siri Støtte' });
  people.admin = await signedInPerson(server, ['admin'], { name: 'Arne Admin' });
  appraiserBPerson = await signedInPerson(server, ['appraiser', 'reviewer'], {
    appraiserId: appraiserB,
    name: 'Bjørn Takst',
  });
}, 60_000);
afterAll(() => server?.close());

describe('who may call what: every procedure declares it', () => {
  it('names one or more roles, each holding the scope the procedure needs', () => {
    for (const [path, { _def }] of procedures) {
      const meta = _def.meta;
      expect(meta?.roles, path).toBeInstanceOf(Array);
      expect(meta?.roles.length, path).toBeGreaterThan(0);
      for (const role of meta?.roles ?? []) {
        expect(ROLES, path).toContain(role);
        expect(grants(role, meta?.scope ?? ''), `${path}: ${role} lacks ${meta?.scope}`).toBe(true);
      }
    }
  });

  it('keeps the most guarded work to its people', () => {
    const rolesOf = (path: string) => procedures.find(([name]) => name === path)?.[1]._def.meta?.roles;
    for (const path of ['users.create', 'apiClients.create', 'webhooks.create', 'appraisers.update']) {
      expect(rolesOf(path), path).toEqual(['admin']);
    }
    expect(rolesOf('reports.approve')).toEqual(['reviewer']);
    expect(rolesOf('reports.updateDraft')).toEqual(['appraiser']);
    expect(rolesOf('notes.add')).toContain('support');
  });

  it('is the table docs/identity.md shows', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/identity.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Who may call what'), doc.indexOf('## Acting for a person'));
    const rows = section.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(procedures.length);
    for (const [path, { _def }] of procedures) {
      const row = rows.find((line) => line.startsWith(`| \`${path}\` `));
      expect(row, `docs/identity.md has no row for ${path}`).toBeDefined();
      const cells = (row ?? '').split('|').map((cell) => cell.trim());
      expect(cells.slice(2, 7), path).toEqual([`\`${_def.meta?.scope}\``, ...ROLES.map((role) => cellOf(_def, role))]);
    }
  });
});

/** What the docs' table says of a role: `yes`, `own` (an appraiser on their own assignments), or `—`. */
function cellOf(def: ProcedureDef['_def'], role: Role): string {
  if (!def.meta?.roles.includes(role)) return '—';
  const ownOnly = role === 'appraiser' && def.meta.ownAssignmentsForAppraisers === true;
  return ownOnly ? 'own' : 'yes';
}

interface Refusal {
  status: number;
  errorCode: string | undefined;
}

/** Calls a procedure over HTTP with the person's cookie and input `{}`: what it answered. */
async function callAs(cookie: string, path: string, type: ProcedureDef['_def']['type']): Promise<Refusal> {
  const headers = { cookie, 'x-takst-csrf': '1', 'content-type': 'application/json' };
  const url = `${server.url}/trpc/${path}`;
  const abort = new AbortController();
  const response =
    type === 'mutation'
      ? await fetch(url, { method: 'POST', headers, body: '{}' })
      : await fetch(`${url}?input=${encodeURIComponent('{}')}`, { headers, signal: abort.signal });
  if (type === 'subscription' && response.status === 200) {
    abort.abort();
    return { status: 200, errorCode: undefined };
  }
  const body = (await response.json()) as { error?: { data?: { errorCode?: string } } };
  return { status: response.status, errorCode: body.error?.data?.errorCode };
}

describe('who may call what: the matrix, every procedure as every role', () => {
  it.each(ROLES.map((role) => [role]))(
    'as %s: refused exactly where the role is not named',
    async (role) => {
      const person = people[role];
      const outcomes: string[] = [];
      for (const [path, { _def }] of procedures) {
        const answer = await callAs(person.cookie, path, _def.type);
        const named = _def.meta?.roles.includes(role) ?? false;
        const expected = named
          ? 'let through'
          : grants(role, _def.meta?.scope ?? '')
            ? 'ROLE_NOT_ALLOWED'
            : 'MISSING_SCOPE';
        const refusedByRole =
          answer.status === 403 && (answer.errorCode === 'ROLE_NOT_ALLOWED' || answer.errorCode === 'MISSING_SCOPE');
        const got = refusedByRole ? (answer.errorCode as string) : 'let through';
        if (got !== expected) outcomes.push(`${path}: expected ${expected}, got ${answer.status} ${answer.errorCode}`);
      }
      expect(outcomes).toEqual([]);
    },
    60_000,
  );
});

type ReportContent = RouterInputs['reports']['createDraft']['content'];
const content: ReportContent = {
  kind: 'condition',
  standardVersion: 'NS3600:2018',
  items: [{ section: 'Bad', buildingPart: 'Sluk og membran', grade: 'TG2', description: 'Fukt i sluk' }],
};

let slotDay = 0;
/** A one-hour slot on a day of its own, so that no two bookings of a test overlap. */
function slot() {
  slotDay += 1;
  const day = new Date(Date.UTC(2027, 0, 1) + slotDay * 86_400_000).toISOString().slice(0, 10);
  return { startsAt: `${day}T09:00:00+01:00`, endsAt: `${day}T10:00:00+01:00` };
}

/** An assignment given to the appraiser record, confirmed, as the office makes it. */
async function assignmentOf(appraiserId: string) {
  const office = people.support.takst;
  const created = await office.assignments.create.mutate(assignmentInput());
  const assigned = await office.assignments.assign.mutate({
    id: created.id,
    appraiserId,
    expectedVersion: created.version,
  });
  return office.assignments.transition.mutate({ id: assigned.id, to: 'confirmed', expectedVersion: assigned.version });
}

/** Moves an assignment of the appraiser (a session on it) to drafting, through a real inspection. */
async function drafting(takst: TakstClient, appraiserId: string) {
  const assignment = await assignmentOf(appraiserId);
  const inspection = await takst.inspections.book.mutate({ assignmentId: assignment.id, appraiserId, ...slot() });
  await takst.inspections.complete.mutate({ id: inspection.id, expectedVersion: inspection.version });
  const inspected = await takst.assignments.get.query({ id: assignment.id });
  return takst.assignments.transition.mutate({ id: inspected.id, to: 'drafting', expectedVersion: inspected.version });
}

describe('an appraiser works only on assignments assigned to them', () => {
  it('books, completes and reports on their own, and is refused on another appraiser’s', async () => {
    const own = await drafting(people.appraiser.takst, appraiserA);
    const report = await people.appraiser.takst.reports.createDraft.mutate({ assignmentId: own.id, content });
    expect(report).toMatchObject({ authorId: appraiserA, authorUserId: people.appraiser.userId });

    const others = await assignmentOf(appraiserB);
    const refusals = [
      await caught(() =>
        people.appraiser.takst.inspections.book.mutate({ assignmentId: others.id, appraiserId: appraiserA, ...slot() }),
      ),
      await caught(() => people.appraiser.takst.reports.createDraft.mutate({ assignmentId: others.id, content })),
      await caught(() =>
        people.appraiser.takst.assignments.transition.mutate({
          id: others.id,
          to: 'on_hold',
          expectedVersion: others.version,
        }),
      ),
    ];
    for (const refusal of refusals) {
      expect(refusal.data).toMatchObject({
        code: 'FORBIDDEN',
        errorCode: 'NOT_ASSIGNED_TO_YOU',
        assignmentId: others.id,
      });
    }
    // Nothing was changed by the refused calls.
    expect(await server.admin.assignments.get.query({ id: others.id })).toMatchObject({
      status: 'confirmed',
      version: others.version,
    });
  });

  it('cannot edit or submit the report on another appraiser’s assignment', async () => {
    const theirs = await drafting(appraiserBPerson.takst, appraiserB);
    const report = await appraiserBPerson.takst.reports.createDraft.mutate({ assignmentId: theirs.id, content });
    const edit = await caught(() =>
      people.appraiser.takst.reports.updateDraft.mutate({ id: report.id, expectedVersion: report.version, content }),
    );
    const submit = await caught(() =>
      people.appraiser.takst.reports.submit.mutate({ id: report.id, expectedVersion: report.version }),
    );
    expect(edit.data).toMatchObject({ errorCode: 'NOT_ASSIGNED_TO_YOU' });
    expect(submit.data).toMatchObject({ errorCode: 'NOT_ASSIGNED_TO_YOU' });
    expect((await server.admin.reports.get.query({ id: report.id })).version).toBe(report.version);
  });

  it('writes as themselves: another appraiser named as author is refused', async () => {
    const own = await drafting(people.appraiser.takst, appraiserA);
    const refusal = await caught(() =>
      people.appraiser.takst.reports.createDraft.mutate({ assignmentId: own.id, authorId: appraiserB, content }),
    );
    expect(refusal.data).toMatchObject({ errorCode: 'VALIDATION_FAILED', issues: [{ path: ['authorId'] }] });
  });
});

describe('support and reviewers', () => {
  it('support reads everything and adds notes, books on any assignment, but writes no report', async () => {
    const assignment = await drafting(people.appraiser.takst, appraiserA);
    const note = await people.support.takst.notes.add.mutate({ assignmentId: assignment.id, text: 'Kunden ringte' });
    expect(note).toMatchObject({ text: 'Kunden ringte' });
    const [row] = await query<{ user_id: string }>(server.databaseUrl, 'select user_id from notes where id = $1', [
      note.id,
    ]);
    expect(row?.user_id).toBe(people.support.userId);
    const refusal = await caught(() =>
      people.support.takst.reports.createDraft.mutate({ assignmentId: assignment.id, authorId: appraiserA, content }),
    );
    expect(refusal.data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'ROLE_NOT_ALLOWED',
      allowedRoles: ['appraiser'],
    });
    const other = await assignmentOf(appraiserB);
    const booked = await people.support.takst.inspections.book.mutate({
      assignmentId: other.id,
      appraiserId: appraiserB,
      ...slot(),
    });
    expect(booked.status).toBe('booked');
  });

  it('only a reviewer approves, and never a version they wrote themselves', async () => {
    const assignment = await drafting(appraiserBPerson.takst, appraiserB);
    const draft = await appraiserBPerson.takst.reports.createDraft.mutate({ assignmentId: assignment.id, content });
    const submitted = await appraiserBPerson.takst.reports.submit.mutate({
      id: draft.id,
      expectedVersion: draft.version,
    });
    const byAuthor = await caught(() =>
      appraiserBPerson.takst.reports.approve.mutate({ id: draft.id, expectedVersion: submitted.version }),
    );
    expect(byAuthor.data).toMatchObject({ errorCode: 'REVIEWER_IS_AUTHOR' });
    const bySupport = await caught(() =>
      people.support.takst.reports.approve.mutate({
        id: draft.id,
        reviewerId: appraiserA,
        expectedVersion: submitted.version,
      }),
    );
    expect(bySupport.data).toMatchObject({ errorCode: 'ROLE_NOT_ALLOWED' });
    const approved = await people.reviewer.takst.reports.approve.mutate({
      id: draft.id,
      expectedVersion: submitted.version,
    });
    expect(approved).toMatchObject({
      status: 'approved',
      reviewerUserId: people.reviewer.userId,
      reviewerId: null,
      authorUserId: appraiserBPerson.userId,
    });
  });

  it('an API client approving on its own still names the reviewer’s appraiser record', async () => {
    const assignment = await drafting(people.appraiser.takst, appraiserA);
    const draft = await people.appraiser.takst.reports.createDraft.mutate({ assignmentId: assignment.id, content });
    const submitted = await people.appraiser.takst.reports.submit.mutate({
      id: draft.id,
      expectedVersion: draft.version,
    });
    const missing = await caught(() =>
      server.admin.reports.approve.mutate({ id: draft.id, expectedVersion: submitted.version }),
    );
    expect(missing.data).toMatchObject({ errorCode: 'VALIDATION_FAILED', issues: [{ path: ['reviewerId'] }] });
    const approved = await server.admin.reports.approve.mutate({
      id: draft.id,
      reviewerId: appraiserB,
      expectedVersion: submitted.version,
    });
    expect(approved).toMatchObject({
      reviewerId: appraiserB,
      reviewerUserId: null,
      authorUserId: people.appraiser.userId,
    });
  });

  it('only admin manages users, API clients and webhooks', async () => {
    for (const role of ['appraiser', 'reviewer', 'support'] as const) {
      const takst = people[role].takst;
      for (const call of [
        () => takst.users.list.query({}),
        () => takst.apiClients.list.query(),
        () => takst.webhooks.list.query({}),
      ]) {
        expect((await caught(call)).data, role).toMatchObject({ code: 'FORBIDDEN' });
      }
    }
    expect((await people.admin.takst.users.list.query({})).items.length).toBeGreaterThan(0);
  });
});
