import type { AssignmentType } from '@takst/contract';
import { createTakstClient, type RouterInputs } from '@takst/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type Certification = RouterInputs['appraisers']['create']['certifications'];

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const CONDITION_SINCE_2020: NonNullable<Certification> = [
  { area: 'condition', validFrom: '2020-01-01', validTo: null },
];

const newAppraiser = async (certifications: Certification = CONDITION_SINCE_2020, active = true) =>
  (await server.admin.appraisers.create.mutate({ name: 'Anne Takst', certifications, active })).id;

const newAssignment = async (type: AssignmentType = 'condition_report') =>
  (await server.admin.assignments.create.mutate(assignmentInput({ type }))).id;

/** A slot on a day in 2027, e.g. slot('03-10', 9, 11) is 09:00–11:00 UTC on 10 March. */
const slot = (day: string, fromHour: number, toHour: number) => ({
  startsAt: `2027-${day}T${String(fromHour).padStart(2, '0')}:00:00.000Z`,
  endsAt: `2027-${day}T${String(toHour).padStart(2, '0')}:00:00.000Z`,
});

function book(assignmentId: string, appraiserId: string, times: { startsAt: string; endsAt: string }) {
  return server.admin.inspections.book.mutate({ assignmentId, appraiserId, ...times });
}

const withRequestId = (requestId: string) =>
  createTakstClient({ baseUrl: server.url, apiKey: server.adminKey, headers: { 'x-request-id': requestId } });

const statusChangesOf = (assignmentId: string) =>
  query<{ from_status: string; to_status: string }>(
    server.databaseUrl,
    'select from_status, to_status from assignment_status_changes where assignment_id = $1 order by changed_at, id',
    [assignmentId],
  );

interface AuditRow {
  entity_type: string;
  action: string;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}

const auditOf = (entityId: string) =>
  query<AuditRow>(
    server.databaseUrl,
    'select entity_type, action, request_id, changes from audit_log where entity_id = $1 order by occurred_at, id',
    [entityId],
  );

async function inspectionCount(assignmentId: string) {
  const rows = await query<{ count: string }>(
    server.databaseUrl,
    'select count(*) from inspections where assignment_id = $1',
    [assignmentId],
  );
  return Number(rows[0]?.count);
}

describe('inspections.book', () => {
  it('books an inspection and moves the assignment received → confirmed → inspection_booked', async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const inspection = await withRequestId('book-1').inspections.book.mutate({
      assignmentId,
      appraiserId,
      startsAt: '2027-03-10T10:00:00+01:00',
      endsAt: '2027-03-10T12:00:00+01:00',
      sourceSystem: 'booking-tool',
      externalId: 'BK-1001',
    });
    expect(inspection).toMatchObject({
      assignmentId,
      appraiser: { id: appraiserId, name: 'Anne Takst' },
      startsAt: '2027-03-10T09:00:00.000Z',
      endsAt: '2027-03-10T11:00:00.000Z',
      status: 'booked',
      sourceSystem: 'booking-tool',
      externalId: 'BK-1001',
      cancelReason: null,
      previousTimes: [],
      completedAt: null,
      version: 1,
    });
    expect(await server.admin.inspections.get.query({ id: inspection.id })).toEqual(inspection);

    const assignment = await server.admin.assignments.get.query({ id: assignmentId });
    expect(assignment.status).toBe('inspection_booked');
    expect(await statusChangesOf(assignmentId)).toEqual([
      { from_status: 'received', to_status: 'confirmed' },
      { from_status: 'confirmed', to_status: 'inspection_booked' },
    ]);
    const inspectionAudit = await auditOf(inspection.id);
    expect(inspectionAudit).toHaveLength(1);
    expect(inspectionAudit[0]).toMatchObject({ entity_type: 'inspection', action: 'booked', request_id: 'book-1' });
    expect(inspectionAudit[0]?.changes.startsAt).toEqual({ from: null, to: '2027-03-10T09:00:00.000Z' });
    const assignmentAudit = (await auditOf(assignmentId)).filter((row) => row.action === 'status_changed');
    expect(assignmentAudit.map((row) => [row.changes.status, row.request_id])).toEqual([
      [{ from: 'received', to: 'confirmed' }, 'book-1'],
      [{ from: 'confirmed', to: 'inspection_booked' }, 'book-1'],
    ]);
  });

  it('moves a confirmed assignment one step, and leaves an inspection_booked one where it is', async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const created = await server.admin.assignments.get.query({ id: assignmentId });
    await server.admin.assignments.transition.mutate({
      id: assignmentId,
      to: 'confirmed',
      expectedVersion: created.version,
    });
    await book(assignmentId, appraiserId, slot('04-01', 8, 9));
    expect((await statusChangesOf(assignmentId)).map((c) => c.to_status)).toEqual(['confirmed', 'inspection_booked']);
    const second = await book(assignmentId, appraiserId, slot('04-02', 8, 9));
    expect(second.status).toBe('booked');
    expect(await statusChangesOf(assignmentId)).toHaveLength(2);
    expect((await server.admin.assignments.get.query({ id: assignmentId })).status).toBe('inspection_booked');
  });

  it.each([['on_hold' as const], ['cancelled' as const]])(
    'refuses an assignment that is %s with INVALID_TRANSITION and writes nothing',
    async (to) => {
      const assignmentId = await newAssignment();
      await server.admin.assignments.transition.mutate({ id: assignmentId, to, reason: 'test', expectedVersion: 1 });
      const before = await server.admin.assignments.get.query({ id: assignmentId });
      const error = await caught(async () => book(assignmentId, await newAppraiser(), slot('04-03', 8, 9)));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_TRANSITION' });
      expect(error.message).toContain(to);
      expect(await inspectionCount(assignmentId)).toBe(0);
      expect(await server.admin.assignments.get.query({ id: assignmentId })).toEqual(before);
    },
  );

  it('refuses an assignment that is already inspected', async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const first = await book(assignmentId, appraiserId, slot('04-04', 8, 9));
    await server.admin.inspections.complete.mutate({ id: first.id, expectedVersion: 1 });
    const error = await caught(() => book(assignmentId, appraiserId, slot('04-05', 8, 9)));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_TRANSITION' });
  });

  it('answers NOT_FOUND for an unknown assignment or appraiser', async () => {
    const appraiserId = await newAppraiser();
    const noAssignment = await caught(() => book(UNKNOWN_ID, appraiserId, slot('04-06', 8, 9)));
    expect(noAssignment.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
    const assignmentId = await newAssignment();
    const noAppraiser = await caught(() => book(assignmentId, UNKNOWN_ID, slot('04-06', 8, 9)));
    expect(noAppraiser.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'APPRAISER_NOT_FOUND' });
    expect(await inspectionCount(assignmentId)).toBe(0);
  });

  const invalidTimes: [string, Record<string, unknown>, string][] = [
    ['an end before the start', slot('05-01', 10, 9), 'endsAt'],
    ['an end equal to the start', slot('05-01', 10, 10), 'endsAt'],
    ['more than 12 hours', { startsAt: '2027-05-01T06:00:00Z', endsAt: '2027-05-01T18:00:01Z' }, 'endsAt'],
    ['a time without an offset', { startsAt: '2027-05-01T06:00:00', endsAt: '2027-05-01T07:00:00Z' }, 'startsAt'],
  ];
  it.each(invalidTimes)('refuses %s with VALIDATION_FAILED', async (_name, times, field) => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const error = await caught(() => book(assignmentId, appraiserId, times as never));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: [field] })]));
  });

  it('accepts exactly 12 hours', async () => {
    const inspection = await book(await newAssignment(), await newAppraiser(), slot('05-02', 6, 18));
    expect(inspection.status).toBe('booked');
  });
});

describe('certification gating', () => {
  const cases: [string, Certification, boolean, string][] = [
    ['holds no certification', [], true, 'APPRAISER_NOT_CERTIFIED'],
    ['holds only another area', [{ area: 'valuation', validFrom: '2020-01-01' }], true, 'APPRAISER_NOT_CERTIFIED'],
    [
      'whose certification expired the day before',
      [{ area: 'condition', validFrom: '2020-01-01', validTo: '2027-06-09' }],
      true,
      'APPRAISER_NOT_CERTIFIED',
    ],
    [
      'whose certification starts the day after',
      [{ area: 'condition', validFrom: '2027-06-11' }],
      true,
      'APPRAISER_NOT_CERTIFIED',
    ],
    ['who is inactive', CONDITION_SINCE_2020, false, 'APPRAISER_INACTIVE'],
  ];

  it.each(cases)(
    'refuses an appraiser who %s, and writes nothing',
    async (_name, certifications, active, errorCode) => {
      const assignmentId = await newAssignment();
      const appraiserId = await newAppraiser(certifications, active);
      const error = await caught(() => book(assignmentId, appraiserId, slot('06-10', 9, 10)));
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode });
      expect(await inspectionCount(assignmentId)).toBe(0);
      const assignment = await server.admin.assignments.get.query({ id: assignmentId });
      expect(assignment).toMatchObject({ status: 'received', version: 1 });
      expect(await statusChangesOf(assignmentId)).toEqual([]);
      expect((await auditOf(assignmentId)).filter((row) => row.action !== 'created')).toEqual([]);
    },
  );

  it('accepts certifications valid exactly on the day, at both ends', async () => {
    const fromThatDay = await newAppraiser([{ area: 'condition', validFrom: '2027-06-10' }]);
    const untilThatDay = await newAppraiser([{ area: 'condition', validFrom: '2027-01-01', validTo: '2027-06-10' }]);
    expect((await book(await newAssignment(), fromThatDay, slot('06-10', 9, 10))).status).toBe('booked');
    expect((await book(await newAssignment(), untilThatDay, slot('06-10', 9, 10))).status).toBe('booked');
  });

  it('judges the day in Europe/Oslo: 23:30 UTC on 9 March is 10 March there', async () => {
    const times = { startsAt: '2027-03-09T23:30:00Z', endsAt: '2027-03-10T00:30:00Z' };
    const until9th = await newAppraiser([{ area: 'condition', validFrom: '2027-01-01', validTo: '2027-03-09' }]);
    const assignmentId = await newAssignment();
    const error = await caught(() => book(assignmentId, until9th, times));
    expect(error.data).toMatchObject({ errorCode: 'APPRAISER_NOT_CERTIFIED', on: '2027-03-10' });
    const from10th = await newAppraiser([{ area: 'condition', validFrom: '2027-03-10' }]);
    expect((await book(await newAssignment(), from10th, times)).status).toBe('booked');
  });

  it('checks the certification the assignment type needs', async () => {
    const valuer = await newAppraiser([{ area: 'valuation', validFrom: '2020-01-01' }]);
    expect((await book(await newAssignment('valuation'), valuer, slot('06-11', 9, 10))).status).toBe('booked');
    const conditionReport = await newAssignment('condition_report');
    const error = await caught(() => book(conditionReport, valuer, slot('06-12', 9, 10)));
    expect(error.data).toMatchObject({ errorCode: 'APPRAISER_NOT_CERTIFIED', requiredCertification: 'condition' });
    // A handover inspection needs no certification.
    const uncertified = await newAppraiser([]);
    expect((await book(await newAssignment('handover_inspection'), uncertified, slot('06-13', 9, 10))).status).toBe(
      'booked',
    );
  });
});

describe('appraiser availability', () => {
  it('refuses an overlapping booking for one appraiser with APPRAISER_UNAVAILABLE', async () => {
    const appraiserId = await newAppraiser();
    await book(await newAssignment(), appraiserId, slot('07-01', 9, 11));
    const assignmentId = await newAssignment();
    for (const times of [slot('07-01', 10, 12), slot('07-01', 8, 10), slot('07-01', 9, 11), slot('07-01', 8, 12)]) {
      const error = await caught(() => book(assignmentId, appraiserId, times));
      expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'APPRAISER_UNAVAILABLE' });
    }
    expect(await inspectionCount(assignmentId)).toBe(0);
    expect((await server.admin.assignments.get.query({ id: assignmentId })).status).toBe('received');
  });

  it('allows back-to-back bookings (one ends when the next starts)', async () => {
    const appraiserId = await newAppraiser();
    await book(await newAssignment(), appraiserId, slot('07-02', 9, 11));
    expect((await book(await newAssignment(), appraiserId, slot('07-02', 11, 12))).status).toBe('booked');
    expect((await book(await newAssignment(), appraiserId, slot('07-02', 8, 9))).status).toBe('booked');
  });

  it('allows the same time for two different appraisers', async () => {
    const times = slot('07-03', 9, 11);
    const first = await book(await newAssignment(), await newAppraiser(), times);
    const second = await book(await newAssignment(), await newAppraiser(), times);
    expect([first.status, second.status]).toEqual(['booked', 'booked']);
  });

  it('frees the time of a cancelled or completed inspection', async () => {
    const appraiserId = await newAppraiser();
    const times = slot('07-04', 9, 11);
    const cancelled = await book(await newAssignment(), appraiserId, times);
    await server.admin.inspections.cancel.mutate({ id: cancelled.id, reason: 'Customer ill', expectedVersion: 1 });
    const completed = await book(await newAssignment(), appraiserId, times);
    await server.admin.inspections.complete.mutate({ id: completed.id, expectedVersion: 1 });
    expect((await book(await newAssignment(), appraiserId, times)).status).toBe('booked');
  });

  it('lets exactly one of several concurrent overlapping bookings win', async () => {
    const appraiserId = await newAppraiser();
    const assignments = await Promise.all(Array.from({ length: 6 }, () => newAssignment()));
    const results = await Promise.allSettled(
      assignments.map((assignmentId, i) => book(assignmentId, appraiserId, slot('07-05', 9 + (i % 2), 11))),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((r) => r.reason.data?.errorCode)).toEqual(Array(5).fill('APPRAISER_UNAVAILABLE'));
    const open = await query<{ count: string }>(
      server.databaseUrl,
      `select count(*) from inspections where appraiser_id = $1 and status in ('booked', 'rescheduled')`,
      [appraiserId],
    );
    expect(Number(open[0]?.count)).toBe(1);
  });

  it('answers APPRAISER_UNAVAILABLE when the database constraint, not the pre-check, catches the overlap', async () => {
    const appraiserId = await newAppraiser();
    const blocking = await newAssignment();
    const assignmentId = await newAssignment();
    const times = slot('07-06', 9, 11);
    // An overlapping booking another transaction has made but not yet committed: invisible to
    // the pre-check, so only the exclusion constraint can stop the second one.
    const other = new pg.Client({ connectionString: server.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(
        `insert into inspections (id, assignment_id, appraiser_id, starts_at, ends_at, status, created_at, updated_at)
         values ($1, $2, $3, $4, $5, 'booked', now(), now())`,
        ['01900000-0000-7000-8000-00000000abcd', blocking, appraiserId, times.startsAt, times.endsAt],
      );
      const attempt = caught(() => book(assignmentId, appraiserId, slot('07-06', 10, 12)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.query('commit');
      expect((await attempt).data).toMatchObject({ code: 'CONFLICT', errorCode: 'APPRAISER_UNAVAILABLE' });
    } finally {
      await other.end();
    }
    expect(await inspectionCount(assignmentId)).toBe(0);
    expect((await server.admin.assignments.get.query({ id: assignmentId })).status).toBe('received');
  });
});

describe('inspections.reschedule', () => {
  it('moves the time, keeps the earlier times oldest first, and records the change', async () => {
    const appraiserId = await newAppraiser();
    const booked = await book(await newAssignment(), appraiserId, slot('08-01', 9, 10));
    const once = await server.admin.inspections.reschedule.mutate({
      id: booked.id,
      expectedVersion: 1,
      ...slot('08-02', 9, 10),
    });
    // Overlapping its own earlier time is fine.
    const twice = await withRequestId('reschedule-2').inspections.reschedule.mutate({
      id: booked.id,
      expectedVersion: 2,
      startsAt: '2027-08-02T09:30:00Z',
      endsAt: '2027-08-02T10:30:00Z',
    });
    expect(once).toMatchObject({ status: 'rescheduled', version: 2, ...slot('08-02', 9, 10) });
    expect(twice).toMatchObject({
      status: 'rescheduled',
      version: 3,
      startsAt: '2027-08-02T09:30:00.000Z',
      endsAt: '2027-08-02T10:30:00.000Z',
    });
    expect(twice.previousTimes.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }))).toEqual([
      slot('08-01', 9, 10),
      slot('08-02', 9, 10),
    ]);
    const [first, second] = twice.previousTimes;
    expect(first && second && first.changedAt <= second.changedAt).toBe(true);
    expect(await server.admin.inspections.get.query({ id: booked.id })).toEqual(twice);

    const audit = await auditOf(booked.id);
    expect(audit.map((row) => row.action)).toEqual(['booked', 'rescheduled', 'rescheduled']);
    expect(audit[2]?.request_id).toBe('reschedule-2');
    expect(audit[2]?.changes.startsAt).toEqual({ from: '2027-08-02T09:00:00.000Z', to: '2027-08-02T09:30:00.000Z' });
    expect(audit[1]?.changes.status).toEqual({ from: 'booked', to: 'rescheduled' });
  });

  it("refuses a time that overlaps another of the appraiser's inspections", async () => {
    const appraiserId = await newAppraiser();
    await book(await newAssignment(), appraiserId, slot('08-03', 9, 11));
    const moving = await book(await newAssignment(), appraiserId, slot('08-03', 12, 13));
    const error = await caught(() =>
      server.admin.inspections.reschedule.mutate({ id: moving.id, expectedVersion: 1, ...slot('08-03', 10, 12) }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'APPRAISER_UNAVAILABLE' });
    expect(await server.admin.inspections.get.query({ id: moving.id })).toEqual(moving);
  });

  it('refuses a day the appraiser is not certified on', async () => {
    const appraiserId = await newAppraiser([{ area: 'condition', validFrom: '2027-01-01', validTo: '2027-08-31' }]);
    const booked = await book(await newAssignment(), appraiserId, slot('08-30', 9, 10));
    const error = await caught(() =>
      server.admin.inspections.reschedule.mutate({ id: booked.id, expectedVersion: 1, ...slot('09-01', 9, 10) }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'APPRAISER_NOT_CERTIFIED' });
  });

  it('refuses a stale expectedVersion with VERSION_CONFLICT and the current version', async () => {
    const booked = await book(await newAssignment(), await newAppraiser(), slot('08-04', 9, 10));
    await server.admin.inspections.reschedule.mutate({ id: booked.id, expectedVersion: 1, ...slot('08-05', 9, 10) });
    const error = await caught(() =>
      server.admin.inspections.reschedule.mutate({ id: booked.id, expectedVersion: 1, ...slot('08-06', 9, 10) }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
  });

  it('writes nothing when the time does not change', async () => {
    const booked = await book(await newAssignment(), await newAppraiser(), slot('08-07', 9, 10));
    const same = await server.admin.inspections.reschedule.mutate({
      id: booked.id,
      expectedVersion: 1,
      ...slot('08-07', 9, 10),
    });
    expect(same).toEqual(booked);
  });
});

describe('inspections.cancel and complete', () => {
  it('cancels with a reason and leaves the assignment status as it is', async () => {
    const assignmentId = await newAssignment();
    const booked = await book(assignmentId, await newAppraiser(), slot('09-01', 9, 10));
    const cancelled = await server.admin.inspections.cancel.mutate({
      id: booked.id,
      reason: 'The owner asked to postpone',
      expectedVersion: 1,
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'The owner asked to postpone', version: 2 });
    expect((await server.admin.assignments.get.query({ id: assignmentId })).status).toBe('inspection_booked');
    const audit = await auditOf(booked.id);
    expect(audit.at(-1)).toMatchObject({ action: 'cancelled' });
    expect(audit.at(-1)?.changes.cancelReason).toEqual({ from: null, to: 'The owner asked to postpone' });
  });

  it('needs a reason to cancel', async () => {
    const booked = await book(await newAssignment(), await newAppraiser(), slot('09-02', 9, 10));
    const error = await caught(() =>
      server.admin.inspections.cancel.mutate({ id: booked.id, reason: '  ', expectedVersion: 1 }),
    );
    expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });

  it('completes an inspection and moves the assignment to inspected', async () => {
    const assignmentId = await newAssignment();
    const booked = await book(assignmentId, await newAppraiser(), slot('09-03', 9, 10));
    const completed = await withRequestId('complete-1').inspections.complete.mutate({
      id: booked.id,
      expectedVersion: 1,
    });
    expect(completed).toMatchObject({ status: 'completed', version: 2 });
    expect(completed.completedAt).not.toBeNull();
    expect((await server.admin.assignments.get.query({ id: assignmentId })).status).toBe('inspected');
    expect((await statusChangesOf(assignmentId)).at(-1)).toEqual({
      from_status: 'inspection_booked',
      to_status: 'inspected',
    });
    expect((await auditOf(booked.id)).at(-1)).toMatchObject({ action: 'completed', request_id: 'complete-1' });
  });

  it('completes a second inspection without moving the assignment again', async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const first = await book(assignmentId, appraiserId, slot('09-04', 9, 10));
    const second = await book(assignmentId, appraiserId, slot('09-05', 9, 10));
    await server.admin.inspections.complete.mutate({ id: first.id, expectedVersion: 1 });
    await server.admin.inspections.complete.mutate({ id: second.id, expectedVersion: 1 });
    expect((await statusChangesOf(assignmentId)).map((c) => c.to_status)).toEqual([
      'confirmed',
      'inspection_booked',
      'inspected',
    ]);
  });

  it('refuses to reschedule, cancel or complete an inspection that is no longer open', async () => {
    const appraiserId = await newAppraiser();
    const cancelled = await book(await newAssignment(), appraiserId, slot('09-06', 9, 10));
    await server.admin.inspections.cancel.mutate({ id: cancelled.id, reason: 'Double booking', expectedVersion: 1 });
    const completed = await book(await newAssignment(), appraiserId, slot('09-07', 9, 10));
    await server.admin.inspections.complete.mutate({ id: completed.id, expectedVersion: 1 });

    const attempts: (() => Promise<unknown>)[] = [
      () => server.admin.inspections.complete.mutate({ id: cancelled.id, expectedVersion: 2 }),
      () =>
        server.admin.inspections.reschedule.mutate({ id: cancelled.id, expectedVersion: 2, ...slot('09-08', 9, 10) }),
      () => server.admin.inspections.cancel.mutate({ id: cancelled.id, reason: 'Again', expectedVersion: 2 }),
      () => server.admin.inspections.complete.mutate({ id: completed.id, expectedVersion: 2 }),
      () =>
        server.admin.inspections.reschedule.mutate({ id: completed.id, expectedVersion: 2, ...slot('09-08', 9, 10) }),
    ];
    for (const attempt of attempts) {
      const error = await caught(attempt);
      expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INSPECTION_NOT_OPEN' });
    }
    expect((await server.admin.inspections.get.query({ id: cancelled.id })).version).toBe(2);
  });

  it('answers INSPECTION_NOT_FOUND for an unknown id', async () => {
    for (const attempt of [
      () => server.admin.inspections.get.query({ id: UNKNOWN_ID }),
      () => server.admin.inspections.complete.mutate({ id: UNKNOWN_ID, expectedVersion: 1 }),
      () => server.admin.inspections.cancel.mutate({ id: UNKNOWN_ID, reason: 'x', expectedVersion: 1 }),
    ]) {
      expect((await caught(attempt)).data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'INSPECTION_NOT_FOUND' });
    }
  });
});

describe('inspections.list', () => {
  const listed = (input: Omit<RouterInputs['inspections']['list'], 'cursor'>) =>
    allPages((cursor) => server.admin.inspections.list.query({ ...input, cursor }));

  it("lists an assignment's inspections soonest first across pages", async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    // Booked out of order, to see that the list sorts by time, not by creation.
    for (const day of ['10-05', '10-01', '10-04', '10-02', '10-03'])
      await book(assignmentId, appraiserId, slot(day, 9, 10));
    await book(await newAssignment(), appraiserId, slot('10-06', 9, 10));
    const { items, pages } = await listed({ assignmentId, limit: 2 });
    expect(pages).toBe(3);
    expect(items.map((i) => i.startsAt.slice(5, 10))).toEqual(['10-01', '10-02', '10-03', '10-04', '10-05']);
  });

  it("lists an appraiser's inspections that overlap [from, to), soonest first across pages", async () => {
    const appraiserId = await newAppraiser();
    const at = (from: string, to: string) => ({ startsAt: `2027-11-01T${from}:00Z`, endsAt: `2027-11-01T${to}:00Z` });
    const bookAt = async (from: string, to: string) => book(await newAssignment(), appraiserId, at(from, to));
    const endsAtFrom = await bookAt('07:00', '08:00');
    const straddling = await bookAt('08:30', '10:00');
    const inside = [await bookAt('10:00', '11:00'), await bookAt('12:00', '13:00'), await bookAt('14:00', '15:00')];
    const startsAtTo = await bookAt('18:00', '19:00');
    const [first, second, cancelled] = inside;
    if (!first || !second || !cancelled) throw new Error('three inside');
    await server.admin.inspections.cancel.mutate({ id: cancelled.id, reason: 'x', expectedVersion: 1 });
    // Another appraiser's inspection at the same time is not listed.
    await book(await newAssignment(), await newAppraiser(), at('10:00', '11:00'));

    const range = { appraiserId, from: '2027-11-01T09:00:00Z', to: '2027-11-01T18:00:00Z' };
    const { items, pages } = await listed({ ...range, limit: 2 });
    expect(pages).toBe(2);
    expect(items.map((i) => i.id)).toEqual([straddling.id, first.id, second.id, cancelled.id]);

    const open = await listed({ ...range, status: ['booked', 'rescheduled'] });
    expect(open.items.map((i) => i.id)).toEqual([straddling.id, first.id, second.id]);

    const fromEightToTen = await listed({ appraiserId, from: '2027-11-01T08:00:00Z', to: '2027-11-01T10:00:00Z' });
    expect(fromEightToTen.items.map((i) => i.id)).toEqual([straddling.id]);
    const eveningIds = (await listed({ ...range, to: '2027-11-01T23:00:00Z' })).items.map((i) => i.id);
    expect(eveningIds).toContain(startsAtTo.id);
    expect(eveningIds).not.toContain(endsAtFrom.id);
  });

  const invalid: [string, Record<string, unknown>][] = [
    ['neither an assignment nor an appraiser', {}],
    ['both an assignment and an appraiser', { assignmentId: UNKNOWN_ID, appraiserId: UNKNOWN_ID }],
    ['an appraiser without a range', { appraiserId: UNKNOWN_ID }],
    [
      'a range that ends before it starts',
      { appraiserId: UNKNOWN_ID, from: '2027-01-02T00:00:00Z', to: '2027-01-01T00:00:00Z' },
    ],
  ];
  it.each(invalid)('refuses %s', async (_name, input) => {
    const error = await caught(() => server.admin.inspections.list.query(input as never));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
  });

  it('refuses a cursor from another list', async () => {
    const first = await server.admin.appraisers.create.mutate({ name: 'One' });
    await server.admin.appraisers.create.mutate({ name: 'Two' });
    const appraisersPage = await server.admin.appraisers.list.query({ limit: 1 });
    expect(appraisersPage.nextCursor).not.toBeNull();
    const error = await caught(() =>
      server.admin.inspections.list.query({
        appraiserId: first.id,
        from: '2027-01-01T00:00:00Z',
        to: '2027-02-01T00:00:00Z',
        cursor: appraisersPage.nextCursor ?? '',
      }),
    );
    expect(error.data).toMatchObject({ errorCode: 'INVALID_CURSOR' });
  });
});

describe('inspection scopes', () => {
  it('reads with assignments:read and books only with assignments:write', async () => {
    const assignmentId = await newAssignment();
    const appraiserId = await newAppraiser();
    const booked = await book(assignmentId, appraiserId, slot('12-01', 9, 10));

    const reader = await server.clientWithScopes(['assignments:read']);
    expect((await reader.inspections.get.query({ id: booked.id })).id).toBe(booked.id);
    expect((await reader.inspections.list.query({ assignmentId })).items).toHaveLength(1);
    for (const attempt of [
      () => reader.inspections.book.mutate({ assignmentId, appraiserId, ...slot('12-02', 9, 10) }),
      () => reader.inspections.reschedule.mutate({ id: booked.id, expectedVersion: 1, ...slot('12-02', 9, 10) }),
      () => reader.inspections.cancel.mutate({ id: booked.id, reason: 'x', expectedVersion: 1 }),
      () => reader.inspections.complete.mutate({ id: booked.id, expectedVersion: 1 }),
    ]) {
      expect((await caught(attempt)).data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:write' });
    }

    const appraiserAdmin = await server.clientWithScopes(['appraisers:read', 'appraisers:write']);
    const error = await caught(() => appraiserAdmin.inspections.get.query({ id: booked.id }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:read' });

    const writer = await server.clientWithScopes(['assignments:write']);
    const second = await writer.inspections.book.mutate({ assignmentId, appraiserId, ...slot('12-03', 9, 10) });
    expect(second.status).toBe('booked');
  });
});
