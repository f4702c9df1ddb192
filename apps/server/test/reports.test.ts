import type { RouterInputs, RouterOutputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

type AssignmentType = RouterInputs['assignments']['create']['type'];
type ContentInput = RouterInputs['reports']['createDraft']['content'];
type Report = RouterOutputs['reports']['get'];

let server: TestServer;
let authorId: string;
let reviewerId: string;
beforeAll(async () => {
  server = await startTestServer();
  authorId = await newAppraiser('Anne Author');
  reviewerId = await newAppraiser('Rolf Reviewer');
});
afterAll(() => server?.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

async function newAppraiser(name: string, active = true): Promise<string> {
  return (await server.admin.appraisers.create.mutate({ name, active })).id;
}

async function newAssignment(type: AssignmentType = 'condition_report'): Promise<string> {
  return (await server.admin.assignments.create.mutate(assignmentInput({ type }))).id;
}

const conditionContent = (items: Extract<ContentInput, { kind: 'condition' }>['items'] = []): ContentInput => ({
  kind: 'condition',
  standardVersion: 'NS3600:2018',
  items,
});

const item = (grade: 'TG0' | 'TG1' | 'TG2' | 'TG3' | 'TGIU', section = 'Bad', room?: string) => ({
  section,
  buildingPart: 'Sluk og membran',
  grade,
  description: `Vurdert til ${grade}`,
  ...(room ? { room } : {}),
});

const valuationContent: ContentInput = {
  kind: 'valuation',
  values: { marketValue: 650_000_000, loanValue: 520_000_000, technicalValue: 480_000_000 },
  areas: [
    { standard: 'NS3940:2023', kind: 'BRA-i', squareMeters: 84.5, floor: '1. etasje' },
    { standard: 'NS3940:2023', kind: 'BRA-e', squareMeters: 6 },
    { standard: 'NS3940:2023', kind: 'TBA', squareMeters: 12.3 },
  ],
};

const draft = async (assignmentId: string, content: ContentInput = conditionContent([item('TG1')])) =>
  server.admin.reports.createDraft.mutate({ assignmentId, authorId, content });

async function submitted(assignmentId?: string): Promise<Report> {
  const created = await draft(assignmentId ?? (await newAssignment()));
  return server.admin.reports.submit.mutate({ id: created.id, expectedVersion: created.version });
}

async function approved(assignmentId?: string): Promise<Report> {
  const report = await submitted(assignmentId);
  return server.admin.reports.approve.mutate({ id: report.id, reviewerId, expectedVersion: report.version });
}

/** Delivers the approved report the way production does: by delivering its assignment. */
async function deliver(assignmentId: string): Promise<void> {
  // Straight to in_review in the database: the steps before it are the lifecycle's to test.
  await query(server.databaseUrl, "update assignments set status = 'in_review' where id = $1", [assignmentId]);
  const assignment = await server.admin.assignments.get.query({ id: assignmentId });
  await server.admin.assignments.transition.mutate({
    id: assignmentId,
    to: 'delivered',
    expectedVersion: assignment.version,
  });
}

async function delivered(): Promise<Report> {
  const assignmentId = await newAssignment();
  const report = await approved(assignmentId);
  await deliver(assignmentId);
  return server.admin.reports.get.query({ id: report.id });
}

const reportRow = async (id: string) =>
  (await query(server.databaseUrl, 'select * from report_versions where id = $1', [id]))[0];

const versionCount = async (assignmentId: string) =>
  Number(
    (
      await query<{ count: string }>(
        server.databaseUrl,
        'select count(*) from report_versions where assignment_id = $1',
        [assignmentId],
      )
    )[0]?.count,
  );

async function auditActions(reportId: string) {
  return query<{ action: string; actor_name: string; request_id: string | null; changes: Record<string, unknown> }>(
    server.databaseUrl,
    `select action, actor_name, request_id, changes from audit_log
     where entity_type = 'report' and entity_id = $1 order by occurred_at, id`,
    [reportId],
  );
}

describe('content validation', () => {
  const cases: [string, AssignmentType, Record<string, unknown>, (string | number)[]][] = [
    [
      'a grade that does not exist',
      'condition_report',
      { ...conditionContent(), items: [{ ...item('TG1'), grade: 'TG4' }] },
      ['content', 'items', 0, 'grade'],
    ],
    [
      'an unknown cost bucket',
      'condition_report',
      { ...conditionContent(), items: [{ ...item('TG2'), costEstimate: '10k_20k' }] },
      ['content', 'items', 0, 'costEstimate'],
    ],
    [
      'a summary sent by the client',
      'condition_report',
      { ...conditionContent(), summary: [] },
      ['content', 'summary'],
    ],
    [
      'a malformed standard version',
      'condition_report',
      { ...conditionContent(), standardVersion: '3600' },
      ['content', 'standardVersion'],
    ],
    [
      'a national identity number in a description',
      'condition_report',
      { ...conditionContent(), items: [{ ...item('TG2'), description: 'Eier 01019012480 opplyste' }] },
      ['content', 'items', 0, 'description'],
    ],
    [
      'a negative market value',
      'valuation',
      { ...valuationContent, values: { marketValue: -1 } },
      ['content', 'values', 'marketValue'],
    ],
    [
      'money in fractions of an øre',
      'valuation',
      { ...valuationContent, values: { marketValue: 100.5 } },
      ['content', 'values', 'marketValue'],
    ],
    [
      'money beyond the upper bound',
      'valuation',
      { ...valuationContent, values: { marketValue: 1, loanValue: 10 ** 13 } },
      ['content', 'values', 'loanValue'],
    ],
    [
      'an area kind not in its standard',
      'area_measurement',
      { kind: 'area', areas: [{ standard: 'NS3940:2023', kind: 'P-rom', squareMeters: 50 }] },
      ['content', 'areas', 0, 'kind'],
    ],
    [
      'a 2023 area kind under the 2012 standard',
      'valuation',
      { ...valuationContent, areas: [{ standard: 'NS3940:2012', kind: 'BRA-i', squareMeters: 50 }] },
      ['content', 'areas', 0, 'kind'],
    ],
    [
      'square metres with two decimals',
      'area_measurement',
      { kind: 'area', areas: [{ standard: 'NS3940:2023', kind: 'BRA-i', squareMeters: 50.25 }] },
      ['content', 'areas', 0, 'squareMeters'],
    ],
    [
      'negative square metres',
      'area_measurement',
      { kind: 'area', areas: [{ standard: 'NS3940:2012', kind: 'P-rom', squareMeters: -1 }] },
      ['content', 'areas', 0, 'squareMeters'],
    ],
    [
      'areas under two standards in one report',
      'area_measurement',
      {
        kind: 'area',
        areas: [
          { standard: 'NS3940:2023', kind: 'BRA-i', squareMeters: 50 },
          { standard: 'NS3940:2012', kind: 'P-rom', squareMeters: 48 },
        ],
      },
      ['content', 'areas'],
    ],
    [
      'energy grade H',
      'energy_certificate',
      { kind: 'energy', energyGrade: 'H', heatingGrade: 'red' },
      ['content', 'energyGrade'],
    ],
    [
      'a heating grade that is not one of the colours',
      'energy_certificate',
      { kind: 'energy', energyGrade: 'C', heatingGrade: 'green' },
      ['content', 'heatingGrade'],
    ],
    ['an unknown kind', 'condition_report', { kind: 'inspection' }, ['content', 'kind']],
  ];

  it.each(cases)('refuses %s with VALIDATION_FAILED and writes nothing', async (_name, type, content, path) => {
    const assignmentId = await newAssignment(type);
    const error = await caught(() =>
      server.admin.reports.createDraft.mutate({ assignmentId, authorId, content } as never),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(await versionCount(assignmentId)).toBe(0);
  });

  const accepted: [AssignmentType, ContentInput][] = [
    ['condition_report', conditionContent([{ ...item('TG2', 'Bad', 'Bad 1'), deviation: 'Fall mot sluk mangler' }])],
    ['damage_assessment', { kind: 'condition', standardVersion: 'NS 3424:2012', items: [item('TG3')] }],
    ['valuation', valuationContent],
    ['value_assessment', { kind: 'valuation', values: { marketValue: 0 }, areas: [] }],
    ['energy_certificate', { kind: 'energy', energyGrade: 'G', heatingGrade: 'light_green' }],
    [
      'area_measurement',
      {
        kind: 'area',
        areas: [
          { standard: 'NS3940:2012', kind: 'P-rom', squareMeters: 71.5 },
          { standard: 'NS3940:2012', kind: 'S-rom', squareMeters: 8 },
        ],
      },
    ],
  ];

  it.each(accepted)('keeps the content of a %s as sent', async (type, content) => {
    const assignmentId = await newAssignment(type);
    const created = await draft(assignmentId, content);
    expect(created).toMatchObject({ kind: content.kind, content });
    expect(await server.admin.reports.get.query({ id: created.id })).toEqual(created);
  });

  it.each([
    ['condition_report', { kind: 'energy', energyGrade: 'A', heatingGrade: 'red' }],
    ['valuation', conditionContent()],
    ['energy_certificate', valuationContent],
    ['area_measurement', valuationContent],
    ['handover_inspection', { kind: 'area', areas: [] }],
  ] as [AssignmentType, ContentInput][])('refuses content of another kind on a %s', async (type, content) => {
    const assignmentId = await newAssignment(type);
    const error = await caught(() => draft(assignmentId, content));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'REPORT_KIND_MISMATCH' });
    expect(await versionCount(assignmentId)).toBe(0);
  });

  it('refuses a draft update whose kind differs from the report', async () => {
    const created = await draft(await newAssignment());
    const error = await caught(() =>
      server.admin.reports.updateDraft.mutate({ id: created.id, expectedVersion: 1, content: valuationContent }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'REPORT_KIND_MISMATCH' });
  });
});

describe('the condition summary', () => {
  it('lists exactly the TG2, TG3 and TGIU items, in the order of the report', async () => {
    const items = [
      item('TG0', 'Tak'),
      { ...item('TG2', 'Bad', 'Bad 1'), costEstimate: '10k_50k' as const, consequence: 'Bør utbedres' },
      item('TG1', 'Kjøkken', 'Kjøkken'),
      item('TGIU', 'Krypkjeller'),
      item('TG3', 'Drenering'),
      item('TG1', 'Vinduer'),
    ];
    const created = await draft(await newAssignment(), conditionContent(items));
    if (created.content.kind !== 'condition') throw new Error('expected a condition report');
    expect(created.content.summary).toEqual([
      { section: 'Bad', buildingPart: 'Sluk og membran', room: 'Bad 1', grade: 'TG2', description: 'Vurdert til TG2' },
      { section: 'Krypkjeller', buildingPart: 'Sluk og membran', grade: 'TGIU', description: 'Vurdert til TGIU' },
      { section: 'Drenering', buildingPart: 'Sluk og membran', grade: 'TG3', description: 'Vurdert til TG3' },
    ]);
    expect(created.content.items).toEqual(items);
  });

  it('follows the items when the draft changes, and is never stored', async () => {
    const created = await draft(await newAssignment(), conditionContent([item('TG3')]));
    const updated = await server.admin.reports.updateDraft.mutate({
      id: created.id,
      expectedVersion: created.version,
      content: conditionContent([item('TG1'), item('TG0')]),
    });
    expect(updated.content).toMatchObject({ summary: [] });
    const row = await reportRow(created.id);
    expect(row?.content).not.toHaveProperty('summary');
  });
});

describe('reports.createDraft', () => {
  it('starts version 1 as a draft by its author, and audits it', async () => {
    const assignmentId = await newAssignment();
    const created = await draft(assignmentId);
    expect(created).toMatchObject({
      assignmentId,
      number: 1,
      kind: 'condition',
      status: 'draft',
      authorId,
      reviewerId: null,
      revisesId: null,
      submittedAt: null,
      approvedAt: null,
      deliveredAt: null,
      version: 1,
    });
    expect(created.updatedAt).toBe(created.createdAt);
    const audit = await auditActions(created.id);
    expect(audit).toEqual([expect.objectContaining({ action: 'draft_created', actor_name: 'bootstrap-admin' })]);
    expect(audit[0]?.request_id).toEqual(expect.any(String));
    expect(audit[0]?.changes).toMatchObject({ status: { from: null, to: 'draft' } });
  });

  it('refuses an unknown assignment, an unknown author and an inactive one', async () => {
    const noAssignment = await caught(() => draft(UNKNOWN_ID));
    expect(noAssignment.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
    const assignmentId = await newAssignment();
    const noAuthor = await caught(() =>
      server.admin.reports.createDraft.mutate({ assignmentId, authorId: UNKNOWN_ID, content: conditionContent() }),
    );
    expect(noAuthor.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
    const retiredId = await newAppraiser('Retired Appraiser', false);
    const retired = await caught(() =>
      server.admin.reports.createDraft.mutate({ assignmentId, authorId: retiredId, content: conditionContent() }),
    );
    expect(retired.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'APPRAISER_INACTIVE' });
    expect(await versionCount(assignmentId)).toBe(0);
  });

  it('allows one version in work per assignment', async () => {
    const assignmentId = await newAssignment();
    await draft(assignmentId);
    const error = await caught(() => draft(assignmentId));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE' });
    expect(await versionCount(assignmentId)).toBe(1);
  });

  it('lets exactly one of several concurrent starts win', async () => {
    const assignmentId = await newAssignment();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => draft(assignmentId)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(result.reason.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE' });
      }
    }
    expect(await versionCount(assignmentId)).toBe(1);
  });
});

describe('reports.updateDraft', () => {
  it('replaces the content, bumps the version and audits the change', async () => {
    const created = await draft(await newAssignment());
    const items = [item('TG2', 'Våtrom')];
    const updated = await server.admin.reports.updateDraft.mutate({
      id: created.id,
      expectedVersion: 1,
      content: conditionContent(items),
    });
    expect(updated).toMatchObject({ version: 2, status: 'draft', content: { items } });
    expect(await server.admin.reports.get.query({ id: created.id })).toEqual(updated);
    expect((await auditActions(created.id)).map((a) => a.action)).toEqual(['draft_created', 'draft_updated']);
  });

  it('writes nothing when the content does not change', async () => {
    const created = await draft(await newAssignment('valuation'), valuationContentFor());
    const same = await server.admin.reports.updateDraft.mutate({
      id: created.id,
      expectedVersion: 1,
      content: valuationContentFor(),
    });
    expect(same).toEqual(created);
    expect((await auditActions(created.id)).map((a) => a.action)).toEqual(['draft_created']);
  });

  it('refuses a stale expectedVersion with VERSION_CONFLICT and the current version', async () => {
    const created = await draft(await newAssignment());
    await server.admin.reports.updateDraft.mutate({
      id: created.id,
      expectedVersion: 1,
      content: conditionContent([item('TG3')]),
    });
    const error = await caught(() =>
      server.admin.reports.updateDraft.mutate({ id: created.id, expectedVersion: 1, content: conditionContent() }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
  });

  it('lets one of two concurrent updates at one version win', async () => {
    const created = await draft(await newAssignment());
    const results = await Promise.allSettled(
      ['TG2', 'TG3'].map((grade) =>
        server.admin.reports.updateDraft.mutate({
          id: created.id,
          expectedVersion: 1,
          content: conditionContent([item(grade as 'TG2' | 'TG3')]),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect(loser?.status === 'rejected' && loser.reason.data).toMatchObject({ errorCode: 'VERSION_CONFLICT' });
    expect((await server.admin.reports.get.query({ id: created.id })).version).toBe(2);
  });

  it('refuses a submitted or approved report with REPORT_WRONG_STATE', async () => {
    for (const report of [await submitted(), await approved()]) {
      const error = await caught(() =>
        server.admin.reports.updateDraft.mutate({
          id: report.id,
          expectedVersion: report.version,
          content: conditionContent(),
        }),
      );
      expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE', status: report.status });
    }
  });

  it('answers REPORT_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() =>
      server.admin.reports.updateDraft.mutate({ id: UNKNOWN_ID, expectedVersion: 1, content: conditionContent() }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'REPORT_NOT_FOUND' });
  });
});

function valuationContentFor(): ContentInput {
  // A fresh object with keys in another order than PostgreSQL's jsonb keeps them.
  return {
    areas: [{ squareMeters: 84.5, kind: 'BRA-i', standard: 'NS3940:2023' }],
    values: { technicalValue: 1, marketValue: 2 },
    kind: 'valuation',
  };
}

describe('submit, approve and reject', () => {
  it('takes a draft through submitted to approved by another appraiser', async () => {
    const created = await draft(await newAssignment());
    const sent = await server.admin.reports.submit.mutate({ id: created.id, expectedVersion: 1 });
    expect(sent).toMatchObject({ status: 'submitted', version: 2, approvedAt: null });
    expect(sent.submittedAt).toEqual(expect.any(String));
    const ok = await server.admin.reports.approve.mutate({ id: created.id, reviewerId, expectedVersion: 2 });
    expect(ok).toMatchObject({ status: 'approved', version: 3, reviewerId, submittedAt: sent.submittedAt });
    expect(ok.approvedAt).toEqual(expect.any(String));
    const audit = await auditActions(created.id);
    expect(audit.map((a) => a.action)).toEqual(['draft_created', 'submitted', 'approved']);
    expect(audit[2]?.changes).toMatchObject({
      status: { from: 'submitted', to: 'approved' },
      reviewerId: { from: null, to: reviewerId },
    });
  });

  it('refuses the author as reviewer with REVIEWER_IS_AUTHOR and keeps the report submitted', async () => {
    const report = await submitted();
    const error = await caught(() =>
      server.admin.reports.approve.mutate({ id: report.id, reviewerId: authorId, expectedVersion: report.version }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'REVIEWER_IS_AUTHOR' });
    expect(await server.admin.reports.get.query({ id: report.id })).toEqual(report);
  });

  it('refuses an unknown reviewer', async () => {
    const report = await submitted();
    const error = await caught(() =>
      server.admin.reports.approve.mutate({ id: report.id, reviewerId: UNKNOWN_ID, expectedVersion: report.version }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
  });

  it('refuses steps from the wrong state with REPORT_WRONG_STATE', async () => {
    const created = await draft(await newAssignment());
    const approveDraft = await caught(() =>
      server.admin.reports.approve.mutate({ id: created.id, reviewerId, expectedVersion: 1 }),
    );
    expect(approveDraft.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE', status: 'draft' });
    const rejectDraft = await caught(() =>
      server.admin.reports.reject.mutate({ id: created.id, reason: 'Nope', expectedVersion: 1 }),
    );
    expect(rejectDraft.data).toMatchObject({ errorCode: 'REPORT_WRONG_STATE' });
    const sent = await server.admin.reports.submit.mutate({ id: created.id, expectedVersion: 1 });
    const again = await caught(() =>
      server.admin.reports.submit.mutate({ id: created.id, expectedVersion: sent.version }),
    );
    expect(again.data).toMatchObject({ errorCode: 'REPORT_WRONG_STATE', status: 'submitted' });
  });

  it('refuses a stale expectedVersion on submit', async () => {
    const created = await draft(await newAssignment());
    const error = await caught(() => server.admin.reports.submit.mutate({ id: created.id, expectedVersion: 7 }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 1 });
  });

  it('sends a submitted report back to draft with the reason in the audit log', async () => {
    const report = await submitted();
    const back = await server.admin.reports.reject.mutate({
      id: report.id,
      reason: 'Mangler bilder av taket',
      expectedVersion: report.version,
    });
    expect(back).toMatchObject({ status: 'draft', submittedAt: null, reviewerId: null, version: report.version + 1 });
    const audit = await auditActions(report.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'rejected',
      changes: { rejectionReason: { from: null, to: 'Mangler bilder av taket' } },
    });
    const edited = await server.admin.reports.updateDraft.mutate({
      id: report.id,
      expectedVersion: back.version,
      content: conditionContent([item('TG2')]),
    });
    expect(edited.status).toBe('draft');
  });

  it('sends an approved, undelivered report back to draft', async () => {
    const report = await approved();
    const back = await server.admin.reports.reject.mutate({
      id: report.id,
      reason: 'Feil i arealene',
      expectedVersion: report.version,
    });
    expect(back).toMatchObject({ status: 'draft', approvedAt: null, reviewerId: null });
  });
});

describe('a delivered version', () => {
  it('is delivered with its assignment', async () => {
    const report = await delivered();
    expect(report.status).toBe('delivered');
    expect(report.deliveredAt).toEqual(expect.any(String));
  });

  it('refuses every write with REPORT_LOCKED, even at its current version, and stays unchanged', async () => {
    const report = await delivered();
    const before = await reportRow(report.id);
    const at = { id: report.id, expectedVersion: report.version };
    const writes = [
      () => server.admin.reports.updateDraft.mutate({ ...at, content: conditionContent([item('TG3')]) }),
      () => server.admin.reports.submit.mutate(at),
      () => server.admin.reports.approve.mutate({ ...at, reviewerId }),
      () => server.admin.reports.reject.mutate({ ...at, reason: 'Too late' }),
      () => server.admin.reports.updateDraft.mutate({ id: report.id, expectedVersion: 1, content: conditionContent() }),
    ];
    for (const write of writes) {
      const error = await caught(write);
      expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_LOCKED', status: 'delivered' });
    }
    expect(await reportRow(report.id)).toEqual(before);
    expect(await server.admin.reports.get.query({ id: report.id })).toEqual(report);
  });

  it('is not followed by a fresh draft, only by a revision', async () => {
    const report = await delivered();
    const error = await caught(() => draft(report.assignmentId));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE', reportId: report.id });
  });
});

describe('reports.revise', () => {
  it('starts version n+1 as a draft with the content copied, and leaves the delivered one alone', async () => {
    const report = await delivered();
    const before = await reportRow(report.id);
    const revision = await server.admin.reports.revise.mutate({ assignmentId: report.assignmentId });
    expect(revision).toMatchObject({
      assignmentId: report.assignmentId,
      number: 2,
      kind: report.kind,
      status: 'draft',
      content: report.content,
      authorId,
      reviewerId: null,
      revisesId: report.id,
      submittedAt: null,
      approvedAt: null,
      deliveredAt: null,
      version: 1,
    });
    expect(revision.id).not.toBe(report.id);
    expect(await reportRow(report.id)).toEqual(before);
    expect((await auditActions(revision.id)).map((a) => a.action)).toEqual(['revised']);
    const list = await server.admin.reports.list.query({ assignmentId: report.assignmentId });
    expect(list.items.map((r) => [r.number, r.status])).toEqual([
      [1, 'delivered'],
      [2, 'draft'],
    ]);
  });

  it('takes the delivered version by id, and another author when given', async () => {
    const report = await delivered();
    const otherAuthor = await newAppraiser('Other Author');
    const revision = await server.admin.reports.revise.mutate({ id: report.id, authorId: otherAuthor });
    expect(revision).toMatchObject({ number: 2, authorId: otherAuthor, revisesId: report.id });
  });

  it('refuses a second revision while the first is in work', async () => {
    const report = await delivered();
    await server.admin.reports.revise.mutate({ id: report.id });
    const error = await caught(() => server.admin.reports.revise.mutate({ id: report.id }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE' });
    expect(await versionCount(report.assignmentId)).toBe(2);
  });

  it('refuses a report that is not delivered, and an assignment without a report', async () => {
    const open = await draft(await newAssignment());
    const byId = await caught(() => server.admin.reports.revise.mutate({ id: open.id }));
    expect(byId.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE' });
    const withoutReport = await newAssignment();
    const none = await caught(() => server.admin.reports.revise.mutate({ assignmentId: withoutReport }));
    expect(none.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE' });
    const unknown = await caught(() => server.admin.reports.revise.mutate({ id: UNKNOWN_ID }));
    expect(unknown.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'REPORT_NOT_FOUND' });
  });

  it('revises only the latest delivered version', async () => {
    const first = await delivered();
    const second = await server.admin.reports.revise.mutate({ id: first.id });
    const sent = await server.admin.reports.submit.mutate({ id: second.id, expectedVersion: second.version });
    await server.admin.reports.approve.mutate({ id: second.id, reviewerId, expectedVersion: sent.version });
    await deliver(first.assignmentId);
    const old = await caught(() => server.admin.reports.revise.mutate({ id: first.id }));
    expect(old.data).toMatchObject({ code: 'CONFLICT', errorCode: 'REPORT_WRONG_STATE', reportId: second.id });
    const third = await server.admin.reports.revise.mutate({ assignmentId: first.assignmentId });
    expect(third).toMatchObject({ number: 3, revisesId: second.id });
  });

  it('needs either an assignment or a report id', async () => {
    const error = await caught(() => server.admin.reports.revise.mutate({}));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
  });
});

describe('reports.get and reports.list', () => {
  it('answers REPORT_NOT_FOUND and ASSIGNMENT_NOT_FOUND for unknown ids', async () => {
    const get = await caught(() => server.admin.reports.get.query({ id: UNKNOWN_ID }));
    expect(get.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'REPORT_NOT_FOUND' });
    const list = await caught(() => server.admin.reports.list.query({ assignmentId: UNKNOWN_ID }));
    expect(list.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });

  it('lists nothing for an assignment without a report', async () => {
    expect(await server.admin.reports.list.query({ assignmentId: await newAssignment() })).toEqual({ items: [] });
  });
});

describe('scopes', () => {
  it('lets assignments:read read reports but not write them', async () => {
    const reader = await server.clientWithScopes(['assignments:read']);
    const created = await draft(await newAssignment());
    expect(await reader.reports.get.query({ id: created.id })).toEqual(created);
    expect((await reader.reports.list.query({ assignmentId: created.assignmentId })).items).toEqual([created]);
    const writes = [
      () =>
        reader.reports.createDraft.mutate({
          assignmentId: created.assignmentId,
          authorId,
          content: conditionContent(),
        }),
      () => reader.reports.submit.mutate({ id: created.id, expectedVersion: 1 }),
      () => reader.reports.revise.mutate({ id: created.id }),
    ];
    for (const write of writes) {
      const error = await caught(write);
      expect(error.data).toMatchObject({
        code: 'FORBIDDEN',
        errorCode: 'MISSING_SCOPE',
        requiredScope: 'assignments:write',
      });
    }
    expect((await server.admin.reports.get.query({ id: created.id })).status).toBe('draft');
  });

  it('refuses reading to a client without assignments:read', async () => {
    const other = await server.clientWithScopes(['properties:read']);
    const error = await caught(() => other.reports.list.query({ assignmentId: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:read' });
  });
});
