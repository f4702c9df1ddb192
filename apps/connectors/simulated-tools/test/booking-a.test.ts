// Planly (booking tool A) on its own: its API, its history, and its webhooks with their
// signature, retries and resends.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Planly, type PlanlyBooking, type PlanlyWebhookEvent, startPlanly } from '../src/index';

const TOKEN = 'planly-test';
let planly: Planly;

interface Received {
  body: string;
  signature: string;
  eventId: string;
}

/** A receiver that answers the statuses in `answers` in turn (then 200), recording every request. */
async function receiver(answers: number[] = []) {
  const received: Received[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({
      body,
      signature: String(req.headers['x-planly-signature']),
      eventId: String(req.headers['x-planly-event-id']),
    });
    res.writeHead(answers.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function api<T>(method: string, path: string, body?: unknown, token = TOKEN) {
  const answer = await fetch(`${planly.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
}

async function staff<T>(path: string, body: unknown) {
  const answer = await fetch(`${planly.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-staff-name': 'Siri' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as T };
}

beforeAll(async () => {
  planly = await startPlanly({ tokens: [TOKEN], webhookRetryDelaysMs: [50, 100] });
});
afterAll(() => planly?.close());

describe('Planly API', () => {
  it('needs a Bearer token and keeps every move in the history', async () => {
    expect((await api('GET', '/api/bookings', undefined, 'wrong')).status).toBe(401);
    const made = await api<PlanlyBooking>('POST', '/api/bookings', {
      externalKey: 'inspection-1',
      resourceKey: '2026-000001',
      title: 'Befaring',
      start: '2030-01-02T09:00:00+01:00',
      end: '2030-01-02T10:00:00+01:00',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: expect.stringMatching(/^PL-\d+$/),
      status: 'booked',
      start: '2030-01-02T08:00:00.000Z',
    });
    const again = await api<{ error: string; bookingId: string }>('POST', '/api/bookings', {
      externalKey: 'inspection-1',
      resourceKey: '2026-000001',
      title: 'Befaring',
      start: '2030-01-02T08:00:00Z',
      end: '2030-01-02T09:00:00Z',
    });
    expect(again).toEqual({
      status: 409,
      body: expect.objectContaining({ error: 'external_key_taken', bookingId: made.body.id }),
    });

    const slot = { start: '2030-01-03T08:00:00.000Z', end: '2030-01-03T09:00:00.000Z' };
    await api('PATCH', `/api/bookings/${made.body.id}`, slot);
    await api('PATCH', `/api/bookings/${made.body.id}`, slot);
    const cancelled = await api<PlanlyBooking>('POST', `/api/bookings/${made.body.id}/cancel`, { reason: 'Solgt' });
    expect(cancelled.body.history.map((entry) => entry.action)).toEqual(['booked', 'moved', 'cancelled']);
    expect(cancelled.body.history[1]).toMatchObject({
      by: 'api',
      from: { start: '2030-01-02T08:00:00.000Z', end: '2030-01-02T09:00:00.000Z' },
      to: slot,
    });
    expect((await api('PATCH', `/api/bookings/${made.body.id}`, slot)).status).toBe(409);
    const found = await api<{ data: PlanlyBooking[] }>(
      'GET',
      '/api/bookings?externalKey=inspection-1&status=cancelled',
    );
    expect(found.body.data.map((booking) => booking.id)).toEqual([made.body.id]);
    expect(
      (await api('POST', '/api/bookings', { resourceKey: 'x', title: 'x', start: 'soon', end: 'later' })).status,
    ).toBe(400);
  });
});

describe('Planly webhooks', () => {
  it('signs staff changes with the subscription secret, retries until 2xx, and resends on request', async () => {
    const hook = await receiver([500, 503]);
    expect((await api('POST', '/api/webhooks', { url: hook.url, secret: 's3cret' })).status).toBe(201);
    const booked = await staff<PlanlyBooking>('/staff/bookings', {
      resourceKey: '2026-000002',
      title: 'Befaring',
      start: '2030-02-01T08:00:00Z',
      end: '2030-02-01T09:00:00Z',
    });
    await planly.webhooksIdle();
    expect(hook.received).toHaveLength(3);
    const [first] = hook.received as [Received];
    expect(new Set(hook.received.map((request) => request.body)).size).toBe(1);
    expect(first.signature).toBe(`sha256=${createHmac('sha256', 's3cret').update(first.body).digest('hex')}`);
    const event = JSON.parse(first.body) as PlanlyWebhookEvent;
    expect(event).toMatchObject({
      id: first.eventId,
      type: 'booking.created',
      data: { booking: { id: booked.body.id } },
    });
    expect(event.data.booking.history[0]).toMatchObject({ by: 'staff:Siri' });
    expect(
      planly.webhookAttempts.filter((attempt) => attempt.eventId === event.id).map((attempt) => attempt.status),
    ).toEqual([500, 503, 200]);

    // Changes through the API are the integration's own: no webhook.
    await api('PATCH', `/api/bookings/${booked.body.id}`, {
      start: '2030-02-01T10:00:00Z',
      end: '2030-02-01T11:00:00Z',
    });
    await staff(`/staff/webhook-events/${event.id}/resend`, {});
    await planly.webhooksIdle();
    expect(hook.received.map((request) => request.eventId)).toEqual([event.id, event.id, event.id, event.id]);
    await hook.close();
  });
});
