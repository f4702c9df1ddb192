import { hashApiKey } from '@takst/api';
import type { Scope } from '@takst/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// Two server processes' worth of platforms on one database: each has its own key cache.
let server: TestServer;
let other: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  other = await startTestServer({ sharing: server });
});
afterAll(async () => {
  await other?.close();
  await server?.close();
});

const missingId = '01900000-0000-7000-8000-000000000000';

async function register(scopes: Scope[] = ['assignments:read']) {
  return server.admin.apiClients.create.mutate({ name: `client ${Math.random().toString(36).slice(2)}`, scopes });
}

/** The HTTP status of a plain read with `key`, on `at`. */
async function statusWith(at: TestServer, key: string): Promise<number> {
  const response = await fetch(`${at.url}/trpc/assignments.list`, { headers: { authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  return response.status;
}

const LISTENERS = `select count(*)::int as count from pg_stat_activity
  where application_name = 'takst-api-client-listener' and datname = current_database() and state is not null`;

async function listenerCount(): Promise<number> {
  const [row] = await query<{ count: number }>(server.databaseUrl, LISTENERS);
  return row?.count ?? 0;
}

describe('apiClients.create, get and list', () => {
  it('shows the key once, at creation, and never again', async () => {
    const created = await register();
    const fetched = await server.admin.apiClients.get.query({ id: created.client.id });
    expect(fetched).toEqual(created.client);
    expect(fetched).not.toHaveProperty('apiKey');
    const listed = await server.admin.apiClients.list.query();
    expect(listed.items.map((client) => client.id)).toContain(created.client.id);
    expect(JSON.stringify([fetched, listed])).not.toContain(created.apiKey);
  });

  it('records when a key was last used', async () => {
    const created = await register();
    expect(created.client.lastUsedAt).toBeNull();
    expect(await statusWith(server, created.apiKey)).toBe(200);
    // Written off the request path, so it lands a moment after the answer.
    await expect
      .poll(async () => (await server.admin.apiClients.get.query({ id: created.client.id })).lastUsedAt)
      .not.toBeNull();
  });

  it('answers API_CLIENT_NOT_FOUND for an id it does not know', async () => {
    for (const call of [
      () => server.admin.apiClients.get.query({ id: missingId }),
      () => server.admin.apiClients.revoke.mutate({ id: missingId }),
      () => server.admin.apiClients.rotate.mutate({ id: missingId }),
    ]) {
      expect((await caught(call)).data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'API_CLIENT_NOT_FOUND' });
    }
  });

  it('lets only admins manage clients', async () => {
    const created = await register();
    const reader = server.client(created.apiKey);
    const error = await caught(() => reader.apiClients.revoke.mutate({ id: created.client.id }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'admin' });
    expect(await statusWith(server, created.apiKey)).toBe(200);
  });
});

describe('apiClients.revoke', () => {
  it('refuses the key from the very next request on, in this process and in every other', async () => {
    const created = await register();
    // Both processes have the key in their caches now.
    expect(await statusWith(server, created.apiKey)).toBe(200);
    expect(await statusWith(other, created.apiKey)).toBe(200);

    const revoked = await server.admin.apiClients.revoke.mutate({ id: created.client.id });
    expect(revoked.revokedAt).not.toBeNull();
    expect(await statusWith(server, created.apiKey)).toBe(401);
    expect(await statusWith(other, created.apiKey)).toBe(401);
    const error = await caught(() => other.client(created.apiKey).assignments.list.query({}));
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' });
  });

  it('changes nothing when the client is revoked already', async () => {
    const created = await register();
    const first = await server.admin.apiClients.revoke.mutate({ id: created.client.id });
    const second = await other.admin.apiClients.revoke.mutate({ id: created.client.id });
    expect(second).toEqual(first);
  });

  it('also takes effect, within milliseconds, when an operator revokes a key in the database', async () => {
    const created = await register();
    expect(await statusWith(server, created.apiKey)).toBe(200);
    expect(await statusWith(other, created.apiKey)).toBe(200);
    await query(server.databaseUrl, 'update api_clients set revoked_at = now() where id = $1', [created.client.id]);
    // No API call waits for the notification here, so a request may just beat it.
    const soon = { timeout: 1_000, interval: 5 };
    await expect.poll(() => statusWith(server, created.apiKey), soon).toBe(401);
    await expect.poll(() => statusWith(other, created.apiKey), soon).toBe(401);
  });

  it('looks every key up in the database while the change listener is down, and after it is back', async () => {
    const created = await register();
    expect(await statusWith(server, created.apiKey)).toBe(200);
    expect(await listenerCount()).toBe(2);

    const admin = new pg.Client({ connectionString: server.databaseUrl });
    await admin.connect();
    try {
      // Drop every listener, then revoke without notifying anyone (no triggers in replica mode):
      // the worst a dropped listener can miss. The cache still holds the key from just now.
      await admin.query(
        `select pg_terminate_backend(pid, 5000) from pg_stat_activity
         where application_name = 'takst-api-client-listener' and datname = current_database();
         set session_replication_role = replica;
         update api_clients set revoked_at = now() where id = '${created.client.id}';`,
      );
    } finally {
      await admin.end();
    }
    expect(await statusWith(server, created.apiKey)).toBe(401);

    await expect.poll(listenerCount, { timeout: 10_000 }).toBe(2);
    expect(await statusWith(server, created.apiKey)).toBe(401);
    expect(await statusWith(other, created.apiKey)).toBe(401);
    expect(await statusWith(server, server.adminKey)).toBe(200);
  });
});

/**
 * A connection that passes for another process's change listener: it hears `takst_sync` and
 * confirms each request after `delayMs`, or never (null).
 */
async function slowListener(delayMs: number | null) {
  const client = new pg.Client({
    connectionString: server.databaseUrl,
    application_name: 'takst-api-client-listener',
  });
  await client.connect();
  const confirmedAt: number[] = [];
  client.on('notification', (message) => {
    if (message.channel !== 'takst_sync' || delayMs === null) return;
    setTimeout(() => {
      confirmedAt.push(Date.now());
      void client.query(`select pg_notify('takst_sync_confirm', $1)`, [message.payload]);
    }, delayMs);
  });
  await client.query('listen takst_sync');
  return { confirmedAt, end: () => client.end() };
}

describe('a change to a key, answered once every process has caught up', () => {
  it('waits for the slowest process to confirm', async () => {
    const created = await register();
    const slow = await slowListener(300);
    try {
      const started = Date.now();
      await server.admin.apiClients.revoke.mutate({ id: created.client.id });
      const answeredAt = Date.now();
      expect(slow.confirmedAt).toHaveLength(1);
      expect(answeredAt).toBeGreaterThanOrEqual(slow.confirmedAt[0] ?? Number.POSITIVE_INFINITY);
      expect(answeredAt - started).toBeGreaterThanOrEqual(300);
    } finally {
      await slow.end();
    }
  });

  it('answers after a second when a process never confirms, with the change made', async () => {
    const created = await register();
    expect(await statusWith(other, created.apiKey)).toBe(200);
    const silent = await slowListener(null);
    try {
      const started = Date.now();
      await server.admin.apiClients.revoke.mutate({ id: created.client.id });
      const waited = Date.now() - started;
      expect(waited).toBeGreaterThanOrEqual(1_000);
      expect(waited).toBeLessThan(5_000);
      expect(await statusWith(other, created.apiKey)).toBe(401);
    } finally {
      await silent.end();
    }
  });
});

describe('apiClients.rotate', () => {
  it('issues a new key, shown once, and refuses the old one at once everywhere', async () => {
    const created = await register(['assignments:read', 'parties:read']);
    expect(await statusWith(server, created.apiKey)).toBe(200);
    expect(await statusWith(other, created.apiKey)).toBe(200);

    const rotated = await server.admin.apiClients.rotate.mutate({ id: created.client.id });
    expect(rotated.apiKey).toMatch(/^tk_[A-Za-z0-9_-]{43}$/);
    expect(rotated.apiKey).not.toBe(created.apiKey);
    expect(rotated.client).toMatchObject({
      id: created.client.id,
      name: created.client.name,
      scopes: ['assignments:read', 'parties:read'],
      keyPrefix: rotated.apiKey.slice(0, 9),
      revokedAt: null,
    });

    expect(await statusWith(server, created.apiKey)).toBe(401);
    expect(await statusWith(other, created.apiKey)).toBe(401);
    expect(await statusWith(server, rotated.apiKey)).toBe(200);
    expect(await statusWith(other, rotated.apiKey)).toBe(200);
    const fetched = await server.admin.apiClients.get.query({ id: created.client.id });
    expect(JSON.stringify(fetched)).not.toContain(rotated.apiKey);
  });

  it('refuses to rotate a revoked client', async () => {
    const created = await register();
    await server.admin.apiClients.revoke.mutate({ id: created.client.id });
    const error = await caught(() => server.admin.apiClients.rotate.mutate({ id: created.client.id }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'CONFLICT' });
    expect(await statusWith(server, created.apiKey)).toBe(401);
  });
});

describe('the audit trail of API clients', () => {
  it('records creation, rotation and revocation, with no key material', async () => {
    const created = await register();
    const rotated = await server.admin.apiClients.rotate.mutate({ id: created.client.id });
    await server.admin.apiClients.revoke.mutate({ id: created.client.id });

    const page = await server.admin.audit.list.query({ entityType: 'api_client', entityId: created.client.id });
    expect(page.items.map((entry) => entry.action).sort()).toEqual(['created', 'key_rotated', 'revoked']);
    const revocation = page.items.find((entry) => entry.action === 'revoked');
    expect(revocation?.changes).toMatchObject({ revokedAt: { from: null } });

    const events = await query<{ type: string; data: unknown; changes: unknown }>(
      server.databaseUrl,
      'select type, data, changes from events where entity_id = $1 order by sequence',
      [created.client.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      'api_client.created',
      'api_client.key_rotated',
      'api_client.revoked',
    ]);
    const written = JSON.stringify([page, events]);
    for (const secret of [created.apiKey, rotated.apiKey]) {
      expect(written).not.toContain(secret);
      expect(written).not.toContain(hashApiKey(secret));
      expect(written).not.toContain(secret.slice(0, 9));
    }
  });
});
