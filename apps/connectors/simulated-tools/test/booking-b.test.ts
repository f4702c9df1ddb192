// Kalendra (booking tool B) on its own: API key, local times, whole-appointment PUT, DELETE as
// cancel, and the change feed with its cursor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Kalendra,
  type KalendraAppointment,
  type KalendraFeedChange,
  kalendraApiKeyId,
  startKalendra,
} from '../src/index';

const KEY = 'kalendra-test';
let kalendra: Kalendra;

async function api<T>(method: string, path: string, body?: unknown, key = KEY) {
  const answer = await fetch(`${kalendra.url}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
}

type Feed = { changes: KalendraFeedChange[]; nextCursor: string; hasMore: boolean };

beforeAll(async () => {
  kalendra = await startKalendra({ apiKeys: [KEY] });
});
afterAll(() => kalendra?.close());

describe('Kalendra', () => {
  it('keeps appointments in local time, replaces them whole, cancels on DELETE', async () => {
    expect((await api('GET', '/v2/appointments', undefined, 'wrong')).status).toBe(401);
    expect((await api<{ apiKeyId: string }>('GET', '/v2/me')).body).toEqual({ apiKeyId: kalendraApiKeyId(KEY) });
    const fields = {
      reference: 'inspection-9',
      caseNumber: '2026-000009',
      title: 'Befaring',
      date: '2030-06-03',
      time: '09:00',
      durationMinutes: 60,
    };
    const made = await api<KalendraAppointment>('POST', '/v2/appointments', fields);
    expect(made.body).toMatchObject({ id: 1, state: 'scheduled', version: 1, ...fields });
    expect((await api('POST', '/v2/appointments', fields)).status).toBe(409);

    const { reference: _reference, ...withoutReference } = fields;
    const partial = await api<{ code: string; message: string }>('PUT', '/v2/appointments/1', withoutReference);
    expect(partial).toEqual({
      status: 400,
      body: { code: 'VALIDATION_ERROR', message: expect.stringContaining('missing: reference') },
    });
    expect((await api('PUT', '/v2/appointments/1', { ...fields, time: '25:00' })).status).toBe(400);
    const moved = await api<KalendraAppointment>('PUT', '/v2/appointments/1', { ...fields, time: '11:30' });
    expect(moved.body).toMatchObject({ time: '11:30', version: 2 });

    const cancelled = await api<KalendraAppointment>('DELETE', '/v2/appointments/1?reason=Avlyst');
    expect(cancelled.body).toMatchObject({ state: 'cancelled', cancelReason: 'Avlyst', version: 3 });
    expect((await api<KalendraAppointment>('DELETE', '/v2/appointments/1')).body.version).toBe(3);
    expect((await api('PUT', '/v2/appointments/1', fields)).status).toBe(409);
    const byReference = await api<{ appointments: KalendraAppointment[] }>(
      'GET',
      '/v2/appointments?reference=inspection-9',
    );
    expect(byReference.body.appointments.map((appointment) => appointment.id)).toEqual([1]);
  });

  it('gives every change in order, staff and API alike, from any cursor it gave', async () => {
    const staff = await fetch(`${kalendra.url}/staff/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-staff-name': 'Kari' },
      body: JSON.stringify({
        caseNumber: '2026-000010',
        title: 'Befaring',
        date: '2030-06-04',
        time: '08:00',
        durationMinutes: 90,
      }),
    });
    const appointment = (await staff.json()) as KalendraAppointment;
    await fetch(`${kalendra.url}/staff/appointments/${appointment.id}/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-staff-name': 'Kari' },
      body: JSON.stringify({ date: '2030-06-05', time: '08:30' }),
    });

    const all = await api<Feed>('GET', '/v2/changes');
    expect(all.body.changes.map((change) => [change.position, change.kind, change.by.type])).toEqual([
      [1, 'created', 'api'],
      [2, 'updated', 'api'],
      [3, 'cancelled', 'api'],
      [4, 'created', 'staff'],
      [5, 'updated', 'staff'],
    ]);
    const last = all.body.changes[4] as KalendraFeedChange;
    expect(last.before).toMatchObject({ date: '2030-06-04', time: '08:00', durationMinutes: 90 });
    expect(last.after).toMatchObject({ date: '2030-06-05', time: '08:30', durationMinutes: 90 });
    expect(last.by).toEqual({ type: 'staff', name: 'Kari' });
    expect(all.body.hasMore).toBe(false);

    const page = await api<Feed>('GET', '/v2/changes?limit=2');
    expect(page.body.hasMore).toBe(true);
    const rest = await api<Feed>('GET', `/v2/changes?cursor=${page.body.nextCursor}`);
    expect(rest.body.changes.map((change) => change.position)).toEqual([3, 4, 5]);
    const fromChange = await api<Feed>('GET', `/v2/changes?cursor=${all.body.changes[3]?.cursor}`);
    expect(fromChange.body.changes.map((change) => change.position)).toEqual([5]);
    const caughtUp = await api<Feed>('GET', `/v2/changes?cursor=${rest.body.nextCursor}`);
    expect(caughtUp.body).toEqual({ changes: [], nextCursor: rest.body.nextCursor, hasMore: false });
    expect((await api('GET', '/v2/changes?cursor=not-ours')).status).toBe(400);
  });
});
