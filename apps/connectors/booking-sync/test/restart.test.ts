// The connector killed between creating a booking in the tool and linking it in the platform
// (BOOKING_SYNC_CRASH_AT=after-tool-create: SIGKILL, no cleanup), then started again: the work is
// finished, and nothing is made twice. Also: what happened while it was down is carried over.
import type { KalendraAppointment, PlanlyBooking } from '@takst/simulated-tools';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, slotAt, staff, startHarness, toolApi } from './support/harness';

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const harness of harnesses) await harness.close();
});

async function refsOf(harness: Harness, inspectionId: string) {
  return (await harness.admin.externalRefs.list.query({ entityType: 'inspection', entityId: inspectionId })).items;
}

describe('tool A: killed after creating in Planly, before linking', () => {
  it('links the booking it made once started again, and makes no second one', async () => {
    const harness = await startHarness('a');
    harnesses.push(harness);
    const url = `http://127.0.0.1:${harness.env.PORT}`;
    const crashing = harness.spawnConnector({ BOOKING_SYNC_CRASH_AT: 'after-tool-create' });
    await crashing.ready(url);

    const assignment = await harness.newAssignment();
    const inspection = await harness.admin.inspections.book.mutate({
      assignmentId: assignment.id,
      appraiserId: harness.appraiserId,
      ...slotAt(0),
    });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    const made = await toolApi<{ data: PlanlyBooking[] }>(harness, 'GET', `/api/bookings?externalKey=${inspection.id}`);
    expect(made.body.data).toHaveLength(1);
    expect(await refsOf(harness, inspection.id)).toEqual([]);

    // While it is down: a staff booking in Planly, which Planly keeps retrying.
    const other = await harness.newAssignment();
    const staffBooking = await staff<PlanlyBooking>(harness.toolUrl, '/staff/bookings', {
      resourceKey: other.reference,
      title: 'Befaring',
      start: slotAt(3).startsAt,
      end: slotAt(3).endsAt,
    });

    const again = harness.spawnConnector();
    await again.ready(url);
    // The platform delivers the booking again on its retry schedule; the connector finds its booking by externalKey.
    await eventually(async () => (await refsOf(harness, inspection.id)).length === 1, 20_000);
    expect(await refsOf(harness, inspection.id)).toEqual([
      expect.objectContaining({ system: 'booking-a', externalId: made.body.data[0]?.id }),
    ]);
    const after = await toolApi<{ data: PlanlyBooking[] }>(
      harness,
      'GET',
      `/api/bookings?externalKey=${inspection.id}`,
    );
    expect(after.body.data).toHaveLength(1);
    expect(again.lines()).toContainEqual(
      expect.objectContaining({ action: 'booking linked', inspectionId: inspection.id }),
    );
    const fromStaff = await harness.inspectionOfBooking(staffBooking.id);
    expect(fromStaff.assignmentId).toBe(other.id);

    expect(await again.stop('SIGTERM')).toBe(0);
    expect(again.lines().at(-1)).toMatchObject({ action: 'booking-sync stopped' });
  });
});

describe('tool B: killed after creating in Kalendra, before linking', () => {
  it('consumes the event again from the checkpoint, links the appointment it made, and makes no second one', async () => {
    const harness = await startHarness('b');
    harnesses.push(harness);
    const url = `http://127.0.0.1:${harness.env.PORT}`;
    const crashing = harness.spawnConnector({ BOOKING_SYNC_CRASH_AT: 'after-tool-create' });
    await crashing.ready(url);

    const assignment = await harness.newAssignment();
    const inspection = await harness.admin.inspections.book.mutate({
      assignmentId: assignment.id,
      appraiserId: harness.appraiserId,
      ...slotAt(0),
    });
    await crashing.exited;
    expect(crashing.child.signalCode).toBe('SIGKILL');
    const listed = () =>
      toolApi<{ appointments: KalendraAppointment[] }>(harness, 'GET', `/v2/appointments?reference=${inspection.id}`);
    expect((await listed()).body.appointments).toHaveLength(1);
    expect(await refsOf(harness, inspection.id)).toEqual([]);

    // While it is down: a move in the platform and a staff appointment in Kalendra.
    const moved = await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(2),
      expectedVersion: inspection.version,
    });
    const other = await harness.newAssignment();
    const made = await staff<KalendraAppointment>(harness.toolUrl, '/staff/appointments', {
      caseNumber: other.reference,
      title: 'Befaring',
      date: '2030-03-05',
      time: '10:00',
      durationMinutes: 60,
    });

    const again = harness.spawnConnector();
    await again.ready(url);
    await eventually(async () => (await refsOf(harness, inspection.id)).length === 1, 20_000);
    const [appointment] = (await listed()).body.appointments;
    expect((await listed()).body.appointments).toHaveLength(1);
    expect(await refsOf(harness, inspection.id)).toEqual([
      expect.objectContaining({ system: 'booking-b', externalId: String(appointment?.id) }),
    ]);
    await eventually(async () => {
      const [current] = (await listed()).body.appointments;
      return current?.time === '11:00' && current.date === '2030-03-04';
    });
    expect(moved.status).toBe('rescheduled');
    const fromStaff = await harness.inspectionOfBooking(String(made.id));
    expect(fromStaff).toMatchObject({ assignmentId: other.id, startsAt: '2030-03-05T09:00:00.000Z' });

    expect(await again.stop('SIGTERM')).toBe(0);
  });
});
