import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput, caught } from './support/fixtures';
import { insertAppraiser, insertInspection } from './support/rows';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let author: string;
let reviewer: string;
beforeAll(async () => {
  server = await startTestServer();
  const certified = [{ area: 'condition', validFrom: '2020-01-01', validTo: null }];
  author = await insertAppraiser(server.databaseUrl, certified);
  reviewer = await insertAppraiser(server.databaseUrl, certified);
});
afterAll(() => server?.close());

const content = (description: string) => ({
  kind: 'condition' as const,
  standardVersion: 'NS3600:2018',
  items: [{ section: 'Tak', buildingPart: 'Taktekking', grade: 'TG2' as const, description }],
});

/** An assignment taken through the whole lifecycle, over the API, to delivered. */
async function deliveredAssignment() {
  const admin = server.admin;
  let a = await admin.assignments.create.mutate(assignmentInput({ type: 'condition_report' }));
  const move = async (to: Parameters<typeof admin.assignments.transition.mutate>[0]['to']) => {
    a = await admin.assignments.transition.mutate({ id: a.id, to, expectedVersion: a.version });
  };
  await move('confirmed');
  await insertInspection(server.databaseUrl, a.id, author, 'booked');
  await move('inspection_booked');
  await insertInspection(server.databaseUrl, a.id, author, 'completed');
  await move('inspected');
  await move('drafting');
  const draft = await admin.reports.createDraft.mutate({
    assignmentId: a.id,
    authorId: author,
    content: content('Slitt'),
  });
  const submitted = await admin.reports.submit.mutate({ id: draft.id, expectedVersion: draft.version });
  await move('in_review');
  await admin.reports.approve.mutate({ id: draft.id, reviewerId: reviewer, expectedVersion: submitted.version });
  await move('delivered');
  return { assignment: a, firstReportId: draft.id };
}

describe('a revision of a delivered report', () => {
  it('is drafted, approved and delivered on its own, while the first version stays locked', async () => {
    const { assignment, firstReportId } = await deliveredAssignment();
    const first = await server.admin.reports.get.query({ id: firstReportId });
    expect(first.status).toBe('delivered');

    const revision = await server.admin.reports.revise.mutate({ assignmentId: assignment.id });
    expect(revision).toMatchObject({ number: 2, status: 'draft', revisesId: firstReportId });
    const updated = await server.admin.reports.updateDraft.mutate({
      id: revision.id,
      expectedVersion: revision.version,
      content: content('Slitt; lekkasje funnet ved pipe'),
    });
    const submitted = await server.admin.reports.submit.mutate({ id: revision.id, expectedVersion: updated.version });
    const approved = await server.admin.reports.approve.mutate({
      id: revision.id,
      reviewerId: reviewer,
      expectedVersion: submitted.version,
    });
    const delivered = await server.admin.reports.deliverRevision.mutate({
      id: revision.id,
      expectedVersion: approved.version,
    });
    expect(delivered).toMatchObject({ status: 'delivered', number: 2 });
    expect(delivered.deliveredAt).not.toBeNull();
    expect(await server.admin.reports.get.query({ id: firstReportId })).toEqual(first);

    const locked = await caught(() =>
      server.admin.reports.updateDraft.mutate({
        id: revision.id,
        expectedVersion: delivered.version,
        content: content('x'),
      }),
    );
    expect(locked.data).toMatchObject({ errorCode: 'REPORT_LOCKED' });
    const timeline = await server.admin.assignments.timeline.query({ id: assignment.id });
    expect(timeline.items.filter((e) => e.kind === 'report_delivered').map((e) => 'number' in e && e.number)).toEqual([
      1, 2,
    ]);
  });

  it('cannot be used to deliver a first version around the lifecycle', async () => {
    const a = await server.admin.assignments.create.mutate(assignmentInput({ type: 'condition_report' }));
    const draft = await server.admin.reports.createDraft.mutate({
      assignmentId: a.id,
      authorId: author,
      content: content('x'),
    });
    const submitted = await server.admin.reports.submit.mutate({ id: draft.id, expectedVersion: draft.version });
    const approved = await server.admin.reports.approve.mutate({
      id: draft.id,
      reviewerId: reviewer,
      expectedVersion: submitted.version,
    });
    const error = await caught(() =>
      server.admin.reports.deliverRevision.mutate({ id: draft.id, expectedVersion: approved.version }),
    );
    expect(error.data).toMatchObject({ errorCode: 'REPORT_WRONG_STATE' });
    expect((await server.admin.reports.get.query({ id: draft.id })).status).toBe('approved');
  });
});
