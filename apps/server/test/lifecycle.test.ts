import { ASSIGNMENT_STATUSES, ASSIGNMENT_TRANSITIONS, type AssignmentStatus, HOLDABLE_STATUSES } from '@takst/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { insertAppraiser, insertInspection, insertReport, setStatus } from './support/rows';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let appraiserId: string;
let reviewerId: string;
beforeAll(async () => {
  server = await startTestServer();
  appraiserId = await insertAppraiser(server.databaseUrl);
  reviewerId = await insertAppraiser(server.databaseUrl);
});
afterAll(() => server?.close());

/** An assignment put straight into `status`, with what the guards of `to` ask for in place. */
async function assignmentIn(status: AssignmentStatus, readyFor?: AssignmentStatus, heldFrom?: AssignmentStatus) {
  const created = await server.admin.assignments.create.mutate(assignmentInput());
  await setStatus(server.databaseUrl, created.id, status, heldFrom ?? null);
  const url = server.databaseUrl;
  if (readyFor === 'inspection_booked') await insertInspection(url, created.id, appraiserId, 'booked');
  if (readyFor === 'inspected') await insertInspection(url, created.id, appraiserId, 'completed');
  if (readyFor === 'in_review') await insertReport(url, created.id, appraiserId, 'submitted');
  if (readyFor === 'delivered') await insertReport(url, created.id, appraiserId, 'approved');
  return server.admin.assignments.get.query({ id: created.id });
}

const tableTransitions = ASSIGNMENT_STATUSES.flatMap((from) =>
  ASSIGNMENT_TRANSITIONS[from].map((to) => [from, to] as const),
);

describe('assignments.transition', () => {
  it.each(tableTransitions)('goes from %s to %s and records the change', async (from, to) => {
    const assignment = await assignmentIn(from, to);
    const moved = await server.admin.assignments.transition.mutate({
      id: assignment.id,
      to,
      reason: `testing ${from} → ${to}`,
      expectedVersion: assignment.version,
    });
    expect(moved.status).toBe(to);
    expect(moved.version).toBe(assignment.version + 1);
    expect(moved.statusBeforeHold).toBe(to === 'on_hold' ? from : null);
    const changes = await query<{ from_status: string; to_status: string; reason: string; actor_name: string }>(
      server.databaseUrl,
      'select from_status, to_status, reason, actor_name from assignment_status_changes where assignment_id = $1',
      [assignment.id],
    );
    expect(changes).toEqual([
      { from_status: from, to_status: to, reason: `testing ${from} → ${to}`, actor_name: 'bootstrap-admin' },
    ]);
  });

  it.each(HOLDABLE_STATUSES.map((s) => [s]))(
    'returns from on_hold to %s, where it was, and nowhere else',
    async (heldFrom) => {
      const held = await assignmentIn('on_hold', heldFrom, heldFrom);
      const elsewhere = ASSIGNMENT_STATUSES.find(
        (s) => s !== heldFrom && s !== 'cancelled' && s !== 'on_hold',
      ) as AssignmentStatus;
      const refused = await caught(() =>
        server.admin.assignments.transition.mutate({ id: held.id, to: elsewhere, expectedVersion: held.version }),
      );
      expect(refused.data).toMatchObject({ errorCode: 'INVALID_TRANSITION', allowed: [heldFrom, 'cancelled'] });
      const back = await server.admin.assignments.transition.mutate({
        id: held.id,
        to: heldFrom,
        expectedVersion: held.version,
      });
      expect(back).toMatchObject({ status: heldFrom, statusBeforeHold: null });
    },
  );

  it('can cancel an assignment on hold', async () => {
    const held = await assignmentIn('on_hold', undefined, 'drafting');
    const cancelled = await server.admin.assignments.transition.mutate({
      id: held.id,
      to: 'cancelled',
      expectedVersion: held.version,
    });
    expect(cancelled.status).toBe('cancelled');
  });

  const refusals: [AssignmentStatus, AssignmentStatus][] = [
    ['received', 'delivered'],
    ['received', 'inspected'],
    ['confirmed', 'closed'],
    ['delivered', 'cancelled'],
    ['invoiced', 'cancelled'],
    ['closed', 'received'],
    ['cancelled', 'received'],
    ['delivered', 'on_hold'],
    ['in_review', 'invoiced'],
  ];
  it.each(refusals)('refuses %s → %s with INVALID_TRANSITION listing the allowed targets', async (from, to) => {
    const assignment = await assignmentIn(from, to);
    const error = await caught(() =>
      server.admin.assignments.transition.mutate({ id: assignment.id, to, expectedVersion: assignment.version }),
    );
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      errorCode: 'INVALID_TRANSITION',
      from,
      to,
      allowed: [...ASSIGNMENT_TRANSITIONS[from]],
    });
    const after = await server.admin.assignments.get.query({ id: assignment.id });
    expect(after).toEqual(assignment);
  });

  it('refuses a stale expectedVersion', async () => {
    const assignment = await assignmentIn('received');
    const error = await caught(() =>
      server.admin.assignments.transition.mutate({ id: assignment.id, to: 'confirmed', expectedVersion: 99 }),
    );
    expect(error.data).toMatchObject({ errorCode: 'VERSION_CONFLICT', currentVersion: assignment.version });
  });
});

describe('transition guards', () => {
  const guarded: [AssignmentStatus, AssignmentStatus, string][] = [
    ['confirmed', 'inspection_booked', 'booked inspection'],
    ['inspection_booked', 'inspected', 'completed inspection'],
    ['drafting', 'in_review', 'submitted report'],
    ['in_review', 'delivered', 'approved report'],
  ];
  it.each(guarded)('refuses %s → %s without a %s, and writes nothing', async (from, to, what) => {
    const assignment = await assignmentIn(from);
    const error = await caught(() =>
      server.admin.assignments.transition.mutate({ id: assignment.id, to, expectedVersion: assignment.version }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'TRANSITION_GUARD_FAILED' });
    expect(error.message).toContain(what);
    expect(await server.admin.assignments.get.query({ id: assignment.id })).toEqual(assignment);
    const changes = await query(
      server.databaseUrl,
      'select 1 from assignment_status_changes where assignment_id = $1',
      [assignment.id],
    );
    expect(changes).toHaveLength(0);
  });

  it('does not count a cancelled inspection as booked, nor a draft report as submitted', async () => {
    const confirmed = await assignmentIn('confirmed');
    await insertInspection(server.databaseUrl, confirmed.id, appraiserId, 'cancelled');
    const booked = await caught(() =>
      server.admin.assignments.transition.mutate({
        id: confirmed.id,
        to: 'inspection_booked',
        expectedVersion: confirmed.version,
      }),
    );
    expect(booked.data).toMatchObject({ errorCode: 'TRANSITION_GUARD_FAILED' });
    const drafting = await assignmentIn('drafting');
    await insertReport(server.databaseUrl, drafting.id, appraiserId, 'draft');
    const review = await caught(() =>
      server.admin.assignments.transition.mutate({
        id: drafting.id,
        to: 'in_review',
        expectedVersion: drafting.version,
      }),
    );
    expect(review.data).toMatchObject({ errorCode: 'TRANSITION_GUARD_FAILED' });
  });

  it('delivers the approved report when the assignment is delivered', async () => {
    const assignment = await assignmentIn('in_review');
    const reportId = await insertReport(server.databaseUrl, assignment.id, appraiserId, 'approved');
    await query(server.databaseUrl, 'update report_versions set reviewer_id = $2 where id = $1', [
      reportId,
      reviewerId,
    ]);
    await server.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'delivered',
      expectedVersion: assignment.version,
    });
    const [report] = await query<{ status: string; delivered_at: Date | null }>(
      server.databaseUrl,
      'select status, delivered_at from report_versions where id = $1',
      [reportId],
    );
    expect(report?.status).toBe('delivered');
    expect(report?.delivered_at).toBeInstanceOf(Date);
  });
});

describe('assignments.assign', () => {
  const valid = { validFrom: '2020-01-01', validTo: null };

  it('gives the assignment to an appraiser certified for its type today', async () => {
    const certified = await insertAppraiser(server.databaseUrl, [{ area: 'condition', ...valid }]);
    const assignment = await server.admin.assignments.create.mutate(assignmentInput({ type: 'condition_report' }));
    const assigned = await server.admin.assignments.assign.mutate({
      id: assignment.id,
      appraiserId: certified,
      expectedVersion: assignment.version,
    });
    expect(assigned.appraiser?.id).toBe(certified);
    expect(assigned.version).toBe(assignment.version + 1);
  });

  it.each([
    ['holds another area only', [{ area: 'valuation', ...valid }]],
    ['holds an expired certification', [{ area: 'condition', validFrom: '2015-01-01', validTo: '2020-12-31' }]],
    ['holds one valid only from next year', [{ area: 'condition', validFrom: '2099-01-01', validTo: null }]],
    ['holds none', []],
  ])('refuses an appraiser who %s with APPRAISER_NOT_CERTIFIED', async (_, certifications) => {
    const appraiser = await insertAppraiser(server.databaseUrl, certifications);
    const assignment = await server.admin.assignments.create.mutate(assignmentInput({ type: 'condition_report' }));
    const error = await caught(() =>
      server.admin.assignments.assign.mutate({ id: assignment.id, appraiserId: appraiser, expectedVersion: 1 }),
    );
    expect(error.data).toMatchObject({ errorCode: 'APPRAISER_NOT_CERTIFIED', requiredCertification: 'condition' });
    expect((await server.admin.assignments.get.query({ id: assignment.id })).appraiser).toBeNull();
  });

  it('needs no certification for a handover inspection, but an active appraiser', async () => {
    const uncertified = await insertAppraiser(server.databaseUrl, []);
    const inactive = await insertAppraiser(server.databaseUrl, [], false);
    const assignment = await server.admin.assignments.create.mutate(assignmentInput({ type: 'handover_inspection' }));
    const error = await caught(() =>
      server.admin.assignments.assign.mutate({ id: assignment.id, appraiserId: inactive, expectedVersion: 1 }),
    );
    expect(error.data).toMatchObject({ errorCode: 'APPRAISER_INACTIVE' });
    const assigned = await server.admin.assignments.assign.mutate({
      id: assignment.id,
      appraiserId: uncertified,
      expectedVersion: 1,
    });
    expect(assigned.appraiser?.id).toBe(uncertified);
  });

  it('refuses an unknown appraiser', async () => {
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    const error = await caught(() =>
      server.admin.assignments.assign.mutate({
        id: assignment.id,
        appraiserId: '01900000-0000-7000-8000-000000000000',
        expectedVersion: 1,
      }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
  });
});

describe('assignments.timeline', () => {
  it('lists status changes, inspections, reports and notes in order', async () => {
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    const confirmed = await server.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'confirmed',
      reason: 'customer said yes',
      expectedVersion: 1,
    });
    const inspectionId = await insertInspection(server.databaseUrl, assignment.id, appraiserId, 'booked');
    await server.admin.assignments.transition.mutate({
      id: assignment.id,
      to: 'inspection_booked',
      expectedVersion: confirmed.version,
    });
    await query(
      server.databaseUrl,
      `insert into notes (id, assignment_id, author, source_system, text, created_at)
      values ('${inspectionId.slice(0, -4)}ffff', $1, 'Support', 'zendesk', 'Customer called', now())`,
      [assignment.id],
    );

    const { items } = await server.admin.assignments.timeline.query({ id: assignment.id });
    expect(items.map((e) => e.kind)).toEqual(['status_changed', 'inspection_booked', 'status_changed', 'note_added']);
    expect(items[0]).toMatchObject({
      from: 'received',
      to: 'confirmed',
      reason: 'customer said yes',
      actor: 'bootstrap-admin',
    });
    expect(items[1]).toMatchObject({ inspectionId, appraiser: { id: appraiserId } });
    expect(items[3]).toMatchObject({ author: 'Support', sourceSystem: 'zendesk', text: 'Customer called' });
    const times = items.map((e) => e.at);
    expect([...times].sort()).toEqual(times);
  });

  it('answers ASSIGNMENT_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() =>
      server.admin.assignments.timeline.query({ id: '01900000-0000-7000-8000-000000000000' }),
    );
    expect(error.data).toMatchObject({ errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });
});
