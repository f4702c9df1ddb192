// booking-sync with tool A (Planly): webhooks both ways, against a real platform and the simulated Planly.
import type { Inspection } from '@takst/sdk';
import { type PlanlyBooking, planlySignature } from '@takst/simulated-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Harness,
  PLANLY_WEBHOOK_SECRET,
  type RunningConnector,
  slotAt,
  staff,
  startHarness,
  toolApi,
} from './support/harness';

let harness: Harness;
let connector: RunningConnector;

beforeAll(async () => {
  harness = await startHarness('a');
  connector = await harness.startConnector();
});
afterAll(() => harness?.close());

const planlyBooking = async (id: string) => (await toolApi<PlanlyBooking>(harness, 'GET', `/api/bookings/${id}`)).body;

/** The Planly booking the connector made for an inspection, once it has. */
const bookingForInspection = (inspectionId: string, check: (booking: PlanlyBooking) => boolean = () => true) =>
  eventually(async () => {
    const found = await toolApi<{ data: PlanlyBooking[] }>(harness, 'GET', `/api/bookings?externalKey=${inspectionId}`);
    const [booking] = found.body.data;
    return booking && check(booking) ? booking : null;
  }, 15_000);

/** Planly's move log as the platform keeps earlier times: the time it was moved away from, in order. */
const moveLog = (booking: PlanlyBooking) =>
  booking.history.flatMap((entry) =>
    entry.action === 'moved' ? [{ startsAt: entry.from.start, endsAt: entry.from.end }] : [],
  );
const previousTimes = (inspection: Inspection) =>
  inspection.previousTimes.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }));

const planlySlot = (slot: { startsAt: string; endsAt: string }) => ({ start: slot.startsAt, end: slot.endsAt });

describe('tool A → platform', () => {
  it('books, moves and cancels the inspection a staff booking in Planly names, keeping its history', async () => {
    const assignment = await harness.newAssignment();
    const booked = await staff<PlanlyBooking>(harness.toolUrl, '/staff/bookings', {
      resourceKey: assignment.reference,
      title: 'Befaring',
      ...planlySlot(slotAt(0)),
    });
    const inspection = await harness.inspectionOfBooking(booked.id);
    expect(inspection).toMatchObject({
      assignmentId: assignment.id,
      appraiser: { id: harness.appraiserId },
      status: 'booked',
      sourceSystem: 'booking-a',
      externalId: booked.id,
      ...slotAt(0),
    });
    expect((await harness.admin.assignments.get.query({ id: assignment.id })).status).toBe('inspection_booked');
    // The platform's webhook about the connector's own booking: Planly already shows it, nothing goes back.
    await eventually(async () =>
      connector.lines.some((line) => line.action === 'already in the tool' && line.inspectionId === inspection.id),
    );

    await staff(harness.toolUrl, `/staff/bookings/${booked.id}/move`, planlySlot(slotAt(2)));
    await staff(harness.toolUrl, `/staff/bookings/${booked.id}/move`, planlySlot(slotAt(4)));
    const moved = await harness.inspectionOfBooking(booked.id, (found) => found.startsAt === slotAt(4).startsAt);
    expect(previousTimes(moved)).toEqual([slotAt(0), slotAt(2)]);
    expect(previousTimes(moved)).toEqual(moveLog(await planlyBooking(booked.id)));

    await staff(harness.toolUrl, `/staff/bookings/${booked.id}/cancel`, { reason: 'Kunden har solgt' });
    const cancelled = await harness.inspectionOfBooking(booked.id, (found) => found.status === 'cancelled');
    expect(cancelled.cancelReason).toBe('Kunden har solgt');
    // The connector's own changes are not sent back to Planly as new moves.
    await harness.planly?.webhooksIdle();
    expect((await planlyBooking(booked.id)).history.map((entry) => entry.action)).toEqual([
      'booked',
      'moved',
      'moved',
      'cancelled',
    ]);
  });

  it('makes one move of a redelivered webhook, and refuses one with a bad signature', async () => {
    const assignment = await harness.newAssignment();
    const booked = await staff<PlanlyBooking>(harness.toolUrl, '/staff/bookings', {
      resourceKey: assignment.reference,
      title: 'Befaring',
      ...planlySlot(slotAt(10)),
    });
    await harness.inspectionOfBooking(booked.id);
    await staff(harness.toolUrl, `/staff/bookings/${booked.id}/move`, planlySlot(slotAt(12)));
    const moved = await harness.inspectionOfBooking(booked.id, (found) => found.startsAt === slotAt(12).startsAt);
    await harness.planly?.webhooksIdle();
    const moveEvent = harness.planly?.webhookAttempts.findLast((attempt) => attempt.status === 200);
    expect(moveEvent).toBeDefined();

    await staff(harness.toolUrl, `/staff/webhook-events/${moveEvent?.eventId}/resend`, {});
    await harness.planly?.webhooksIdle();
    expect(connector.lines.filter((line) => line.action === 'webhook repeat passed over')).toContainEqual(
      expect.objectContaining({ eventId: moveEvent?.eventId }),
    );
    const after = await harness.admin.inspections.get.query({ id: moved.id });
    expect(after.version).toBe(moved.version);
    expect(previousTimes(after)).toEqual([slotAt(10)]);

    const body = JSON.stringify({ id: 'evt_forged', type: 'booking.cancelled', data: { booking: { id: booked.id } } });
    const forged = await fetch(`${connector.url}/planly/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-planly-signature': planlySignature('not the secret', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const signed = await fetch(`${connector.url}/planly/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-planly-signature': planlySignature(PLANLY_WEBHOOK_SECRET, body),
      },
      body: `${body} `,
    });
    expect(signed.status).toBe(401);
    expect((await harness.admin.inspections.get.query({ id: moved.id })).status).toBe('rescheduled');
  });

  it('passes over a booking for an assignment it cannot book, and keeps going', async () => {
    const booked = await staff<PlanlyBooking>(harness.toolUrl, '/staff/bookings', {
      resourceKey: '2026-999999',
      title: 'Feil nummer',
      ...planlySlot(slotAt(20)),
    });
    await harness.planly?.webhooksIdle();
    expect(connector.lines).toContainEqual(
      expect.objectContaining({ action: 'tool change refused', bookingId: booked.id }),
    );
    // Answered 2xx: Planly does not retry a refusal forever.
    expect(harness.planly?.webhookAttempts.filter((attempt) => attempt.status !== 200)).toEqual([]);
  });
});

describe('platform → tool A', () => {
  it('creates, moves and cancels the Planly booking of an inspection booked in the platform', async () => {
    const assignment = await harness.newAssignment();
    const inspection = await harness.admin.inspections.book.mutate({
      assignmentId: assignment.id,
      appraiserId: harness.appraiserId,
      ...slotAt(30),
    });
    const booking = await bookingForInspection(inspection.id);
    expect(booking).toMatchObject({
      resourceKey: assignment.reference,
      start: slotAt(30).startsAt,
      end: slotAt(30).endsAt,
      status: 'booked',
    });
    // Linked right after it was made in Planly.
    const refs = await eventually(async () => {
      const listed = await harness.admin.externalRefs.list.query({ entityType: 'inspection', entityId: inspection.id });
      return listed.items.length > 0 && listed.items;
    });
    expect(refs).toEqual([expect.objectContaining({ system: 'booking-a', externalId: booking.id })]);

    const first = await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(32),
      expectedVersion: inspection.version,
    });
    const second = await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(34),
      expectedVersion: first.version,
    });
    const moved = await bookingForInspection(inspection.id, (found) => found.start === slotAt(34).startsAt);
    expect(moveLog(moved)).toEqual(previousTimes(second));

    // A staff move in Planly on top, then the platform again: one history on both sides.
    await staff(harness.toolUrl, `/staff/bookings/${booking.id}/move`, planlySlot(slotAt(36)));
    const fromPlanly = await harness.inspectionOfBooking(booking.id, (found) => found.startsAt === slotAt(36).startsAt);
    // The platform's webhook of that move names the connector as its actor: passed over, not sent back.
    await eventually(async () =>
      connector.lines.some((line) => line.action === 'own change passed over' && line.inspectionId === inspection.id),
    );
    await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(38),
      expectedVersion: fromPlanly.version,
    });
    const last = await bookingForInspection(inspection.id, (found) => found.start === slotAt(38).startsAt);
    const platformSide = await harness.admin.inspections.get.query({ id: inspection.id });
    expect(previousTimes(platformSide)).toEqual([slotAt(30), slotAt(32), slotAt(34), slotAt(36)]);
    expect(moveLog(last)).toEqual(previousTimes(platformSide));

    await harness.admin.inspections.cancel.mutate({
      id: inspection.id,
      reason: 'Avlyst av kunden',
      expectedVersion: platformSide.version,
    });
    const cancelled = await bookingForInspection(inspection.id, (found) => found.status === 'cancelled');
    expect(cancelled.cancelReason).toBe('Avlyst av kunden');
    const all = await toolApi<{ data: PlanlyBooking[] }>(harness, 'GET', `/api/bookings?externalKey=${inspection.id}`);
    expect(all.body.data).toHaveLength(1);
  });

  it('makes nothing twice when the platform delivers the same webhook again', async () => {
    const assignment = await harness.newAssignment();
    const inspection = await harness.admin.inspections.book.mutate({
      assignmentId: assignment.id,
      appraiserId: harness.appraiserId,
      ...slotAt(40),
    });
    const moved = await harness.admin.inspections.reschedule.mutate({
      id: inspection.id,
      ...slotAt(42),
      expectedVersion: inspection.version,
    });
    const booking = await bookingForInspection(inspection.id, (found) => found.start === slotAt(42).startsAt);
    const events = await harness.admin.events.list.query({ entityId: inspection.id, types: ['inspection.*'] });
    const eventIds = new Set(events.items.map((event) => event.id));
    const delivered = await eventually(async () => {
      const page = await harness.admin.webhooks.deliveries.query({
        endpointId: harness.webhookEndpointId as string,
        limit: 200,
      });
      const ofInspection = page.items.filter((delivery) => eventIds.has(delivery.eventId));
      return (
        ofInspection.length === 2 && ofInspection.every((delivery) => delivery.status === 'succeeded') && ofInspection
      );
    });
    for (const delivery of delivered) await harness.admin.webhooks.redeliver.mutate({ deliveryId: delivery.id });
    await eventually(async () =>
      delivered.every((delivery) =>
        connector.lines.some((line) => line.action === 'webhook repeat passed over' && line.webhookId === delivery.id),
      ),
    );
    const after = await planlyBooking(booking.id);
    expect(after.history).toHaveLength(2);
    expect(moveLog(after)).toEqual(previousTimes(moved));
    const all = await toolApi<{ data: PlanlyBooking[] }>(harness, 'GET', `/api/bookings?externalKey=${inspection.id}`);
    expect(all.body.data).toHaveLength(1);
  });

  it('refuses a platform webhook with a bad signature', async () => {
    const answer = await fetch(`${connector.url}/takst/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: '{"type":"inspection.booked","timestamp":"2030-01-01T00:00:00Z","data":{}}',
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'bad_signature' });
  });
});
