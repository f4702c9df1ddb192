import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { signedInPerson } from './support/people';
import { startTestServer, type TestServer } from './support/server';

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, navigated by path, in a test
type Json = Record<string, any>;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface Call {
  status: number;
  body: Json;
  headers: Headers;
}

async function rest(
  method: string,
  path: string,
  options: { body?: unknown; key?: string | null; headers?: Record<string, string> } = {},
): Promise<Call> {
  const key = options.key === undefined ? server.adminKey : options.key;
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Json) : {}, headers: response.headers };
}

function expectProblem(call: Call, status: number, errorCode: string) {
  expect(call.status, JSON.stringify(call.body)).toBe(status);
  expect(call.headers.get('content-type')).toBe('application/problem+json');
  expect(call.body).toMatchObject({ type: `urn:takst:error:${errorCode}`, status, errorCode });
  expect(typeof call.body.title).toBe('string');
  expect(typeof call.body.detail).toBe('string');
  expect(call.body.requestId).toBe(call.headers.get('x-request-id'));
}

describe('REST under /api/v1', () => {
  it('runs an assignment from created to confirmed with plain paths, queries and bodies', async () => {
    const created = await rest('POST', '/assignments', { body: assignmentInput() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'received', version: 1 });
    expect(created.headers.get('cache-control')).toBe('no-store');
    const id = created.body.id as string;

    const fetched = await rest('GET', `/assignments/${id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.id).toBe(id);
    const byReference = await rest('GET', `/assignments/lookup?reference=${created.body.reference}`);
    expect(byReference.body.id).toBe(id);

    const listed = await rest('GET', `/assignments?status=received&limit=200&q=${encodeURIComponent('Storgata')}`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: Json) => item.id)).toContain(id);
    expect(listed.body.items.every((item: Json) => item.status === 'received')).toBe(true);
    const twoStatuses = await rest('GET', '/assignments?status=received,confirmed&limit=1');
    expect(twoStatuses.status).toBe(200);
    expect(twoStatuses.body.items).toHaveLength(1);

    const confirmed = await rest('POST', `/assignments/${id}/transitions`, {
      body: { to: 'confirmed', expectedVersion: 1 },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', version: 2 });

    const patched = await rest('PATCH', `/assignments/${id}`, {
      body: { expectedVersion: 2, patch: { notes: 'Ring på dørklokken' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.notes).toBe('Ring på dørklokken');

    const timeline = await rest('GET', `/assignments/${id}/timeline`);
    expect(timeline.status).toBe(200);
    const note = await rest('POST', `/assignments/${id}/notes`, { body: { author: 'Kari', text: 'Nøkkel hos nabo' } });
    expect(note.status).toBe(201);
    const notes = await rest('GET', `/assignments/${id}/notes`);
    expect(notes.body.items.map((item: Json) => item.text)).toEqual(['Nøkkel hos nabo']);
  });

  it('refuses as problem details: a stale version with the current one, an unknown id, bad input', async () => {
    const created = await rest('POST', '/assignments', { body: assignmentInput() });
    const id = created.body.id as string;
    const stale = await rest('POST', `/assignments/${id}/transitions`, {
      body: { to: 'confirmed', expectedVersion: 7 },
    });
    expectProblem(stale, 409, 'VERSION_CONFLICT');
    expect(stale.body).toMatchObject({
      code: 'CONFLICT',
      currentVersion: 1,
      instance: `/api/v1/assignments/${id}/transitions`,
    });

    const missing = await rest('GET', '/assignments/01a2452d-4378-76a8-b3b4-865878b53607');
    expectProblem(missing, 404, 'ASSIGNMENT_NOT_FOUND');

    const badId = await rest('GET', '/assignments/not-an-id');
    expectProblem(badId, 400, 'VALIDATION_FAILED');
    expect(badId.body.issues[0].path).toEqual(['id']);

    const badBody = await rest('POST', '/assignments', { body: { type: 'nope' } });
    expectProblem(badBody, 400, 'VALIDATION_FAILED');
    expect(badBody.body.issues.map((issue: Json) => issue.path[0])).toContain('type');

    const pathAndBodyDisagree = await rest('POST', `/assignments/${id}/transitions`, {
      body: { id: '01a2452d-4378-76a8-b3b4-865878b53607', to: 'confirmed' },
    });
    expectProblem(pathAndBodyDisagree, 400, 'VALIDATION_FAILED');
    expect((await rest('GET', `/assignments/${id}`)).body.status).toBe('received');
  });

  it('refuses a query parameter the operation does not take instead of ignoring it', async () => {
    const misspelt = await rest('GET', '/assignments?stauts=received');
    expectProblem(misspelt, 400, 'VALIDATION_FAILED');
    expect(misspelt.body.issues[0]).toMatchObject({ path: ['stauts'] });
    expect(misspelt.body.detail).toContain('status');
    const notANumber = await rest('GET', '/assignments?limit=many');
    expectProblem(notANumber, 400, 'VALIDATION_FAILED');
    expect(notANumber.body.issues[0].path).toEqual(['limit']);
  });

  it('answers unknown routes 404 and wrong methods 405 with Allow, as problem details', async () => {
    expectProblem(await rest('GET', '/nothing-here'), 404, 'NOT_FOUND');
    const wrongMethod = await rest('DELETE', '/assignments');
    expectProblem(wrongMethod, 405, 'METHOD_NOT_SUPPORTED');
    expect(wrongMethod.headers.get('allow')).toBe('POST, GET');
  });

  it('holds keys and scopes as /trpc does', async () => {
    expectProblem(await rest('GET', '/assignments', { key: null }), 401, 'UNAUTHENTICATED');
    expectProblem(await rest('GET', '/assignments', { key: 'tk_not-a-real-key' }), 401, 'UNAUTHENTICATED');
    const reader = await rest('POST', '/api-clients', { body: { name: 'reader', scopes: ['parties:read'] } });
    expect(reader.status).toBe(201);
    const refused = await rest('GET', '/assignments', { key: reader.body.apiKey });
    expectProblem(refused, 403, 'MISSING_SCOPE');
    expect(refused.body.requiredScope).toBe('assignments:read');
    expect((await rest('GET', '/parties', { key: reader.body.apiKey })).status).toBe(200);
  });

  it('holds roles for a signed-in person, with the session cookie and the CSRF header', async () => {
    const appraiser = await rest('POST', '/appraisers', {
      body: { name: 'Astrid', certifications: [{ area: 'condition', validFrom: '2020-01-01' }] },
    });
    const person = await signedInPerson(server, ['appraiser'], { appraiserId: appraiser.body.id });
    const asPerson = { key: null, headers: { cookie: person.cookie, 'x-takst-csrf': '1' } };
    expect((await rest('GET', '/me', asPerson)).body).toMatchObject({ user: { id: person.userId } });
    expectProblem(await rest('GET', '/users', asPerson), 403, 'MISSING_SCOPE');
    const withoutCsrf = await rest('POST', '/assignments', {
      key: null,
      headers: { cookie: person.cookie },
      body: assignmentInput(),
    });
    expect(withoutCsrf.status).toBe(403);
  });

  it('runs a keyed POST once and answers a retry with the first answer', async () => {
    const headers = { 'idempotency-key': `rest-${Date.now()}` };
    const first = await rest('POST', '/assignments', { body: assignmentInput(), headers });
    const retry = await rest('POST', '/assignments', { body: assignmentInput(), headers });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const otherBody = await rest('POST', '/assignments', { body: assignmentInput({ notes: 'other' }), headers });
    expect(otherBody.status).toBe(409);
    expect(otherBody.headers.get('content-type')).toBe('application/problem+json');
  });

  it('streams events as server-sent events with the sequence as the event id', async () => {
    const created = await rest('POST', '/assignments', { body: assignmentInput() });
    const abort = new AbortController();
    const response = await fetch(`${server.url}/api/v1/events/stream?types=assignment.created&after=0`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes(created.body.id)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    const frame = text.split('\n\n').find((each) => each.includes(created.body.id)) as string;
    expect(frame).toMatch(/^id: \d+\ndata: \{/);
    const event = JSON.parse(frame.split('\ndata: ')[1] as string) as Json;
    expect(event).toMatchObject({ type: 'assignment.created', entityId: created.body.id });

    expectProblem(await rest('GET', '/events/stream?types=assignment.nonsense'), 400, 'UNKNOWN_EVENT_TYPE');
  });
});

describe('the plain endpoints refuse in the same shape', () => {
  it('for unknown routes, the export and metrics', async () => {
    const unknown = await fetch(`${server.url}/nothing/here`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(await unknown.json()).toMatchObject({ errorCode: 'NOT_FOUND', status: 404, instance: '/nothing/here' });

    const exportWithoutKey = await fetch(`${server.url}/api/v1/assignments/export.ndjson`);
    expect(exportWithoutKey.status).toBe(401);
    expect(exportWithoutKey.headers.get('content-type')).toBe('application/problem+json');
    expect(await exportWithoutKey.json()).toMatchObject({
      errorCode: 'UNAUTHENTICATED',
      type: 'urn:takst:error:UNAUTHENTICATED',
    });

    const metricsWithoutKey = await fetch(`${server.url}/metrics`);
    expect(metricsWithoutKey.status).toBe(401);
    expect(metricsWithoutKey.headers.get('content-type')).toBe('application/problem+json');
  });
});
