import { createTakstClient } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const withRequestId = (requestId: string) =>
  createTakstClient({ baseUrl: server.url, apiKey: server.adminKey, headers: { 'x-request-id': requestId } });

describe('audit entries', () => {
  it('records a create with its actor, request id and every field, in the same transaction', async () => {
    const created = await withRequestId('audit-create-1').assignments.create.mutate(assignmentInput());
    const { items } = await server.admin.audit.list.query({ entityId: created.id });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      entityType: 'assignment',
      entityId: created.id,
      action: 'created',
      actor: { name: 'bootstrap-admin' },
      requestId: 'audit-create-1',
      changes: {
        reference: { from: null, to: created.reference },
        status: { from: null, to: 'received' },
        propertyId: { from: null, to: created.property.id },
        clientId: { from: null, to: created.client.id },
      },
    });
    const related = await server.admin.audit.list.query({ entityId: created.property.id });
    expect(related.items.map((e) => [e.entityType, e.action, e.requestId])).toEqual([
      ['property', 'created', 'audit-create-1'],
    ]);
  });

  it('records only the fields an update changed, from and to', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput({ notes: 'before' }));
    await withRequestId('audit-update-1').assignments.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { notes: 'after', dueDate: null },
    });
    const { items } = await server.admin.audit.list.query({ entityId: created.id });
    expect(items[0]).toMatchObject({ action: 'updated', requestId: 'audit-update-1' });
    expect(items[0]?.changes).toEqual({
      notes: { from: 'before', to: 'after' },
      dueDate: { from: created.dueDate, to: null },
    });
  });

  it('records status changes', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'on_hold', expectedVersion: 1 });
    const { items } = await server.admin.audit.list.query({ entityId: created.id });
    expect(items[0]).toMatchObject({ action: 'status_changed' });
    expect(items[0]?.changes).toEqual({
      status: { from: 'received', to: 'on_hold' },
      statusBeforeHold: { from: null, to: 'received' },
    });
  });

  it('writes nothing for a refused write', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await caught(() =>
      server.admin.assignments.transition.mutate({ id: created.id, to: 'closed', expectedVersion: 1 }),
    );
    await caught(() =>
      server.admin.assignments.update.mutate({ id: created.id, expectedVersion: 7, patch: { notes: 'x' } }),
    );
    const { items } = await server.admin.audit.list.query({ entityId: created.id });
    expect(items.map((e) => e.action)).toEqual(['created']);
  });
});

describe('audit.list', () => {
  it('filters by entity type, actor and time, newest first, across pages', async () => {
    const writer = await server.clientWithScopes(['assignments:write', 'assignments:read']);
    const since = new Date().toISOString();
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await writer.assignments.create.mutate(assignmentInput()));
    const writerId = (await server.admin.audit.list.query({ entityId: mine[0]?.id })).items[0]?.actor.id as string;

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await server.admin.audit.list.query({
        entityType: 'assignment',
        actorId: writerId,
        since,
        limit: 2,
        cursor,
      });
      seen.push(...page.items.map((e) => e.entityId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(mine.map((a) => a.id).reverse());
  });

  it('needs the audit:read scope', async () => {
    const writer = await server.clientWithScopes(['assignments:write', 'assignments:read']);
    const error = await caught(() => writer.audit.list.query({}));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'audit:read' });
  });
});
