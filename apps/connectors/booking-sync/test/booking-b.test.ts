// booking-sync with tool B (Kalendra): the platform's events consumed with a file checkpoint one
// way, Kalendra's change feed the other, against a real platform and the simulated Kalendra.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Inspection } from '@takst/sdk';
import type { KalendraAppointment } from '@takst/simulated-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Harness,
  type RunningConnector,
  slotAt,
  staff,
  startHarness,
  toolApi,
} from './support/harness';

let harness: Harness;
let connector: RunningConnector;
const before: { open: Inspection; moved: Inspection; cancelled: Inspection; completed: Inspection } = {} as never;

/** The Kalendra appointment the connector made for an inspection, once it has. */
const appointmentFor = (inspectionId: string, check: (found: KalendraAppointment) => boolean = () => true) =>
  eventually(async () => {
    const found = await toolApi<{ appointments: KalendraAppointment[] }>(
      harness,
      'GET',
      `/v2/appointments?reference=${inspectionId}`,
    );
    const [first] = found.body.appointments;
    return first && check(first) ? first : null;
  }, 15_000);

const previousTimes = (inspection: Inspection) =>
  inspection.previousTimes.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }));

async function bookInPlatform(hours: number) {
  const assignment = await harness.newAssignment();
  const inspection = await harness.admin.inspections.book.mutate({
    assignmentId: assignment.id,
    appraiserId: harness.appraiserId,
    ...slotAt(hours),
  });
  return { assignment, inspection };
}

beforeAll(async () => {
  harness = await startHarness('b');
  // Made before connector B ever ran: its first start fills Kalendra with the open ones.
  before.open = (await bookInPlatform(0)).inspection;
  const moved = (await bookInPlatform(2)).inspection;
  before.moved = await harness.admin.inspections.reschedule.mutate({
    id: moved.id,
    ...slotAt(3),
    expectedVersion: moved.version,
  });
  const cancelled = (await bookInPlatform(5)).inspection;
  before.cancelled = await harness.admin.inspections.cancel.mutate({
    id: cancelled.id,
    reason: 'Avlyst',
    expectedVersion: cancelled.version,
  });
  const completed = (await bookInPlatform(7)).inspection;
  before.completed = await harness.admin.inspections.complete.mutate({
    id: completed.id,
    expectedVersion: completed.version,
  });
  connector = await harness.startConnector();
});
afterAll(() => harness?.close());

describe('the first start', () => {
  it('backfills every open inspection into Kalendra, and a second backfill creates nothing', async () => {
    expect(connector.lines).toContainEqual(
      expect.objectContaining({ action: 'backfill finished', open: 2, created: 2, alreadyLinked: 0, failed: 0 }),
    );
    const open = await appointmentFor(before.open.id);
    expect(open).toMatchObject({ state: 'scheduled', date: '2030-03-04', time: '09:00', durationMinutes: 60 });
    const moved = await appointmentFor(before.moved.id);
    expect(moved).toMatchObject({ date: '2030-03-04', time: '12:00' });
    for (const closed of [before.cancelled, before.completed]) {
      const found = await toolApi<{ appointments: unknown[] }>(
        harness,
        'GET',
        `/v2/appointments?reference=${closed.id}`,
      );
      expect(found.body.appointments).toEqual([]);
    }
    const refs = await harness.admin.externalRefs.list.query({ entityType: 'inspection', entityId: before.open.id });
    expect(refs.items).toEqual([expect.objectContaining({ system: 'booking-b', externalId: String(open.id) })]);

    const again = harness.spawnConnector({}, ['--backfill']);
    expect(await again.exited).toBe(0);
    expect(again.lines()).toContainEqual(
      expect.objectContaining({ action: 'backfill finished', open: 2, created: 0, alreadyLinked: 2, failed: 0 }),
    );
    const all = await toolApi<{ appointments: KalendraAppointment[] }>(harness, 'GET', '/v2/appointments');
    expect(all.body.appointments).toHaveLength(2);
  });
});

describe('tool B → platform', () => {
  it('books, moves and cancels the inspection a staff appointment in Kalendra names, in local Oslo time', async () => {
    const assignment = await harness.newAssignment();
    // 09:00 in June is 07:00 UTC (CEST).
    const made = await staff<KalendraAppointment>(harness.toolUrl, '/staff/appointments', {
      caseNumber: assignment.reference,
      title: 'Befaring',
      date: '2030-06-03',
      time: '09:00',
      durationMinutes: 90,
    });
    const booked = await harness.inspectionOfBooking(String(made.id));
    expect(booked).toMatchObject({
      assignmentId: assignment.id,
      status: 'booked',
      sourceSystem: 'booking-b',
      externalId: String(made.id),
      startsAt: '2030-06-03T07:00:00.000Z',
      endsAt: '2030-06-03T08:30:00.000Z',
    });
    // Two moves in a row, read from the feed in order: the platform keeps both earlier times.
    await staff(harness.toolUrl, `/staff/appointments/${made.id}/move`, { date: '2030-06-04', time: '10:00' });
    await staff(harness.toolUrl, `/staff/appointments/${made.id}/move`, { date: '2030-06-05', time: '11:15' });
    const moved = await harness.inspectionOfBooking(
      String(made.id),
      (found) => found.startsAt === '2030-06-05T09:15:00.000Z',
    );
    expect(previousTimes(moved)).toEqual([
      { startsAt: '2030-06-03T07:00:00.000Z', endsAt: '2030-06-03T08:30:00.000Z' },
      { startsAt: '2030-06-04T08:00:00.000Z', endsAt: '2030-06-04T09:30:00.000Z' },
    ]);
    await staff(harness.toolUrl, `/staff/appointments/${made.id}/cancel`, { reason: 'Selger trakk seg' });
    const cancelled = await harness.inspectionOfBooking(String(made.id), (found) => found.status === 'cancelled');
    expect(cancelled.cancelReason).toBe('Selger trakk seg');
  });
});

describe('platform → tool B', () => {
  it('creates, moves (PUT) and cancels (DELETE) the appointment, and does not echo its own changes', async () => {
    const { assignment, inspection } = await bookInPlatform(100);
    const made = await appointmentFor(inspection.id);
    // 2030-03-08T12:00Z is 13:00 in Oslo in winter (CET).
    expect(made).toMatchObject({
      caseNumber: assignment.reference,
      date: '2030-03-08',
      time: '13:00',
      durationMinutes: 60,
      state: 'scheduled',
    });
    const moved = await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(102, 45),
      expectedVersion: inspection.version,
    });
    await appointmentFor(inspection.id, (found) => found.time === '15:00' && found.durationMinutes === 45);
    await eventually(async () =>
      connector.lines.some(
        (line) =>
          line.action === 'own change passed over' && line.source === 'kalendra' && line.bookingId === String(made.id),
      ),
    );
    expect((await harness.admin.inspections.get.query({ id: inspection.id })).version).toBe(moved.version);

    await harness.admin.inspections.cancel.mutate({
      id: inspection.id,
      reason: 'Dobbeltbooket',
      expectedVersion: moved.version,
    });
    const cancelled = await appointmentFor(inspection.id, (found) => found.state === 'cancelled');
    expect(cancelled.cancelReason).toBe('Dobbeltbooket');
  });

  it('replays the feed and the events after a restart from older positions, and changes nothing twice', async () => {
    const { inspection } = await bookInPlatform(110);
    const made = await appointmentFor(inspection.id);
    await staff(harness.toolUrl, `/staff/appointments/${made.id}/move`, { date: '2030-03-09', time: '08:00' });
    const moved = await harness.inspectionOfBooking(String(made.id), (found) => found.status === 'rescheduled');
    await connector.stop();

    // Both positions back to the start, as after a crash that lost every save.
    const stateDir = harness.env.BOOKING_SYNC_STATE_DIR as string;
    await writeFile(path.join(stateDir, 'platform-events.json'), '{"sequence":0}\n');
    await writeFile(path.join(stateDir, 'kalendra-changes.json'), '{"cursor":""}\n');
    const inspectionsBefore = await Promise.all(
      [inspection.id, before.open.id, before.moved.id].map((id) => harness.admin.inspections.get.query({ id })),
    );
    const appointmentsBefore = (
      await toolApi<{ appointments: KalendraAppointment[] }>(harness, 'GET', '/v2/appointments')
    ).body.appointments;

    connector = await harness.startConnector();
    // Caught up: nothing left after the saved cursor, nor after the saved checkpoint.
    await eventually(async () => {
      const { cursor } = JSON.parse(await readFile(path.join(stateDir, 'kalendra-changes.json'), 'utf8')) as {
        cursor: string;
      };
      const rest = await toolApi<{ changes: unknown[] }>(
        harness,
        'GET',
        `/v2/changes${cursor ? `?cursor=${cursor}` : ''}`,
      );
      const { sequence } = JSON.parse(await readFile(path.join(stateDir, 'platform-events.json'), 'utf8')) as {
        sequence: number;
      };
      const pending = await harness.admin.events.list.query({ after: sequence, types: ['inspection.*'] });
      return rest.body.changes.length === 0 && pending.items.length === 0;
    }, 20_000);
    expect(connector.lines.filter((line) => line.source === 'kalendra').length).toBeGreaterThan(5);

    const inspectionsAfter = await Promise.all(
      [inspection.id, before.open.id, before.moved.id].map((id) => harness.admin.inspections.get.query({ id })),
    );
    expect(inspectionsAfter.map((found) => found.version)).toEqual(inspectionsBefore.map((found) => found.version));
    expect(previousTimes(inspectionsAfter[0] as Inspection)).toEqual(previousTimes(moved));
    const appointmentsAfter = (
      await toolApi<{ appointments: KalendraAppointment[] }>(harness, 'GET', '/v2/appointments')
    ).body.appointments;
    expect(appointmentsAfter).toEqual(appointmentsBefore);
  });
});
