import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// Three server processes' worth of platforms on one database; `reference` answers through
// tRPC's own adapter instead of the fast path.
let server: TestServer;
let other: TestServer;
let reference: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  other = await startTestServer({ sharing: server });
  reference = await startTestServer({ sharing: server, env: { TAKST_TRPC_FAST_PATH: 'false' } });
});
afterAll(async () => {
  await reference?.close();
  await other?.close();
  await server?.close();
});

interface Answer {
  status: number;
  body: { result?: { data: Record<string, unknown> }; error?: { message: string; data: Record<string, unknown> } };
}

interface Call {
  path: string;
  input: unknown;
  key?: string;
  at?: TestServer;
  apiKey?: string;
  requestId?: string;
}

/** A mutation over plain HTTP, with the Idempotency-Key header when `key` is given. */
async function mutate({ path, input, key, at = server, apiKey = at.adminKey, requestId }: Call): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  if (key !== undefined) headers['idempotency-key'] = key;
  if (requestId) headers['x-request-id'] = requestId;
  const response = await fetch(`${at.url}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** The answer's data, once it is known to be a success. */
function dataOf<T>(answer: Answer): T {
  expect(answer.status).toBe(200);
  return answer.body.result?.data as T;
}

/** A create input that marks its rows, so a test can count what it made. */
function markedInput() {
  const marker = `idempotency ${randomUUID()}`;
  return { marker, input: assignmentInput({ notes: marker }) };
}

async function assignmentsMarked(marker: string): Promise<number> {
  const [row] = await query<{ count: number }>(
    server.databaseUrl,
    'select count(*)::int as count from assignments where notes = $1',
    [marker],
  );
  return row?.count ?? 0;
}

const createWith = (input: unknown, key: string, at?: TestServer) =>
  mutate({ path: 'assignments.create', input, key, ...(at ? { at } : {}) });

describe('a mutation with an Idempotency-Key', () => {
  it('acts once: a retry with the same key and input gets the first answer back', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const first = await createWith(input, key);
    const retry = await createWith(input, key);
    expect(first.status).toBe(200);
    expect(retry).toEqual(first);
    expect(await assignmentsMarked(marker)).toBe(1);
  });

  it('treats input that differs only in key order as the same input', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const first = await createWith(input, key);
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    expect(await createWith(reordered, key)).toEqual(first);
    expect(await assignmentsMarked(marker)).toBe(1);
  });

  it('acts once for fifty concurrent calls with one key', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 50 }, () => createWith(input, key)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body.result?.data.id)).size).toBe(1);
    expect(await assignmentsMarked(marker)).toBe(1);
  });

  it('acts once for concurrent calls with one key spread over several server processes', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const servers = [server, other, reference];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => createWith(input, key, servers[i % 3])));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => answer.body.result?.data.id)).size).toBe(1);
    expect(await assignmentsMarked(marker)).toBe(1);
  });

  it('refuses the same key with different input as CONFLICT IDEMPOTENCY_KEY_REUSED, acting no more', async () => {
    const first = markedInput();
    const second = markedInput();
    const key = randomUUID();
    expect((await createWith(first.input, key)).status).toBe(200);
    const reused = await createWith(second.input, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error?.data).toMatchObject({ code: 'CONFLICT', errorCode: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await assignmentsMarked(second.marker)).toBe(0);
    // The same key on another procedure is other input too.
    const elsewhere = await mutate({ path: 'notes.add', input: { assignmentId: randomUUID(), text: 'x' }, key });
    expect(elsewhere.body.error?.data).toMatchObject({ errorCode: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('lets exactly one of concurrent calls with one key and different inputs act', async () => {
    const key = randomUUID();
    const calls = Array.from({ length: 10 }, () => markedInput());
    const answers = await Promise.all(calls.map(({ input }) => createWith(input, key)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(9);
    expect(refused.every((answer) => answer.body.error?.data.errorCode === 'IDEMPOTENCY_KEY_REUSED')).toBe(true);
    const made = await Promise.all(calls.map(({ marker }) => assignmentsMarked(marker)));
    expect(made.reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it('replays a refusal the procedure made, even once the call would now succeed', async () => {
    const { id } = dataOf<{ id: string }>(await createWith(markedInput().input, randomUUID()));
    const stale = { id, expectedVersion: 2, patch: { notes: 'second' } };
    const key = randomUUID();
    const refused = await mutate({ path: 'assignments.update', input: stale, key });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.data).toMatchObject({ errorCode: 'VERSION_CONFLICT', currentVersion: 1 });

    // Now version 2 exists, and the same input would go through as a new call.
    await server.admin.assignments.update.mutate({ id, expectedVersion: 1, patch: { notes: 'first' } });
    const retried = await mutate({ path: 'assignments.update', input: stale, key });
    expect(retried.status).toBe(409);
    expect(retried.body.error?.message).toBe(refused.body.error?.message);
    expect(retried.body.error?.data).toMatchObject({ errorCode: 'VERSION_CONFLICT', currentVersion: 1 });
    expect((await server.admin.assignments.get.query({ id })).notes).toBe('first');
  });

  it('keeps nothing for input that fails validation, so the corrected call may use the key', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const invalid = await createWith({ ...input, type: 'nope' }, key);
    expect(invalid.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    expect(await createWith(input, key)).toMatchObject({ status: 200 });
    expect(await assignmentsMarked(marker)).toBe(1);
  });

  it('keeps keys apart per API client', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const writer = await server.admin.apiClients.create.mutate({ name: 'writer', scopes: ['assignments:write'] });
    expect((await createWith(input, key)).status).toBe(200);
    expect((await mutate({ path: 'assignments.create', input, key, apiKey: writer.apiKey })).status).toBe(200);
    expect(await assignmentsMarked(marker)).toBe(2);
  });

  it('keeps the outcome for 24 hours with a fingerprint of the input, then acts again', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    await createWith(input, key);
    const [row] = await query<{ fingerprint: string; status: number; ttl: number; path: string }>(
      server.databaseUrl,
      `select fingerprint, response_status as status, path,
         extract(epoch from expires_at - created_at)::int as ttl
       from idempotency_keys where key = $1`,
      [key],
    );
    expect(row).toEqual({
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      status: 200,
      ttl: 86_400,
      path: 'assignments.create',
    });

    await query(
      server.databaseUrl,
      `update idempotency_keys set expires_at = now() - interval '1 second' where key = $1`,
      [key],
    );
    expect((await createWith(input, key)).status).toBe(200);
    expect(await assignmentsMarked(marker)).toBe(2);
    const kept = await query(
      server.databaseUrl,
      'select 1 from idempotency_keys where key = $1 and expires_at > now()',
      [key],
    );
    expect(kept).toHaveLength(1);
  });
});

describe('an idempotent call that issues an API key', () => {
  it('never stores the key: a retry is refused, naming the client the first call made', async () => {
    const key = randomUUID();
    const input = { name: `keyed ${key}`, scopes: ['assignments:read'] };
    const created = dataOf<{ apiKey: string; client: { id: string } }>(
      await mutate({ path: 'apiClients.create', input, key }),
    );

    const retry = await mutate({ path: 'apiClients.create', input, key, at: other });
    expect(retry.status).toBe(409);
    expect(retry.body.error?.data).toMatchObject({ code: 'CONFLICT', apiClientId: created.client.id });
    expect(JSON.stringify(retry.body)).not.toContain(created.apiKey);
    const clients = await server.admin.apiClients.list.query();
    expect(clients.items.filter((client) => client.name === input.name)).toHaveLength(1);

    const rotateKey = randomUUID();
    const rotated = await mutate({ path: 'apiClients.rotate', input: { id: created.client.id }, key: rotateKey });
    const newApiKey = dataOf<{ apiKey: string }>(rotated).apiKey;
    const rotatedAgain = await mutate({ path: 'apiClients.rotate', input: { id: created.client.id }, key: rotateKey });
    expect(rotatedAgain.body.error?.data).toMatchObject({ code: 'CONFLICT', apiClientId: created.client.id });
    const stillWorks = await fetch(`${server.url}/trpc/assignments.list`, {
      headers: { authorization: `Bearer ${newApiKey}` },
    });
    expect(stillWorks.status).toBe(200);

    const stored = JSON.stringify(await query(server.databaseUrl, 'select * from idempotency_keys'));
    for (const secret of [created.apiKey, newApiKey]) expect(stored).not.toContain(secret);
  });
});

describe('the Idempotency-Key header', () => {
  it('must be 1 to 255 printable ASCII characters on a mutation', async () => {
    const { marker, input } = markedInput();
    for (const key of ['', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
      const answer = await createWith(input, key);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'IDEMPOTENCY_KEY_INVALID' });
    }
    expect(await assignmentsMarked(marker)).toBe(0);
    expect(await createWith(input, 'x'.repeat(255))).toMatchObject({ status: 200 });
  });

  it('is ignored by queries', async () => {
    const response = await fetch(`${server.url}/trpc/assignments.list`, {
      headers: { authorization: `Bearer ${server.adminKey}`, 'idempotency-key': 'x'.repeat(300) },
    });
    expect(response.status).toBe(200);
  });

  it('stands for one call: a batch of several mutations under one key is refused whole, on both transports', async () => {
    const first = markedInput();
    const second = markedInput();
    const body = JSON.stringify({ 0: first.input, 1: second.input });
    const send = async (at: TestServer) => {
      const response = await fetch(`${at.url}/trpc/assignments.create,assignments.create?batch=1`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${at.adminKey}`,
          'content-type': 'application/json',
          'idempotency-key': 'one-key-two-calls',
          'x-request-id': 'idempotency-batch',
        },
        body,
      });
      return { status: response.status, body: await response.json() };
    };
    const fast = await send(server);
    expect(fast).toEqual(await send(reference));
    expect(fast.status).toBe(400);
    expect(fast.body).toEqual([
      expect.objectContaining({
        error: expect.objectContaining({ data: expect.objectContaining({ errorCode: 'IDEMPOTENCY_KEY_INVALID' }) }),
      }),
      expect.objectContaining({
        error: expect.objectContaining({ data: expect.objectContaining({ errorCode: 'IDEMPOTENCY_KEY_INVALID' }) }),
      }),
    ]);
    expect((await assignmentsMarked(first.marker)) + (await assignmentsMarked(second.marker))).toBe(0);
  });

  it('may key a batch of one mutation, on both transports alike', async () => {
    const { marker, input } = markedInput();
    const key = randomUUID();
    const send = async (at: TestServer) => {
      const response = await fetch(`${at.url}/trpc/assignments.create?batch=1`, {
        method: 'POST',
        headers: { authorization: `Bearer ${at.adminKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ 0: input }),
      });
      return { status: response.status, body: await response.json() };
    };
    const fast = await send(server);
    expect(fast.status).toBe(200);
    expect(await send(reference)).toEqual(fast);
    expect(await assignmentsMarked(marker)).toBe(1);
  });
});
