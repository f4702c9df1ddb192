import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// The fast path must answer exactly as tRPC's own adapter does: same status, same JSON.
let fast: TestServer;
let reference: TestServer;
let existingId: string;

beforeAll(async () => {
  fast = await startTestServer();
  reference = await startTestServer({ sharing: fast, env: { TAKST_TRPC_FAST_PATH: 'false' } });
  existingId = (await fast.admin.assignments.create.mutate(assignmentInput())).id;
});
afterAll(async () => {
  await reference?.close();
  await fast?.close();
});

interface Call {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  path: () => string;
  body?: () => string;
  auth?: boolean;
  contentType?: string;
}

const missingId = '01900000-0000-7000-8000-000000000000';
const q = (value: unknown) => encodeURIComponent(JSON.stringify(value));

const calls: Call[] = [
  { name: 'one query', method: 'GET', path: () => `assignments.get?input=${q({ id: existingId })}` },
  { name: 'a query without input', method: 'GET', path: () => 'assignments.list' },
  {
    name: 'a batch of one',
    method: 'GET',
    path: () => `assignments.get?batch=1&input=${q({ 0: { id: existingId } })}`,
  },
  {
    name: 'a batch with a success and a not-found (207)',
    method: 'GET',
    path: () => `assignments.get,assignments.get?batch=1&input=${q({ 0: { id: existingId }, 1: { id: missingId } })}`,
  },
  {
    name: 'a batch of two different procedures',
    method: 'GET',
    path: () => `assignments.get,assignments.list?batch=1&input=${q({ 0: { id: existingId }, 1: { limit: 1 } })}`,
  },
  { name: 'invalid input', method: 'GET', path: () => `assignments.get?input=${q({ id: 42 })}` },
  { name: 'missing required input', method: 'GET', path: () => 'assignments.get' },
  { name: 'input that is not JSON', method: 'GET', path: () => 'assignments.get?input=%7Bnope' },
  { name: 'a batch input that is not an object', method: 'GET', path: () => `assignments.get?batch=1&input=${q([1])}` },
  { name: 'no API key', method: 'GET', path: () => `assignments.get?input=${q({ id: existingId })}`, auth: false },
  { name: 'an unknown procedure', method: 'GET', path: () => 'assignments.nope' },
  {
    name: 'a query over POST',
    method: 'POST',
    path: () => 'assignments.get',
    body: () => JSON.stringify({ id: existingId }),
  },
  { name: 'a mutation over GET', method: 'GET', path: () => 'assignments.update' },
  { name: 'PUT', method: 'PUT', path: () => 'assignments.get', body: () => '{}' },
  {
    name: 'a mutation with a stale version',
    method: 'POST',
    path: () => 'assignments.update',
    body: () => JSON.stringify({ id: existingId, expectedVersion: 99, patch: { notes: 'x' } }),
  },
  {
    name: 'a mutation with invalid input',
    method: 'POST',
    path: () => 'assignments.create',
    body: () => JSON.stringify({ type: 'nope' }),
  },
  {
    name: 'a mutation whose body is not JSON',
    method: 'POST',
    path: () => 'assignments.create',
    body: () => '{"type":',
  },
  {
    name: 'a batch of two failing mutations',
    method: 'POST',
    path: () => 'assignments.update,assignments.create?batch=1',
    body: () => JSON.stringify({ 0: { id: missingId, expectedVersion: 1, patch: { notes: 'x' } }, 1: {} }),
  },
  {
    name: 'a body over the limit',
    method: 'POST',
    path: () => 'assignments.create',
    body: () => JSON.stringify({ ...assignmentInput(), notes: 'x'.repeat(6 * 1024 * 1024) }),
  },
  { name: 'a path that is not valid percent-encoding', method: 'GET', path: () => '%E0' },
  {
    name: 'a batch with a path that is not valid percent-encoding',
    method: 'POST',
    path: () => 'assignments.create,%E0%A4?batch=1',
    body: () => '{}',
  },
  {
    name: 'form data',
    method: 'POST',
    path: () => 'assignments.create',
    body: () => 'type=valuation',
    contentType: 'application/x-www-form-urlencoded',
  },
];

async function send(server: TestServer, call: Call, requestId: string) {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  if (call.auth !== false) headers.authorization = `Bearer ${server.adminKey}`;
  if (call.body) headers['content-type'] = call.contentType ?? 'application/json';
  const response = await fetch(`${server.url}/trpc/${call.path()}`, {
    method: call.method,
    headers,
    ...(call.body ? { body: call.body() } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

describe('the tRPC fast path', () => {
  it('keeps serving after a request no handler can make sense of', async () => {
    for (const path of ['%E0', '%', 'a%2', 'assignments.get,%FF?batch=1']) {
      const answer = await fetch(`${fast.url}/trpc/${path}`, { headers: { authorization: `Bearer ${fast.adminKey}` } });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
    expect((await fetch(`${fast.url}/healthz`)).status).toBe(200);
  });

  it.each(calls.map((call) => [call.name, call] as const))(
    'answers %s exactly as the tRPC adapter',
    async (_, call) => {
      const requestId = `diff-${call.name.replace(/\W+/g, '-')}`;
      const expected = await send(reference, call, requestId);
      const actual = await send(fast, call, requestId);
      expect(actual).toEqual(expected);
    },
  );

  it('refuses a body over the limit with PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(`${fast.url}/trpc/assignments.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fast.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...assignmentInput(), notes: 'x'.repeat(6 * 1024 * 1024) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { data: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
