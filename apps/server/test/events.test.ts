import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { generateApiKey } from '@takst/api';
import { createTakstClient, type RouterInputs, type TakstClient, type TakstEvent } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { spawnServer } from './support/process';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type SubscribeInput = RouterInputs['events']['subscribe'];

/** The sequence of the newest event, read from the table. */
async function lastSequence(): Promise<number> {
  const [row] = await query<{ latest: string }>(
    server.databaseUrl,
    'select coalesce(max(sequence), 0) as latest from events',
  );
  return Number(row?.latest);
}

/** Every event after `after`, read page by page through events.list. */
async function listedAfter(after: number, client: TakstClient = server.admin): Promise<TakstEvent[]> {
  const events: TakstEvent[] = [];
  for await (const event of client.events.iterate({ after, pageSize: 500 })) events.push(event);
  return events;
}

/** A live subscription that collects what it receives. */
function follow(input: SubscribeInput, client: TakstClient = server.admin) {
  const received: TakstEvent[] = [];
  const errors: unknown[] = [];
  let starts = 0;
  const subscription = client.events.subscribe.subscribe(input, {
    onStarted: () => {
      starts += 1;
    },
    onData: ({ data }) => received.push(data),
    onError: (error) => errors.push(error),
  });
  return {
    received,
    errors,
    sequences: () => received.map((event) => event.sequence),
    starts: () => starts,
    started: () => vi.waitFor(() => expect(starts).toBeGreaterThan(0), { timeout: 10_000 }),
    /** Waits until the event with this sequence has arrived. */
    reached: (sequence: number) =>
      vi.waitFor(() => expect(received.at(-1)?.sequence ?? 0).toBeGreaterThanOrEqual(sequence), { timeout: 15_000 }),
    unsubscribe: () => subscription.unsubscribe(),
  };
}

/** The sequences after `after` up to and including `last`. */
const between = (after: number, last: number) => Array.from({ length: last - after }, (_, i) => after + 1 + i);

const createAssignments = async (count: number) => {
  for (let i = 0; i < count; i++) await server.admin.assignments.create.mutate(assignmentInput());
};

describe('events.list', () => {
  it('pages through the log in sequence order, with nextAfter until caught up', async () => {
    const start = await lastSequence();
    await createAssignments(5);
    const pages: { sequences: number[]; nextAfter: number | null }[] = [];
    let after: number | undefined = start;
    do {
      const page = await server.admin.events.list.query({ after, limit: 5 });
      pages.push({ sequences: page.items.map((e) => e.sequence), nextAfter: page.nextAfter });
      after = page.nextAfter ?? undefined;
    } while (after !== undefined);
    const end = await lastSequence();
    expect(end - start).toBeGreaterThan(10);
    expect(pages.flatMap((page) => page.sequences)).toEqual(between(start, end));
    expect(pages.slice(0, -1).every((page) => page.sequences.length === 5)).toBe(true);
    expect(pages.map((page) => page.nextAfter)).toEqual([
      ...pages.slice(0, -1).map((page) => page.sequences.at(-1)),
      null,
    ]);
  });

  it('carries the DTO after the change, the diff, the actor and the request id', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const moved = await server.admin.assignments.transition.mutate({
      id: created.id,
      to: 'on_hold',
      reason: 'Waiting for the bank',
      expectedVersion: created.version,
    });
    const { items } = await server.admin.events.list.query({ entityId: created.id });
    expect(items.map((e) => e.type)).toEqual(['assignment.created', 'assignment.status_changed']);
    expect(items[1]).toMatchObject({
      entityType: 'assignment',
      entityId: created.id,
      data: moved,
      changes: { status: { from: 'received', to: 'on_hold' } },
      reason: 'Waiting for the bank',
      actor: { name: expect.any(String) },
    });
    expect(items[1]?.requestId).toEqual(expect.any(String));
    expect(Date.parse(items[1]?.occurredAt ?? '')).not.toBeNaN();
  });

  it('filters by types and by entity', async () => {
    const start = await lastSequence();
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    await createAssignments(1);
    const byType = await server.admin.events.list.query({ after: start, types: ['assignment.status_changed'] });
    expect(byType.items.map((e) => [e.type, e.entityId])).toEqual([['assignment.status_changed', created.id]]);
    const twoTypes = await server.admin.events.list.query({
      after: start,
      types: ['assignment.created', 'assignment.status_changed'],
    });
    expect(twoTypes.items.map((e) => e.type)).toEqual([
      'assignment.created',
      'assignment.status_changed',
      'assignment.created',
    ]);
    const byEntity = await server.admin.events.list.query({ entityId: created.id });
    expect(byEntity.items.map((e) => e.type)).toEqual(['assignment.created', 'assignment.status_changed']);
    expect(byEntity.nextAfter).toBeNull();
  });

  it('refuses bad input', async () => {
    const tooMany = await caught(() => server.admin.events.list.query({ limit: 501 }));
    expect(tooMany.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    const negative = await caught(() => server.admin.events.list.query({ after: -1 }));
    expect(negative.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });

  it('needs the events:read scope', async () => {
    const reader = await server.clientWithScopes(['events:read']);
    await expect(reader.events.list.query({ limit: 1 })).resolves.toMatchObject({ items: expect.any(Array) });
    const other = await server.clientWithScopes(['assignments:read', 'audit:read']);
    const refused = await caught(() => other.events.list.query({}));
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', errorCode: 'MISSING_SCOPE', requiredScope: 'events:read' });
  });
});

describe('events.subscribe', () => {
  it('streams new events live, in order, as events.list has them', async () => {
    const start = await lastSequence();
    const live = follow({ after: start });
    await live.started();
    await createAssignments(3);
    const end = await lastSequence();
    await live.reached(end);
    live.unsubscribe();
    expect(live.received).toEqual(await listedAfter(start));
    expect(live.sequences()).toEqual(between(start, end));
    expect(live.errors).toEqual([]);
  });

  it('replays what was missed after `after`, then goes on live', async () => {
    const start = await lastSequence();
    await createAssignments(2);
    const live = follow({ after: start });
    await live.reached(await lastSequence());
    await createAssignments(1);
    const end = await lastSequence();
    await live.reached(end);
    live.unsubscribe();
    expect(live.sequences()).toEqual(between(start, end));
  });

  it('resumes after an unsubscribe from the last sequence seen: nothing missing, nothing twice', async () => {
    const start = await lastSequence();
    const first = follow({ after: start });
    await first.started();
    await createAssignments(2);
    await first.reached(await lastSequence());
    first.unsubscribe();
    await createAssignments(2);
    const lastSeen = first.received.at(-1)?.sequence ?? start;
    const second = follow({ after: lastSeen });
    await second.reached(await lastSequence());
    await createAssignments(1);
    await second.reached(await lastSequence());
    second.unsubscribe();
    const all = [...first.received, ...second.received];
    expect(all).toEqual(await listedAfter(start));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });

  it('resumes after a dropped connection from the last event id, with no gap and no duplicate', async () => {
    const proxy = await cuttableProxy(new URL(server.url).port);
    try {
      const client = createTakstClient({ baseUrl: proxy.url, apiKey: server.adminKey });
      const start = await lastSequence();
      const live = follow({ after: start }, client);
      await live.started();
      await createAssignments(2);
      await live.reached(await lastSequence());
      const beforeCut = live.received.length;
      proxy.cut();
      // Written while the client is away: the reconnect must bring them.
      await createAssignments(2);
      await live.reached(await lastSequence());
      live.unsubscribe();
      expect(live.starts()).toBeGreaterThanOrEqual(2);
      expect(proxy.connections()).toBeGreaterThanOrEqual(2);
      expect(live.received.length).toBeGreaterThan(beforeCut);
      expect(live.received).toEqual(await listedAfter(start));
    } finally {
      await proxy.close();
    }
  });

  it('starts after lastEventId when the client sends one, whatever `after` says', async () => {
    const start = await lastSequence();
    await createAssignments(2);
    const end = await lastSequence();
    const resumed = follow({ after: 0, lastEventId: String(start + 1) });
    await resumed.reached(end);
    resumed.unsubscribe();
    expect(resumed.sequences()).toEqual(between(start + 1, end));
  });

  it('starts at the end of the log without `after`', async () => {
    const start = await lastSequence();
    const live = follow({});
    await live.started();
    // The stream fixes its starting point just after it connects: write until it hears one.
    await vi.waitFor(
      async () => {
        await createAssignments(1);
        expect(live.received.length).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 200 },
    );
    live.unsubscribe();
    expect(live.received.every((e) => e.sequence > start)).toBe(true);
  });

  it('sends only the types asked for', async () => {
    const start = await lastSequence();
    const live = follow({ after: start, types: ['assignment.status_changed'] });
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    await live.reached(await lastSequence());
    live.unsubscribe();
    expect(live.received.map((e) => [e.type, e.entityId])).toEqual([['assignment.status_changed', created.id]]);
  });

  it('never sends events of a write that was refused or rolled back', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const start = await lastSequence();
    const live = follow({ after: start });
    await live.started();
    // The guard fails after the lock was taken, so the transaction rolls back.
    await caught(() =>
      server.admin.assignments.transition.mutate({ id: created.id, to: 'inspection_booked', expectedVersion: 1 }),
    );
    await caught(() =>
      server.admin.assignments.transition.mutate({ id: created.id, to: 'invoiced', expectedVersion: 1 }),
    );
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    await live.reached(await lastSequence());
    live.unsubscribe();
    expect(live.received.map((e) => [e.sequence, e.type])).toEqual([[start + 1, 'assignment.status_changed']]);
    expect(live.received[0]?.changes.status).toEqual({ from: 'received', to: 'confirmed' });
  });

  it('needs the events:read scope', async () => {
    const other = await server.clientWithScopes(['assignments:read']);
    const refused = follow({ after: 0 }, other);
    await vi.waitFor(() => expect(refused.errors).toHaveLength(1), { timeout: 10_000 });
    refused.unsubscribe();
    expect(refused.errors[0]).toMatchObject({ data: { code: 'FORBIDDEN', requiredScope: 'events:read' } });
    expect(refused.received).toEqual([]);
  });

  it('ends the stream of a key revoked while it listens, at once, with no event to wait for', async () => {
    const created = await server.admin.apiClients.create.mutate({ name: 'listener', scopes: ['events:read'] });
    // Filtered, so the revocation's own event is not one it reads.
    const live = follow({ types: ['assignment.created'] }, server.client(created.apiKey));
    await live.started();
    await server.admin.apiClients.revoke.mutate({ id: created.client.id });
    await vi.waitFor(() => expect(live.errors.length).toBeGreaterThan(0), { timeout: 10_000 });
    live.unsubscribe();
    expect(live.errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' } });
    expect(live.received).toEqual([]);
  });

  it('ends the stream of a key rotated by another server process, and keeps the others going', async () => {
    const second = await startTestServer({ sharing: server });
    try {
      const created = await server.admin.apiClients.create.mutate({ name: 'rotated', scopes: ['events:read'] });
      const rotatedLive = follow({ types: ['assignment.created'] }, server.client(created.apiKey));
      const otherLive = follow({});
      await Promise.all([rotatedLive.started(), otherLive.started()]);
      await second.admin.apiClients.rotate.mutate({ id: created.client.id });
      await vi.waitFor(() => expect(rotatedLive.errors.length).toBeGreaterThan(0), { timeout: 10_000 });
      expect(rotatedLive.errors[0]).toMatchObject({ data: { code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' } });

      const created2 = await server.admin.assignments.create.mutate(assignmentInput());
      await vi.waitFor(() => expect(otherLive.received.map((e) => e.entityId)).toContain(created2.id), {
        timeout: 10_000,
      });
      expect(otherLive.errors).toEqual([]);
      rotatedLive.unsubscribe();
      otherLive.unsubscribe();
    } finally {
      await second.close();
    }
  });

  it('ends live streams when the server closes, so closing does not wait for them', async () => {
    const second = await startTestServer({ sharing: server });
    const live = follow({}, second.client(second.adminKey));
    await live.started();
    const began = Date.now();
    await second.close();
    live.unsubscribe();
    expect(Date.now() - began).toBeLessThan(3_000);
  });
});

describe('shutdown with a live subscription', () => {
  it('exits 0 promptly on SIGTERM', async () => {
    const db = await createTestDatabase();
    const adminKey = generateApiKey();
    const child = spawnServer({
      DATABASE_URL: db.url,
      TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    try {
      const url = await child.listening;
      const live = follow({ after: 0 }, createTakstClient({ baseUrl: url, apiKey: adminKey }));
      await live.started();
      const began = Date.now();
      const code = await child.stop('SIGTERM');
      live.unsubscribe();
      expect(code).toBe(0);
      expect(Date.now() - began).toBeLessThan(5_000);
      expect(child.stdout()).toContain('takst server stopped');
    } finally {
      await child.stop('SIGKILL');
      await db.drop();
    }
  });
});

/** A TCP proxy in front of the server whose open connections can be cut, as a network would. */
async function cuttableProxy(targetPort: string) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const proxy: Server = createServer((incoming) => {
    connections += 1;
    const outgoing = tcpConnect(Number(targetPort), '127.0.0.1');
    for (const socket of [incoming, outgoing]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    incoming.pipe(outgoing).pipe(incoming);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    cut: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}
