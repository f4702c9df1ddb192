import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import { type StreamingPair, startStreamingPair } from './support/streaming-replica';

// A real primary and streaming standby (PostgreSQL 15, pg_basebackup), so "the replica is
// behind" is made by pausing its replay, not simulated.
let pair: StreamingPair;
let server: TestServer;
let lagBound: TestServer;
beforeAll(async () => {
  pair = await startStreamingPair();
  const env = { DATABASE_URL: pair.primaryUrl, DATABASE_READ_URL: pair.replicaUrl };
  server = await startTestServer({ env: { ...env, TAKST_READ_REPLICA_MAX_LAG_MS: '600000' } });
  lagBound = await startTestServer({ sharing: server, env: { ...env, TAKST_READ_REPLICA_MAX_LAG_MS: '1500' } });
}, 120_000);
afterAll(async () => {
  await lagBound?.close();
  await server?.close();
  await pair?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function listedReferences(at: TestServer, apiKey: string): Promise<string[]> {
  const page = await at.client(apiKey).assignments.list.query({ limit: 200 });
  return page.items.map((item) => item.reference);
}

async function readerKey(at: TestServer): Promise<string> {
  const created = await at.admin.apiClients.create.mutate({ name: 'reader', scopes: ['assignments:read'] });
  return created.apiKey;
}

describe('a read replica (DATABASE_READ_URL)', () => {
  it('serves lists from the replica, and the writer its own writes from the primary', async () => {
    const reader = await readerKey(server);
    await pair.caughtUp();
    await pair.pauseReplay();
    try {
      const created = await server.admin.assignments.create.mutate(assignmentInput());
      // The replica has not replayed the create: a list by another caller does not show it yet.
      expect(await listedReferences(server, reader)).not.toContain(created.reference);
      // The caller who wrote reads its own write: its lists go to the primary for a while.
      expect(await listedReferences(server, server.adminKey)).toContain(created.reference);
      // Reading one assignment always goes to the primary.
      expect((await server.client(reader).assignments.get.query({ id: created.id })).reference).toBe(created.reference);
      // Exports read from the replica as lists do.
      const exported = await server.client(reader).assignments.export.query({ limit: 1000 });
      expect(exported.items.map((item) => item.id)).not.toContain(created.id);

      await pair.resumeReplay();
      await pair.caughtUp();
      expect(await listedReferences(server, reader)).toContain(created.reference);
    } finally {
      await pair.resumeReplay();
    }
  });

  it('bypasses a replica further behind than TAKST_READ_REPLICA_MAX_LAG_MS', async () => {
    const reader = await readerKey(lagBound);
    await pair.caughtUp();
    await pair.pauseReplay();
    try {
      const created = await lagBound.admin.assignments.create.mutate(assignmentInput());
      expect(await listedReferences(lagBound, reader)).not.toContain(created.reference);
      // The lag is measured every second; past 1.5 s the replica is left out.
      await sleep(3_000);
      expect(await listedReferences(lagBound, reader)).toContain(created.reference);
    } finally {
      await pair.resumeReplay();
    }
  });

  it('reads from the primary once the replica cannot be asked', async () => {
    const reader = await readerKey(server);
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await pair.stopReplica();
    await sleep(2_500);
    expect(await listedReferences(server, reader)).toContain(created.reference);
  });
});
