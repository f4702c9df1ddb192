import { AUTHENTICATED, appRouter } from '@takst/api';
import { SCOPES } from '@takst/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

async function rawCall(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent('{}')}`, { headers });
  return { status: response.status, body: (await response.json()) as { error: { data: Record<string, unknown> } } };
}

describe('every procedure declares a scope', () => {
  it('finds a known scope, or `authenticated` (a working key is enough), in the meta of each procedure', () => {
    // At run time tRPC keeps a flat map of every procedure by its dotted path.
    const flat = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: { scope?: string } } }>;
    const procedures = Object.entries(flat);
    expect(procedures.map(([path]) => path)).toContain('assignments.create');
    expect(procedures.length).toBeGreaterThanOrEqual(7);
    const withoutScope = procedures
      .filter(([, procedure]) => ![...SCOPES, AUTHENTICATED].includes(procedure._def.meta?.scope as never))
      .map(([path]) => path);
    expect(withoutScope).toEqual([]);
  });
});

describe('authentication', () => {
  it('answers UNAUTHORIZED without an Authorization header', async () => {
    const { status, body } = await rawCall('assignments.list');
    expect(status).toBe(401);
    expect(body.error.data).toMatchObject({ code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED' });
  });

  it('answers UNAUTHORIZED for a header that is not a bearer key', async () => {
    const { status } = await rawCall('assignments.list', { authorization: `Basic ${btoa('a:b')}` });
    expect(status).toBe(401);
  });

  it('answers UNAUTHORIZED for an unknown key, well-formed or not', async () => {
    for (const key of [`tk_${'A'.repeat(43)}`, 'nonsense']) {
      const error = await caught(() => server.client(key).assignments.list.query({}));
      expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401, errorCode: 'UNAUTHENTICATED' });
    }
  });

  it('lets a known key in', async () => {
    const page = await server.admin.assignments.list.query({});
    expect(page.items).toBeInstanceOf(Array);
  });

  it('stores only a hash of each key', async () => {
    const created = await server.admin.apiClients.create.mutate({ name: 'booking tool', scopes: ['assignments:read'] });
    expect(created.apiKey).toMatch(/^tk_[A-Za-z0-9_-]{43}$/);
    expect(created.client.keyPrefix).toBe(created.apiKey.slice(0, 9));
    const rows = await query<Record<string, unknown>>(server.databaseUrl, 'select * from api_clients');
    expect(JSON.stringify(rows)).not.toContain(created.apiKey);
    expect(JSON.stringify(rows)).not.toContain(server.adminKey);
  });
});

describe('scopes', () => {
  it('answers FORBIDDEN naming the missing scope, and writes nothing', async () => {
    const reader = await server.clientWithScopes(['assignments:read']);
    const error = await caught(() => reader.assignments.create.mutate(assignmentInput()));
    expect(error.data).toMatchObject({
      code: 'FORBIDDEN',
      httpStatus: 403,
      errorCode: 'MISSING_SCOPE',
      requiredScope: 'assignments:write',
    });
    expect(error.message).toContain('assignments:write');
    expect((await server.admin.assignments.list.query({})).items).toHaveLength(0);
  });

  it('lets a key with the scope do its work, and nothing beyond it', async () => {
    const writer = await server.clientWithScopes(['assignments:write', 'assignments:read']);
    const created = await writer.assignments.create.mutate(assignmentInput());
    expect((await writer.assignments.get.query({ id: created.id })).id).toBe(created.id);
    const error = await caught(() => writer.apiClients.list.query());
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'admin' });
  });

  it('treats admin as every scope', async () => {
    const clients = await server.admin.apiClients.list.query();
    const bootstrap = clients.items.find((c) => c.name === 'bootstrap-admin');
    expect(bootstrap?.scopes).toEqual([...SCOPES]);
  });

  it('checks authentication before validating input', async () => {
    const error = await caught(() => server.client('nope').assignments.create.mutate({} as never));
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('request ids', () => {
  it('echoes a given X-Request-Id in the header and in the error', async () => {
    const response = await fetch(`${server.url}/trpc/assignments.list`, { headers: { 'x-request-id': 'req-test-42' } });
    expect(response.headers.get('x-request-id')).toBe('req-test-42');
    const body = (await response.json()) as { error: { data: { requestId: string } } };
    expect(body.error.data.requestId).toBe('req-test-42');
  });

  it('makes one when none is given, and puts it in every error', async () => {
    const response = await fetch(`${server.url}/trpc/assignments.list`);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await response.json()) as { error: { data: { requestId: string } } };
    expect(body.error.data.requestId).toBe(requestId);
  });

  it('answers an unknown route with problem details carrying the request id', async () => {
    const response = await fetch(`${server.url}/nowhere`, { headers: { 'x-request-id': 'r-404' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', errorCode: 'NOT_FOUND', requestId: 'r-404' });
  });
});
