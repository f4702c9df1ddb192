import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type Assignment,
  createTakstClient,
  isTakstError,
  type TakstClient,
  type TakstClientOptions,
  TakstError,
  type TakstEvent,
  withIdempotencyKey,
} from '@takst/sdk';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** What the proxy does to one request instead of just passing it on. */
interface Trouble {
  /** Only requests whose path (e.g. `/trpc/assignments.get`) contains this. */
  path?: string;
  /** Answer this status (and headers, body) without asking the server. */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Pass the request on, so the server acts, but answer `status` instead of its answer. */
  afterForwarding?: boolean;
  /** Pass the request on, but only answer after this long. */
  delayMs?: number;
  /** Close the connection without an answer. */
  drop?: boolean;
}

interface SeenRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function bodyOf(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length > 0 ? Buffer.concat(chunks) : undefined;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/** Sends the request on to the server and streams its answer back (event streams included). */
async function forward(target: string, request: IncomingMessage, body: Buffer | undefined, response: ServerResponse) {
  const upstream = new AbortController();
  response.on('close', () => upstream.abort());
  const headers = Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)) as [string, string][];
  try {
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method ?? 'GET',
      headers,
      body: body ? new Uint8Array(body) : null,
      signal: upstream.signal,
    });
    const answerHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) answerHeaders[name] = value;
    });
    response.writeHead(answer.status, answerHeaders);
    if (answer.body) await pipeline(Readable.fromWeb(answer.body as never), response);
    else response.end();
  } catch {
    // The client went away, or the server did: either way this answer is over.
    response.destroy();
  }
}

/** An HTTP proxy in front of the test server that misbehaves on cue, then passes requests on. */
async function flakyProxy(target: string) {
  const seen: SeenRequest[] = [];
  const troubles: Trouble[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = request.url ?? '/';
    const key = request.headers['idempotency-key'];
    seen.push({ method: request.method ?? '', path, idempotencyKey: typeof key === 'string' ? key : undefined });
    const body = await bodyOf(request);
    const index = troubles.findIndex((trouble) => !trouble.path || path.includes(trouble.path));
    const trouble = index === -1 ? undefined : troubles.splice(index, 1)[0];
    if (!trouble) return forward(target, request, body, response);
    if (trouble.drop) return request.socket.destroy();
    if (trouble.delayMs) await sleep(trouble.delayMs);
    if (trouble.status === undefined) return forward(target, request, body, response);
    if (trouble.afterForwarding) await fetchThrough(target, request, body);
    response.writeHead(trouble.status, { 'content-type': 'text/html', ...trouble.headers });
    response.end(trouble.body ?? `<h1>${trouble.status}</h1>`);
  };
  const proxy: Server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    /** Misbehaves on the next `times` requests that match. */
    trouble(trouble: Trouble, times = 1) {
      for (let i = 0; i < times; i++) troubles.push(trouble);
    },
    seenAt: (path: string) => seen.filter((request) => request.path.includes(path)),
    client: (options: Partial<TakstClientOptions> = {}) =>
      createTakstClient({ baseUrl: url, apiKey: server.adminKey, ...options }),
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}

/** Passes a request on and waits for the whole answer, which is then thrown away. */
async function fetchThrough(target: string, request: IncomingMessage, body: Buffer | undefined) {
  const headers = Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name)) as [string, string][];
  const answer = await fetch(`${target}${request.url}`, {
    method: request.method ?? 'GET',
    headers,
    body: body ? new Uint8Array(body) : null,
  });
  await answer.arrayBuffer();
}

type Proxy = Awaited<ReturnType<typeof flakyProxy>>;
let proxy: Proxy;
beforeAll(async () => {
  proxy = await flakyProxy(server.url);
});
afterAll(() => proxy?.close());

async function newAssignment(overrides: Parameters<typeof assignmentInput>[0] = {}): Promise<Assignment> {
  return server.admin.assignments.create.mutate(assignmentInput(overrides));
}

/** `count` assignments whose client name holds a word of their own, to list them apart. */
async function assignmentsNamed(count: number): Promise<{ word: string; ids: string[] }> {
  const word = `pager${randomUUID().slice(0, 8)}`;
  for (let i = 0; i < count; i++) await newAssignment({ client: { name: `Kari ${word}` } });
  const rows = await query<{ id: string }>(
    server.databaseUrl,
    `select a.id from assignments a join parties p on p.id = a.client_id
     where p.name = $1 order by a.created_at desc, a.id desc`,
    [`Kari ${word}`],
  );
  return { word, ids: rows.map((row) => row.id) };
}

/** A client whose fetch notes the path of every request it sends. */
function countingClient(options: Partial<TakstClientOptions> = {}) {
  const paths: string[] = [];
  const client = createTakstClient({
    baseUrl: server.url,
    apiKey: server.adminKey,
    fetch: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
    ...options,
  });
  return { client, paths };
}

describe('iterate and toArray on every list', () => {
  let listed: { word: string; ids: string[] };
  beforeAll(async () => {
    listed = await assignmentsNamed(23);
  });

  it('walks assignments.list across many pages, in list order, one request a page', async () => {
    const { client, paths } = countingClient();
    const ids: string[] = [];
    for await (const assignment of client.assignments.list.iterate({ q: listed.word, limit: 5 })) {
      ids.push(assignment.id);
    }
    expect(listed.ids).toHaveLength(23);
    expect(ids).toEqual(listed.ids);
    expect(paths).toEqual(Array(5).fill('/trpc/assignments.list'));
  });

  it('collects with toArray, and stops fetching at max', async () => {
    const { client, paths } = countingClient();
    expect((await client.assignments.list.toArray({ q: listed.word, limit: 10 })).map((a) => a.id)).toEqual(listed.ids);
    expect(paths).toHaveLength(3);
    paths.length = 0;
    const first7 = await client.assignments.list.toArray({ q: listed.word, limit: 5 }, { max: 7 });
    expect(first7.map((a) => a.id)).toEqual(listed.ids.slice(0, 7));
    expect(paths).toHaveLength(2);
    paths.length = 0;
    expect(await client.assignments.list.toArray({ q: listed.word }, { max: 0 })).toEqual([]);
    expect(paths).toHaveLength(0);
    await expect(client.assignments.list.toArray({}, { max: -1 })).rejects.toThrow(RangeError);
  });

  it('starts from a cursor when given one', async () => {
    const first = await server.admin.assignments.list.query({ q: listed.word, limit: 4 });
    const rest = await server.admin.assignments.list.toArray({
      q: listed.word,
      limit: 6,
      cursor: first.nextCursor ?? '',
    });
    expect(rest.map((a) => a.id)).toEqual(listed.ids.slice(4));
  });

  it('works alike on the other lists that page with nextCursor', async () => {
    const assignment = await newAssignment();
    for (let i = 0; i < 3; i++) {
      await server.admin.notes.add.mutate({ assignmentId: assignment.id, author: 'Test', text: `note ${i}` });
    }
    const notes = await server.admin.notes.list.toArray({ assignmentId: assignment.id, limit: 1 });
    expect(notes.map((note) => note.text).sort()).toEqual(['note 0', 'note 1', 'note 2']);
    const parties = await server.admin.parties.list.toArray({ limit: 7 }, { max: 12 });
    expect(parties).toHaveLength(12);
    const audit: string[] = [];
    for await (const entry of server.admin.audit.list.iterate({ limit: 2 })) {
      audit.push(entry.id);
      if (audit.length === 5) break;
    }
    expect(new Set(audit).size).toBe(5);
    expect(await server.admin.webhooks.list.toArray()).toEqual([]);
    // Without input: the defaults.
    expect(await server.admin.properties.search.toArray(undefined, { max: 1 })).toHaveLength(1);
  });

  it('stops when its signal aborts, with an ABORTED TakstError', async () => {
    const controller = new AbortController();
    let seen = 0;
    const error = await caught(async () => {
      for await (const _ of server.admin.assignments.list.iterate(
        { q: listed.word, limit: 2 },
        { signal: controller.signal },
      )) {
        seen += 1;
        if (seen === 3) controller.abort();
      }
    });
    expect(seen).toBe(3);
    expect(isTakstError(error, 'ABORTED')).toBe(true);
  });

  it('is typed from the router: only cursor lists have the helpers, with their input and item types', () => {
    const client = server.admin;
    expectTypeOf(client.assignments.list.iterate).returns.toEqualTypeOf<AsyncIterable<Assignment>>();
    expectTypeOf(client.appraisers.list.toArray).returns.resolves.items.toHaveProperty('certifications');
    // These are checked by tsc, never run.
    const unreachable = () => {
      // @ts-expect-error events.list pages with nextAfter: use events.iterate
      client.events.list.iterate();
      // @ts-expect-error the timeline has no cursor
      client.assignments.timeline.toArray({ id: '' });
      // @ts-expect-error a mutation is no list
      client.assignments.create.iterate();
      // @ts-expect-error notes.list needs its assignmentId
      client.notes.list.toArray();
      // @ts-expect-error inputs are typed
      client.assignments.list.iterate({ status: ['lost'] });
      const events: AsyncIterable<TakstEvent> = client.events.iterate({ pageSize: 10 });
      return events;
    };
    expect(typeof unreachable).toBe('function');
  });
});

describe('retries', () => {
  it('sends a query again after 502, 503 and 504 from a gateway, and answers as if nothing happened', async () => {
    const assignment = await newAssignment();
    const client = proxy.client({ maxRetries: 3 });
    for (const status of [502, 503, 504]) proxy.trouble({ path: 'assignments.get', status });
    const before = proxy.seenAt('assignments.get').length;
    await expect(client.assignments.get.query({ id: assignment.id })).resolves.toEqual(assignment);
    expect(proxy.seenAt('assignments.get').length - before).toBe(4);
  });

  it('waits as long as Retry-After says, in seconds or as an HTTP date', async () => {
    const assignment = await newAssignment();
    const client = proxy.client();
    proxy.trouble({ path: 'assignments.get', status: 429, headers: { 'retry-after': '1' } });
    let began = Date.now();
    await expect(client.assignments.get.query({ id: assignment.id })).resolves.toEqual(assignment);
    expect(Date.now() - began).toBeGreaterThanOrEqual(950);

    const inTwoSeconds = new Date(Date.now() + 2_000).toUTCString();
    proxy.trouble({ path: 'assignments.get', status: 503, headers: { 'retry-after': inTwoSeconds } });
    began = Date.now();
    await expect(client.assignments.get.query({ id: assignment.id })).resolves.toEqual(assignment);
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
  });

  it("honours the platform's own 429 and its Retry-After", async () => {
    const limited = await startTestServer({
      sharing: server,
      env: { TAKST_RATE_LIMIT_PER_SECOND: '2', TAKST_RATE_LIMIT_BURST: '2' },
    });
    try {
      const client = limited.client(server.adminKey);
      const began = Date.now();
      const pages = await Promise.all(Array.from({ length: 4 }, () => client.assignments.list.query({ limit: 1 })));
      expect(pages).toHaveLength(4);
      // Two calls fit the burst; the other two were refused, waited for Retry-After (1 s) and passed.
      expect(Date.now() - began).toBeGreaterThanOrEqual(950);
      const refused = await caught(() => client.assignments.list.query({ limit: 1 }, { context: { maxRetries: 0 } }));
      expect(refused).toMatchObject({ code: 'RATE_LIMITED', httpStatus: 429, retryAfterMs: 1000, attempts: 1 });
    } finally {
      await limited.close();
    }
  });

  it('gives up after maxRetries with the last answer, and takes maxRetries per call', async () => {
    const assignment = await newAssignment();
    const client = proxy.client();
    proxy.trouble({ path: 'assignments.get', status: 502 }, 3);
    const error = await caught(() => client.assignments.get.query({ id: assignment.id }));
    expect(error).toBeInstanceOf(TakstError);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', httpStatus: 502, attempts: 3, data: undefined });
    expect(error.message).toContain('HTTP 502');

    proxy.trouble({ path: 'assignments.get', status: 503 }, 2);
    const once = await caught(() =>
      client.assignments.get.query({ id: assignment.id }, { context: { maxRetries: 0 } }),
    );
    expect(once).toMatchObject({ code: 'SERVICE_UNAVAILABLE', attempts: 1 });
    await expect(client.assignments.get.query({ id: assignment.id }, { context: { maxRetries: 1 } })).resolves.toEqual(
      assignment,
    );
    expect(createTakstClient.bind(null, { baseUrl: proxy.url, apiKey: 'x', maxRetries: -1 })).toThrow(RangeError);
  });

  it('does not send again what will not pass: not found, bad input, internal errors', async () => {
    const client = proxy.client();
    const before = proxy.seenAt('assignments.get').length;
    const missing = await caught(() => client.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }));
    expect(missing).toMatchObject({ code: 'ASSIGNMENT_NOT_FOUND', attempts: 1 });
    proxy.trouble({ path: 'assignments.get', status: 500 });
    const broken = await caught(() => client.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }));
    expect(broken).toMatchObject({ code: 'BAD_RESPONSE', httpStatus: 500, attempts: 1 });
    expect(proxy.seenAt('assignments.get').length - before).toBe(2);
  });

  it('gives up at once on a Retry-After longer than 30 s, and says how long to wait', async () => {
    const assignment = await newAssignment();
    proxy.trouble({ path: 'assignments.get', status: 503, headers: { 'retry-after': '120' } });
    const error = await caught(() => proxy.client().assignments.get.query({ id: assignment.id }));
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', attempts: 1, retryAfterMs: 120_000 });
  });

  it('sends a query again when the connection drops or nobody listens', async () => {
    const assignment = await newAssignment();
    proxy.trouble({ path: 'assignments.get', drop: true }, 2);
    await expect(proxy.client().assignments.get.query({ id: assignment.id })).resolves.toEqual(assignment);

    const nobody = createTakstClient({ baseUrl: 'http://127.0.0.1:9', apiKey: server.adminKey, maxRetries: 1 });
    const error = await caught(() => nobody.assignments.get.query({ id: assignment.id }));
    expect(error).toMatchObject({ code: 'NETWORK_ERROR', httpStatus: null, attempts: 2, data: undefined });
    expect(error.message).toContain('Could not reach http://127.0.0.1:9/trpc/assignments.get');
  });

  it('retries a mutation under one idempotency key, so a lost answer does not make it act twice', async () => {
    const client = proxy.client();
    const input = assignmentInput({ notes: `retried ${randomUUID()}` });
    // The server acts, but the answer is lost on the way back, twice.
    proxy.trouble({ path: 'assignments.create', status: 503, afterForwarding: true }, 2);
    const before = proxy.seenAt('assignments.create').length;
    const created = await client.assignments.create.mutate(input);
    const sent = proxy.seenAt('assignments.create').slice(before);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((request) => request.idempotencyKey)).size).toBe(1);
    expect(sent[0]?.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const rows = await query<{ id: string }>(server.databaseUrl, 'select id from assignments where notes = $1', [
      input.notes,
    ]);
    expect(rows.map((row) => row.id)).toEqual([created.id]);
  });

  it('gives every mutation a key of its own, keeps a given one, and sends each mutation alone', async () => {
    const { client, paths } = countingClient();
    const before = proxy.seenAt('assignments.create').length;
    const viaProxy = proxy.client();
    await Promise.all([
      viaProxy.assignments.create.mutate(assignmentInput()),
      viaProxy.assignments.create.mutate(assignmentInput()),
      viaProxy.assignments.create.mutate(assignmentInput(), withIdempotencyKey('given-key-1')),
    ]);
    const keys = proxy
      .seenAt('assignments.create')
      .slice(before)
      .map((request) => request.idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(keys).toContain('given-key-1');
    // Queries are still batched.
    await Promise.all([client.assignments.list.query({ limit: 1 }), client.parties.list.query({ limit: 1 })]);
    expect(paths).toEqual(['/trpc/assignments.list,parties.list']);
  });

  it('times an attempt out after timeoutMs and sends it again; a mutation still acts once', async () => {
    const assignment = await newAssignment();
    const client = proxy.client({ timeoutMs: 300 });
    proxy.trouble({ path: 'assignments.get', delayMs: 1_000 });
    const began = Date.now();
    await expect(client.assignments.get.query({ id: assignment.id })).resolves.toEqual(assignment);
    expect(Date.now() - began).toBeLessThan(1_000);

    proxy.trouble({ path: 'assignments.get', delayMs: 1_000 });
    const late = await caught(() =>
      client.assignments.get.query({ id: assignment.id }, { context: { maxRetries: 0, timeoutMs: 100 } }),
    );
    expect(late).toMatchObject({ code: 'TIMEOUT', attempts: 1, httpStatus: null });

    const input = assignmentInput({ notes: `slow ${randomUUID()}` });
    proxy.trouble({ path: 'assignments.create', delayMs: 800 });
    const created = await client.assignments.create.mutate(input);
    await sleep(800);
    const rows = await query<{ id: string }>(server.databaseUrl, 'select id from assignments where notes = $1', [
      input.notes,
    ]);
    expect(rows.map((row) => row.id)).toEqual([created.id]);
  });

  it('stops at once when the signal aborts: during an attempt, while waiting to retry, or before', async () => {
    const assignment = await newAssignment();
    const client = proxy.client();
    const before = proxy.seenAt('assignments.get').length;

    proxy.trouble({ path: 'assignments.get', delayMs: 2_000 });
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    let began = Date.now();
    const aborted = await caught(() => client.assignments.get.query({ id: assignment.id }, { signal: during.signal }));
    expect(aborted).toMatchObject({ code: 'ABORTED', attempts: 1 });
    expect(Date.now() - began).toBeLessThan(1_000);

    proxy.trouble({ path: 'assignments.get', status: 503, headers: { 'retry-after': '10' } });
    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 200);
    began = Date.now();
    const whileWaiting = await caught(() =>
      client.assignments.get.query({ id: assignment.id }, { signal: waiting.signal }),
    );
    expect(whileWaiting).toMatchObject({ code: 'ABORTED', attempts: 1 });
    expect(Date.now() - began).toBeLessThan(1_000);

    const already = await caught(() =>
      client.assignments.get.query({ id: assignment.id }, { signal: AbortSignal.abort() }),
    );
    expect(already).toMatchObject({ code: 'ABORTED', attempts: 0 });
    expect(proxy.seenAt('assignments.get').length - before).toBe(2);
  });

  it("retries a subscription's first connect, then streams", async () => {
    const assignment = await newAssignment();
    const [event] = (await server.admin.events.list.query({ entityId: assignment.id })).items;
    proxy.trouble({ path: 'events.subscribe', status: 503 });
    const before = proxy.seenAt('events.subscribe').length;
    const client = proxy.client();
    const received: TakstEvent[] = [];
    const errors: unknown[] = [];
    const subscription = client.events.subscribe.subscribe(
      { after: (event?.sequence ?? 1) - 1, types: ['assignment.created'] },
      { onData: ({ data }) => received.push(data), onError: (error) => errors.push(error) },
    );
    try {
      await vi.waitFor(() => expect(received[0]?.entityId).toBe(assignment.id), { timeout: 10_000 });
      expect(errors).toEqual([]);
      expect(proxy.seenAt('events.subscribe').length - before).toBeGreaterThanOrEqual(2);
    } finally {
      subscription.unsubscribe();
    }
  });
});

describe('TakstError', () => {
  const client = (): TakstClient =>
    createTakstClient({ baseUrl: server.url, apiKey: server.adminKey, headers: { 'x-request-id': 'sdk-errors' } });

  it('carries the code, tRPC code, HTTP status, request id and the issues of bad input', async () => {
    const error = await caught(() =>
      client().assignments.create.mutate(
        assignmentInput({ property: { address: { street: '', postalCode: 'x', city: 'Oslo' } } }),
      ),
    );
    expect(error).toBeInstanceOf(TakstError);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'TakstError',
      code: 'VALIDATION_FAILED',
      trpcCode: 'BAD_REQUEST',
      httpStatus: 400,
      requestId: 'sdk-errors',
      attempts: 1,
      data: { errorCode: 'VALIDATION_FAILED', httpStatus: 400, requestId: 'sdk-errors' },
    });
    const issues = (error as unknown as TakstError).issues;
    expect(issues.map((issue) => issue.path.join('.'))).toContain('property.address.postalCode');
    expect(issues).toEqual((error.data as { issues: unknown[] }).issues);
  });

  it('narrows with isTakstError, by code', async () => {
    const created = await newAssignment();
    const error: unknown = await caught(() =>
      client().assignments.update.mutate({ id: created.id, expectedVersion: 7, patch: { notes: 'x' } }),
    );
    expect(isTakstError(error)).toBe(true);
    expect(isTakstError(error, 'ASSIGNMENT_NOT_FOUND')).toBe(false);
    expect(isTakstError(new Error('x'))).toBe(false);
    if (!isTakstError(error, 'VERSION_CONFLICT')) throw new Error('expected a VERSION_CONFLICT');
    expectTypeOf(error.code).toEqualTypeOf<'VERSION_CONFLICT'>();
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(error.data?.currentVersion).toBe(1);
    expect(error.issues).toEqual([]);
  });

  it('is what batched queries and subscriptions fail with too', async () => {
    const takst = client();
    const [missing, found] = await Promise.allSettled([
      takst.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }),
      takst.assignments.list.query({ limit: 1 }),
    ]);
    expect(found.status).toBe('fulfilled');
    expect(missing.status === 'rejected' && missing.reason).toMatchObject({ code: 'ASSIGNMENT_NOT_FOUND' });
    expect(missing.status === 'rejected' && missing.reason).toBeInstanceOf(TakstError);

    const readOnly = await server.clientWithScopes(['assignments:read']);
    const refused = await new Promise<unknown>((resolve) => {
      const subscription = readOnly.events.subscribe.subscribe(
        { after: 0 },
        {
          onError: (error) => {
            subscription.unsubscribe();
            resolve(error);
          },
        },
      );
    });
    expect(refused).toBeInstanceOf(TakstError);
    expect(refused).toMatchObject({ code: 'MISSING_SCOPE', data: { requiredScope: 'events:read' } });
  });
});
