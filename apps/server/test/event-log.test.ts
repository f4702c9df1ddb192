import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface EventRow {
  sequence: string;
  type: string;
  entity_id: string;
  data: Record<string, unknown>;
  changes: Record<string, { from: unknown; to: unknown }>;
  reason: string | null;
  request_id: string;
}

const eventsOf = (entityId: string) =>
  query<EventRow>(server.databaseUrl, 'select * from events where entity_id = $1 order by sequence', [entityId]);
const allEvents = () => query<EventRow>(server.databaseUrl, 'select * from events order by sequence');

describe('the event log', () => {
  it('writes an event for each change, with the DTO after it, in the same transaction', async () => {
    const before = (await allEvents()).length;
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const written = (await allEvents()).slice(before);
    expect(written.map((e) => e.type)).toEqual(['property.created', 'party.created', 'assignment.created']);
    const [event] = await eventsOf(created.id);
    expect(event?.data).toEqual(created);
    expect(event?.changes.status).toEqual({ from: null, to: 'received' });
  });

  it('carries the previous status, the new one and the reason of a status change', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const moved = await server.admin.assignments.transition.mutate({
      id: created.id,
      to: 'on_hold',
      reason: 'Waiting for the bank',
      expectedVersion: 1,
    });
    const events = await eventsOf(created.id);
    expect(events.map((e) => e.type)).toEqual(['assignment.created', 'assignment.status_changed']);
    expect(events[1]).toMatchObject({ reason: 'Waiting for the bank', data: moved });
    expect(events[1]?.changes.status).toEqual({ from: 'received', to: 'on_hold' });
  });

  it('leaves no event behind a refused or rolled-back write', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const before = (await allEvents()).length;
    await caught(() =>
      server.admin.assignments.transition.mutate({ id: created.id, to: 'delivered', expectedVersion: 1 }),
    );
    // Guard failure after the lock was taken: the transaction rolls back.
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    await caught(() =>
      server.admin.assignments.transition.mutate({ id: created.id, to: 'inspection_booked', expectedVersion: 2 }),
    );
    expect((await allEvents()).slice(before).map((e) => e.type)).toEqual(['assignment.status_changed']);
  });

  it('numbers events without gaps, in commit order, one transaction after the other', async () => {
    const before = (await allEvents()).length;
    await Promise.all(Array.from({ length: 15 }, () => server.admin.assignments.create.mutate(assignmentInput())));
    const written = (await allEvents()).slice(before);
    const numbers = written.map((e) => Number(e.sequence));
    expect(numbers).toEqual(numbers.map((_, i) => (numbers[0] ?? 0) + i));
    // Each request's events stand together (each mutation is a request of its own).
    const requests = written.map((e) => e.request_id);
    const runs = requests.filter((id, i) => id !== requests[i - 1]);
    expect(runs).toEqual([...new Set(requests)]);
    expect(runs).toHaveLength(15);
  });
});
