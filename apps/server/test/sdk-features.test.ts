import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  createTakstClient,
  type TakstEvent,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookVerificationFailure,
  withIdempotencyKey,
} from '@takst/sdk';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

interface SentRequest {
  url: string;
  headers: Headers;
}

/** An SDK client whose fetch notes every request it sends. */
function recordingClient() {
  const sent: SentRequest[] = [];
  const client = createTakstClient({
    baseUrl: server.url,
    apiKey: server.adminKey,
    fetch: (input, init) => {
      sent.push({ url: String(input), headers: new Headers(init?.headers) });
      return fetch(input, init);
    },
  });
  return { client, sent };
}

describe('client.events.iterate', () => {
  it('walks events.list page by page to the end, in sequence order', async () => {
    for (let i = 0; i < 12; i++) await server.admin.assignments.create.mutate(assignmentInput());
    const stored = await query<{ sequence: string; id: string }>(
      server.databaseUrl,
      'select sequence, id from events order by sequence',
    );
    const { client, sent } = recordingClient();
    const events: TakstEvent[] = [];
    for await (const event of client.events.iterate({ pageSize: 4 })) events.push(event);
    expect(events.map((e) => [e.sequence, e.id])).toEqual(stored.map((row) => [Number(row.sequence), row.id]));
    expect(stored.length).toBeGreaterThan(20);
    expect(sent).toHaveLength(Math.floor(stored.length / 4) + 1);
  });

  it('starts after `after` and keeps to the filters', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    const [first] = (await server.admin.events.list.query({ entityId: created.id })).items;
    const after = first?.sequence ?? 0;
    const later: TakstEvent[] = [];
    for await (const event of server.admin.events.iterate({ after, pageSize: 1 })) later.push(event);
    expect(later.every((e) => e.sequence > after)).toBe(true);
    const transitions: string[] = [];
    for await (const event of server.admin.events.iterate({ types: ['assignment.status_changed'], pageSize: 2 })) {
      transitions.push(event.type);
    }
    expect(transitions.length).toBeGreaterThan(0);
    expect(new Set(transitions)).toEqual(new Set(['assignment.status_changed']));
    const own: string[] = [];
    for await (const event of server.admin.events.iterate({ entityId: created.id })) own.push(event.type);
    expect(own).toEqual(['assignment.created', 'assignment.status_changed']);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    let seen = 0;
    await expect(async () => {
      for await (const _event of server.admin.events.iterate({ pageSize: 2, signal: controller.signal })) {
        seen += 1;
        if (seen === 2) controller.abort();
      }
    }).rejects.toThrow();
    expect(seen).toBe(2);
  });

  it('leaves the procedures of client.events and of the other routers as they were', async () => {
    const page = await server.admin.events.list.query({ limit: 1 });
    expect(page.items).toHaveLength(1);
    await expect(server.admin.assignments.list.query({ limit: 1 })).resolves.toMatchObject({
      items: expect.any(Array),
    });
    expect(typeof server.admin.events.subscribe.subscribe).toBe('function');
  });
});

describe('idempotency keys', () => {
  it('sends a keyed call in a request of its own, with the Idempotency-Key header', async () => {
    const { client, sent } = recordingClient();
    const key = randomUUID();
    const created = await Promise.all([
      client.assignments.create.mutate(assignmentInput()),
      client.assignments.create.mutate(assignmentInput(), withIdempotencyKey(key)),
      client.assignments.create.mutate(assignmentInput()),
    ]);
    expect(new Set(created.map((assignment) => assignment.id)).size).toBe(3);
    const withKey = sent.filter((request) => request.headers.get('idempotency-key') === key);
    expect(withKey).toHaveLength(1);
    expect(withKey[0]?.headers.get('idempotency-key')).toBe(key);
    expect(withKey[0]?.headers.get('authorization')).toBe(`Bearer ${server.adminKey}`);
    expect(new URL(withKey[0]?.url ?? '').pathname).toBe('/trpc/assignments.create');
    expect(new URL(withKey[0]?.url ?? '').searchParams.has('batch')).toBe(false);
    // The SDK gave the other two keys of their own, so each went alone too.
    const others = sent.filter((request) => request.headers.get('idempotency-key') !== key);
    expect(others.map((request) => new URL(request.url).pathname)).toEqual([
      '/trpc/assignments.create',
      '/trpc/assignments.create',
    ]);
    expect(new Set(others.map((request) => request.headers.get('idempotency-key'))).size).toBe(2);
  });

  it('takes the key from plain call options too', async () => {
    const { client, sent } = recordingClient();
    await client.assignments.create.mutate(assignmentInput(), { context: { idempotencyKey: 'import-row-17' } });
    expect(sent.map((request) => request.headers.get('idempotency-key'))).toEqual(['import-row-17']);
  });

  it('makes a retry with the same key answer the first result instead of writing twice', async () => {
    const key = randomUUID();
    const input = assignmentInput({ notes: `idempotent ${key}` });
    const first = await server.admin.assignments.create.mutate(input, withIdempotencyKey(key));
    const retried = await server.admin.assignments.create.mutate(input, withIdempotencyKey(key));
    expect(retried.id).toBe(first.id);
    const rows = await query(server.databaseUrl, 'select id from assignments where notes = $1', [input.notes]);
    expect(rows).toHaveLength(1);
  });
});

describe('verifyWebhook', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const body = JSON.stringify({
    type: 'assignment.status_changed',
    timestamp: '2026-11-27T12:00:00.000Z',
    data: { sequence: 7, entityId: '01900000-0000-7000-8000-000000000000' },
  });
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

  /** Signs as the Standard Webhooks specification says, with node:crypto. */
  function signedAt(payload: string, timestamp: string, id = `msg_${randomUUID()}`, key = secret) {
    const bytes = Buffer.from(key.replace(/^whsec_/, ''), 'base64');
    const signature = createHmac('sha256', bytes).update(`${id}.${timestamp}.${payload}`).digest('base64');
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
  }
  const signed = (payload: string, at: Date, id?: string, key?: string) =>
    signedAt(payload, String(seconds(at)), id, key);

  async function refusal(work: Promise<unknown>): Promise<WebhookVerificationFailure> {
    const error = await work.then(
      () => {
        throw new Error('expected the webhook to be refused');
      },
      (cause: unknown) => cause,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(Error);
    return (error as WebhookVerificationError).reason;
  }

  it('accepts a correctly signed webhook and returns its payload', async () => {
    const payload = await verifyWebhook(body, signed(body, new Date()), secret);
    expect(payload).toEqual(JSON.parse(body));
  });

  it('accepts what the standardwebhooks package signs, in a Headers object', async () => {
    const now = new Date();
    const id = `msg_${randomUUID()}`;
    const signature = new Webhook(secret).sign(id, now, body);
    const headers = new Headers({
      'Webhook-Id': id,
      'Webhook-Timestamp': String(seconds(now)),
      'Webhook-Signature': signature,
    });
    await expect(verifyWebhook(body, headers, secret)).resolves.toMatchObject({ type: 'assignment.status_changed' });
    // And the package agrees with the signature this test makes.
    expect(new Webhook(secret).verify(body, signed(body, now, id))).toEqual(JSON.parse(body));
  });

  it('finds headers whatever their case, and takes the first of repeated ones', async () => {
    const headers = signed(body, new Date());
    const mixed = {
      'Webhook-ID': [headers['webhook-id']],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'webhook-signature': headers['webhook-signature'],
    };
    await expect(verifyWebhook(body, mixed, secret)).resolves.toBeDefined();
  });

  it('accepts any one matching signature among several (secret rotation)', async () => {
    const headers = signed(body, new Date());
    const other = signed(body, new Date(), headers['webhook-id'], `whsec_${randomBytes(32).toString('base64')}`);
    const both = { ...headers, 'webhook-signature': `${other['webhook-signature']} ${headers['webhook-signature']}` };
    await expect(verifyWebhook(body, both, secret)).resolves.toBeDefined();
  });

  it('refuses a tampered body, a wrong secret and a forged signature', async () => {
    const headers = signed(body, new Date());
    expect(await refusal(verifyWebhook(body.replace('7', '8'), headers, secret))).toBe('bad_signature');
    const wrongSecret = `whsec_${randomBytes(32).toString('base64')}`;
    expect(await refusal(verifyWebhook(body, headers, wrongSecret))).toBe('bad_signature');
    const forged = { ...headers, 'webhook-signature': `v1,${randomBytes(32).toString('base64')}` };
    expect(await refusal(verifyWebhook(body, forged, secret))).toBe('bad_signature');
    const otherId = { ...headers, 'webhook-id': 'msg_other' };
    expect(await refusal(verifyWebhook(body, otherId, secret))).toBe('bad_signature');
    const notV1 = { ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') };
    expect(await refusal(verifyWebhook(body, notV1, secret))).toBe('bad_signature');
  });

  it('refuses timestamps more than five minutes away, either way', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const at = (offsetSeconds: number) => new Date(now.getTime() + offsetSeconds * 1000);
    expect(await refusal(verifyWebhook(body, signed(body, at(-301)), secret, { now }))).toBe('timestamp_too_old');
    expect(await refusal(verifyWebhook(body, signed(body, at(301)), secret, { now }))).toBe('timestamp_in_future');
    await expect(verifyWebhook(body, signed(body, at(-299)), secret, { now })).resolves.toBeDefined();
    await expect(verifyWebhook(body, signed(body, at(299)), secret, { now })).resolves.toBeDefined();
    const strict = { now, toleranceSeconds: 10 };
    expect(await refusal(verifyWebhook(body, signed(body, at(-11)), secret, strict))).toBe('timestamp_too_old');
    // An hour-old webhook is refused against the real clock too.
    expect(await refusal(verifyWebhook(body, signed(body, at(-3600)), secret))).toBe('timestamp_too_old');
  });

  it('refuses missing headers, a malformed timestamp, a malformed secret and a body that is no payload', async () => {
    const headers = signed(body, new Date());
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _left, ...rest } = headers;
      expect(await refusal(verifyWebhook(body, rest, secret))).toBe('missing_headers');
    }
    expect(await refusal(verifyWebhook(body, new Headers(), secret))).toBe('missing_headers');
    expect(await refusal(verifyWebhook(body, signedAt(body, 'soon'), secret))).toBe('invalid_timestamp');
    const unsigned = { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) };
    expect(await refusal(verifyWebhook(body, unsigned, secret))).toBe('bad_signature');
    expect(await refusal(verifyWebhook(body, headers, 'whsec_%%%'))).toBe('invalid_secret');
    const text = 'not json';
    expect(await refusal(verifyWebhook(text, signed(text, new Date()), secret))).toBe('invalid_payload');
  });
});
