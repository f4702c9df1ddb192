import { allowedAddresses, classifyAddress } from '@takst/api';
import type { RouterOutputs } from '@takst/sdk';
import { verifyWebhook, WebhookVerificationError } from '@takst/sdk';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import {
  eventually,
  QUICK_WEBHOOKS_ENV,
  type ReceivedWebhook,
  type Receiver,
  sleep,
  startReceiver,
  verifySignature,
} from './support/webhooks';

type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      ...QUICK_WEBHOOKS_ENV,
      TAKST_WEBHOOK_CONCURRENCY: '4',
    },
  });
});
afterAll(() => server?.close());

const receivers: Receiver[] = [];
afterEach(async () => {
  // Endpoints of earlier tests would otherwise keep receiving (and failing) later tests' events.
  const endpoints = await server.admin.webhooks.list.query({ limit: 200 });
  for (const endpoint of endpoints.items) await server.admin.webhooks.delete.mutate({ id: endpoint.id });
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

const createEndpoint = (url: string, eventTypes: string[] = ['assignment.created']) =>
  server.admin.webhooks.create.mutate({ url, eventTypes });

async function deliveriesOf(endpointId: string): Promise<Delivery[]> {
  return (await server.admin.webhooks.deliveries.query({ endpointId })).items;
}

/** Waits until the endpoint's deliveries are all settled the way `done` says. */
const settled = (endpointId: string, done: (deliveries: Delivery[]) => boolean) =>
  eventually(async () => {
    const deliveries = await deliveriesOf(endpointId);
    return done(deliveries) ? deliveries : null;
  });

const standardVerify = (secret: string, hook: ReceivedWebhook) =>
  new Webhook(secret).verify(hook.body, {
    'webhook-id': hook.id,
    'webhook-timestamp': hook.timestamp,
    'webhook-signature': hook.signature,
  });

describe('webhook endpoints', () => {
  it('shows the secret only on create, never in get, list or the audit log', async () => {
    const { endpoint, secret } = await server.admin.webhooks.create.mutate({
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['assignment.status_changed', 'assignment.created', 'assignment.created'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(endpoint).toMatchObject({
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['assignment.created', 'assignment.status_changed'],
      enabled: true,
      disabledReason: null,
      failingSince: null,
      version: 1,
    });
    const fetched = await server.admin.webhooks.get.query({ id: endpoint.id });
    expect(fetched).toEqual(endpoint);
    expect(JSON.stringify(fetched)).not.toContain(secret);
    const listed = await server.admin.webhooks.list.query({ limit: 200 });
    expect(listed.items.map((e) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    const audit = await query<{ action: string; changes: unknown }>(
      server.databaseUrl,
      `select action, changes from audit_log where entity_type = 'webhook_endpoint' and entity_id = $1`,
      [endpoint.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['created']);
    expect(JSON.stringify(audit)).not.toContain(secret.slice('whsec_'.length));
  });

  it('updates at the version read, refuses a stale one, disables, enables and deletes', async () => {
    const { endpoint } = await createEndpoint('http://127.0.0.1:9/hooks');
    const disabled = await server.admin.webhooks.update.mutate({
      id: endpoint.id,
      expectedVersion: 1,
      patch: { enabled: false, eventTypes: ['inspection.booked'] },
    });
    expect(disabled).toMatchObject({
      enabled: false,
      disabledReason: 'disabled_by_client',
      eventTypes: ['inspection.booked'],
      version: 2,
    });
    const stale = await caught(() =>
      server.admin.webhooks.update.mutate({ id: endpoint.id, expectedVersion: 1, patch: { enabled: true } }),
    );
    expect(stale.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
    const enabled = await server.admin.webhooks.update.mutate({
      id: endpoint.id,
      expectedVersion: 2,
      patch: { enabled: true },
    });
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, version: 3 });
    expect(await server.admin.webhooks.delete.mutate({ id: endpoint.id })).toEqual({ id: endpoint.id });
    const gone = await caught(() => server.admin.webhooks.get.query({ id: endpoint.id }));
    expect(gone.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'WEBHOOK_NOT_FOUND' });
  });

  it('refuses URLs that resolve to private, link-local or unspecified addresses', async () => {
    const refused = [
      'http://10.0.0.7/hooks',
      'http://172.16.5.4/hooks',
      'https://192.168.1.20/hooks',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0:8080/hooks',
      'http://[fd00::1]/hooks',
      'http://[fe80::1]/hooks',
      'http://[::ffff:10.0.0.1]/hooks',
    ];
    for (const url of refused) {
      const error = await caught(() => createEndpoint(url));
      expect(error.data, url).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'WEBHOOK_URL_REFUSED' });
    }
    const { endpoint } = await createEndpoint('http://localhost:9/hooks');
    const update = await caught(() =>
      server.admin.webhooks.update.mutate({ id: endpoint.id, expectedVersion: 1, patch: { url: 'http://10.1.1.1/' } }),
    );
    expect(update.data).toMatchObject({ errorCode: 'WEBHOOK_URL_REFUSED' });
    for (const url of ['ftp://127.0.0.1/hooks', 'http://user:secret@127.0.0.1/hooks']) {
      const error = await caught(() => createEndpoint(url));
      expect(error.data, url).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    }
  });

  it('refuses loopback addresses too unless the setting allows them', async () => {
    await expect(allowedAddresses(new URL('http://localhost/'), 'refuse')).rejects.toThrow(/loopback address/);
    await expect(allowedAddresses(new URL('http://[::1]/'), 'refuse')).rejects.toThrow(/loopback address/);
    await expect(allowedAddresses(new URL('http://127.0.0.1/'), 'allow_loopback')).resolves.toHaveLength(1);
    await expect(allowedAddresses(new URL('http://10.0.0.1/'), 'allow_loopback')).rejects.toThrow(/private address/);
    await expect(allowedAddresses(new URL('http://10.0.0.1/'), 'allow')).resolves.toHaveLength(1);
  });

  it('classifies addresses, judging IPv4 carried in IPv6 as that IPv4', () => {
    const cases: Record<string, string> = {
      '93.184.215.14': 'public',
      '172.32.0.1': 'public',
      '2606:4700::1111': 'public',
      '::ffff:8.8.8.8': 'public',
      '127.8.0.1': 'loopback',
      '::1': 'loopback',
      '::ffff:7f00:1': 'loopback',
      '100.64.0.1': 'private',
      '64:ff9b::a00:1': 'private',
      '2002:c0a8:101::1': 'private',
      'fc12::5': 'private',
      '::ffff:169.254.169.254': 'link_local',
      'fe80::1%eth0': 'link_local',
      '0.0.0.0': 'unspecified',
      '::': 'unspecified',
      '255.255.255.255': 'reserved',
      'ff02::1': 'reserved',
    };
    for (const [address, kind] of Object.entries(cases)) expect(classifyAddress(address), address).toBe(kind);
  });

  it('needs the webhooks:manage scope', async () => {
    const reader = await server.clientWithScopes(['assignments:read']);
    const error = await caught(() => reader.webhooks.list.query({}));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'webhooks:manage' });
  });
});

describe('webhook delivery', () => {
  it('delivers a subscribed event signed per Standard Webhooks', async () => {
    const hooks = await receiver();
    const { endpoint, secret } = await createEndpoint(hooks.url);
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    const [hook] = await hooks.waitFor(1);
    if (!hook) throw new Error('no webhook');
    expect(hook.json).toEqual({ type: 'assignment.created', timestamp: expect.any(String), data: assignment });
    expect(new Date(hook.json.timestamp).toISOString()).toBe(hook.json.timestamp);
    expect(hook.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(hook.timestamp) - Date.now() / 1000)).toBeLessThan(10);
    expect(hook.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(standardVerify(secret, hook)).toEqual(hook.json);
    expect(verifySignature(secret, hook)).toBe(true);
    const headers = { 'webhook-id': hook.id, 'webhook-timestamp': hook.timestamp, 'webhook-signature': hook.signature };
    expect(await verifyWebhook(hook.body, headers, secret)).toEqual(hook.json);
    await expect(verifyWebhook(`${hook.body} `, headers, secret)).rejects.toBeInstanceOf(WebhookVerificationError);
    expect(() => standardVerify(secret, { ...hook, body: hook.body.replace('received', 'cancelled') })).toThrow();
    expect(verifySignature(secret, { ...hook, body: `${hook.body} ` })).toBe(false);

    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({
      id: hook.id,
      endpointId: endpoint.id,
      eventType: 'assignment.created',
      status: 'succeeded',
      attemptCount: 1,
      nextAttemptAt: null,
      lastStatusCode: 200,
    });
    expect(delivery?.attempts).toEqual([
      {
        number: 1,
        attemptedAt: expect.any(String),
        statusCode: 200,
        durationMs: expect.any(Number),
        response: 'ok',
        error: null,
      },
    ]);
  });

  it('sends every event but webhook ones to an empty filter, and only its types to a filter', async () => {
    const all = await receiver();
    const some = await receiver();
    const everything = await createEndpoint(all.url, []);
    const statusOnly = await createEndpoint(some.url, ['assignment.status_changed']);
    const [mark] = await query<{ last: string }>(server.databaseUrl, 'select max(sequence) as last from events');
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.transition.mutate({ id: created.id, to: 'confirmed', expectedVersion: 1 });
    const expected = await query<{ type: string }>(
      server.databaseUrl,
      'select type from events where sequence > $1 order by sequence',
      [mark?.last],
    );
    expect(expected.map((e) => e.type)).toContain('assignment.status_changed');
    await all.waitFor(expected.length);
    await some.waitFor(1);
    await sleep(700);
    expect(all.received.map((h) => h.json.type).sort()).toEqual(expected.map((e) => e.type).sort());
    // The second endpoint's creation came after the first one's: an empty filter skips such events.
    expect(all.received.map((h) => h.json.type)).not.toContain('webhook_endpoint.created');
    expect(some.received.map((h) => h.json.type)).toEqual(['assignment.status_changed']);
    expect(all.received.every((h) => verifySignature(everything.secret, h))).toBe(true);
    expect(some.received.every((h) => verifySignature(statusOnly.secret, h))).toBe(true);
  });

  it('retries after a receiver failure with the same webhook-id, logging every attempt', async () => {
    const hooks = await receiver();
    hooks.respond((_hook, index) => (index === 0 ? { status: 500, body: 'boom' } : { status: 204 }));
    const { endpoint, secret } = await createEndpoint(hooks.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [first, second] = await hooks.waitFor(2);
    if (!first || !second) throw new Error('expected two webhooks');
    expect(second.id).toBe(first.id);
    expect(second.body).toBe(first.body);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(150);
    expect(standardVerify(secret, second)).toEqual(second.json);
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({ attemptCount: 2, lastStatusCode: 204 });
    expect(delivery?.attempts.map((a) => [a.number, a.statusCode, a.response])).toEqual([
      [1, 500, 'boom'],
      [2, 204, ''],
    ]);
    expect((await server.admin.webhooks.get.query({ id: endpoint.id })).failingSince).toBeNull();
  });

  it('gives up after the last attempt of the schedule and marks the endpoint failing', async () => {
    const hooks = await receiver();
    hooks.respond(() => ({ status: 503, body: 'x'.repeat(5000) }));
    const { endpoint } = await createEndpoint(hooks.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'exhausted');
    expect(delivery).toMatchObject({ attemptCount: 3, nextAttemptAt: null, lastStatusCode: 503 });
    expect(delivery?.attempts.map((a) => a.response?.length)).toEqual([1024, 1024, 1024]);
    await sleep(700);
    expect(hooks.received).toHaveLength(3);
    const fetched = await server.admin.webhooks.get.query({ id: endpoint.id });
    expect(fetched).toMatchObject({ enabled: true, failingSince: expect.any(String) });
  });

  it('counts an answer that does not come within the timeout as a failure', async () => {
    const hooks = await receiver();
    hooks.respond((_hook, index) => (index === 0 ? { status: 200, delayMs: 1500 } : { status: 200 }));
    const { endpoint } = await createEndpoint(hooks.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: 'no answer within 1000 ms' });
    expect(delivery?.attempts[0]?.durationMs).toBeGreaterThanOrEqual(990);
    expect(delivery?.attempts[1]).toMatchObject({ statusCode: 200, error: null });
  });

  it('disables the endpoint when the receiver answers 410 Gone', async () => {
    const hooks = await receiver();
    hooks.respond(() => ({ status: 410 }));
    const { endpoint } = await createEndpoint(hooks.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'failed');
    expect(delivery).toMatchObject({ attemptCount: 1, lastStatusCode: 410, nextAttemptAt: null });
    const disabled = await server.admin.webhooks.get.query({ id: endpoint.id });
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'endpoint_gone', version: 2 });
    expect(disabled.disabledAt).not.toBeNull();

    await server.admin.assignments.create.mutate(assignmentInput());
    await sleep(700);
    expect(hooks.received).toHaveLength(1);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    const audit = await query<{ action: string; actor_name: string }>(
      server.databaseUrl,
      `select action, actor_name from audit_log where entity_id = $1 order by occurred_at`,
      [endpoint.id],
    );
    expect(audit).toEqual([
      { action: 'created', actor_name: expect.any(String) },
      { action: 'disabled', actor_name: 'webhook delivery worker' },
    ]);
    const events = await query<{ type: string; reason: string }>(
      server.databaseUrl,
      'select type, reason from events where entity_id = $1 order by sequence',
      [endpoint.id],
    );
    expect(events.at(-1)).toEqual({ type: 'webhook_endpoint.disabled', reason: 'The endpoint answered 410 Gone' });
  });

  it('disables an endpoint that has been failing for five days', async () => {
    const hooks = await receiver();
    hooks.respond(() => ({ status: 500 }));
    const { endpoint } = await createEndpoint(hooks.url);
    await query(
      server.databaseUrl,
      `update webhook_endpoints set failing_since = now() - interval '5 days 1 minute' where id = $1`,
      [endpoint.id],
    );
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'failed' && d[0].nextAttemptAt === null);
    expect(delivery?.attemptCount).toBe(1);
    expect(await server.admin.webhooks.get.query({ id: endpoint.id })).toMatchObject({
      enabled: false,
      disabledReason: 'failing',
    });
  });

  it('signs with both the new and the old secret for 24 hours after a rotation', async () => {
    const hooks = await receiver();
    const { endpoint, secret: oldSecret } = await createEndpoint(hooks.url);
    const rotated = await server.admin.webhooks.rotateSecret.mutate({ id: endpoint.id });
    expect(rotated.secret).not.toBe(oldSecret);
    const expiresIn = Date.parse(rotated.endpoint.previousSecretExpiresAt ?? '') - Date.now();
    expect(Math.abs(expiresIn - 24 * 3600_000)).toBeLessThan(60_000);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [hook] = await hooks.waitFor(1);
    if (!hook) throw new Error('no webhook');
    expect(hook.signature.split(' ')).toHaveLength(2);
    for (const secret of [rotated.secret, oldSecret]) {
      expect(standardVerify(secret, hook)).toEqual(hook.json);
      expect(verifySignature(secret, hook)).toBe(true);
    }

    await query(server.databaseUrl, `update webhook_endpoints set previous_secret_expires_at = now() where id = $1`, [
      endpoint.id,
    ]);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [, later] = await hooks.waitFor(2);
    if (!later) throw new Error('no second webhook');
    expect(later.signature.split(' ')).toHaveLength(1);
    expect(verifySignature(rotated.secret, later)).toBe(true);
    expect(verifySignature(oldSecret, later)).toBe(false);
    expect(() => standardVerify(oldSecret, later)).toThrow();
  });

  it('redelivers a delivery on request with the same webhook-id', async () => {
    const hooks = await receiver();
    const { endpoint } = await createEndpoint(hooks.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => d[0]?.status === 'succeeded');
    if (!delivery) throw new Error('no delivery');
    const requeued = await server.admin.webhooks.redeliver.mutate({ deliveryId: delivery.id });
    expect(requeued).toMatchObject({ id: delivery.id, status: 'pending' });
    const [first, again] = await hooks.waitFor(2);
    expect(again?.id).toBe(first?.id);
    expect(again?.body).toBe(first?.body);
    const [after] = await settled(endpoint.id, (d) => d[0]?.status === 'succeeded' && d[0].attemptCount === 2);
    expect(after?.attempts.map((a) => a.number)).toEqual([1, 2]);

    const unknown = await caught(() =>
      server.admin.webhooks.redeliver.mutate({ deliveryId: '01900000-0000-7000-8000-000000000000' }),
    );
    expect(unknown.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'DELIVERY_NOT_FOUND' });
    await server.admin.webhooks.update.mutate({ id: endpoint.id, expectedVersion: 1, patch: { enabled: false } });
    const disabled = await caught(() => server.admin.webhooks.redeliver.mutate({ deliveryId: delivery.id }));
    expect(disabled.data).toMatchObject({ code: 'CONFLICT' });
  });

  it('recovers every event since a time, with those from while the endpoint was disabled', async () => {
    const hooks = await receiver();
    const { endpoint } = await createEndpoint(hooks.url);
    const before = new Date().toISOString();
    const first = await server.admin.assignments.create.mutate(assignmentInput());
    await hooks.waitFor(1);
    await server.admin.webhooks.update.mutate({ id: endpoint.id, expectedVersion: 1, patch: { enabled: false } });
    const missed = [
      await server.admin.assignments.create.mutate(assignmentInput()),
      await server.admin.assignments.create.mutate(assignmentInput()),
    ];
    await sleep(700);
    expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
    const refused = await caught(() =>
      server.admin.webhooks.recover.mutate({ endpointId: endpoint.id, since: before }),
    );
    expect(refused.data).toMatchObject({ code: 'CONFLICT' });

    await server.admin.webhooks.update.mutate({ id: endpoint.id, expectedVersion: 2, patch: { enabled: true } });
    expect(await server.admin.webhooks.recover.mutate({ endpointId: endpoint.id, since: before })).toEqual({
      queued: 3,
    });
    await hooks.waitFor(4);
    const ids = hooks.received.map((h) => h.json.data.id);
    expect(ids.slice(1).sort()).toEqual([first.id, ...missed.map((m) => m.id)].sort());
    const deliveries = await settled(endpoint.id, (d) => d.length === 3 && d.every((x) => x.status === 'succeeded'));
    expect(deliveries.map((d) => d.attemptCount).sort()).toEqual([1, 1, 2]);

    const since = (await server.admin.assignments.get.query({ id: missed[1]?.id ?? '' })).createdAt;
    expect(await server.admin.webhooks.recover.mutate({ endpointId: endpoint.id, since })).toEqual({ queued: 1 });
    await hooks.waitFor(5);
  });

  it('lists deliveries newest event first, by status, across pages', async () => {
    const hooks = await receiver();
    const { endpoint } = await createEndpoint(hooks.url);
    for (let i = 0; i < 5; i++) await server.admin.assignments.create.mutate(assignmentInput());
    await hooks.waitFor(5);
    await settled(endpoint.id, (d) => d.length === 5 && d.every((x) => x.status === 'succeeded'));
    const seen: Delivery[] = [];
    let cursor: string | undefined;
    do {
      const page = await server.admin.webhooks.deliveries.query({ endpointId: endpoint.id, limit: 2, cursor });
      seen.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const sequences = seen.map((d) => d.eventSequence);
    expect(sequences).toHaveLength(5);
    expect(sequences).toEqual([...sequences].sort((a, b) => b - a));
    expect(new Set(seen.map((d) => d.id)).size).toBe(5);
    const failed = await server.admin.webhooks.deliveries.query({ endpointId: endpoint.id, status: 'failed' });
    expect(failed.items).toEqual([]);
    const badCursor = await caught(() =>
      server.admin.webhooks.deliveries.query({ endpointId: endpoint.id, cursor: 'bm9wZQ' }),
    );
    expect(badCursor.data).toMatchObject({ errorCode: 'INVALID_CURSOR' });
    const unknown = await caught(() =>
      server.admin.webhooks.deliveries.query({ endpointId: '01900000-0000-7000-8000-000000000000' }),
    );
    expect(unknown.data).toMatchObject({ errorCode: 'WEBHOOK_NOT_FOUND' });
  });

  it('refuses at delivery time an address that became private since the endpoint was saved', async () => {
    const { endpoint } = await createEndpoint('http://127.0.0.1:9/hooks');
    await query(server.databaseUrl, `update webhook_endpoints set url = 'http://10.255.255.1:9/hooks' where id = $1`, [
      endpoint.id,
    ]);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await settled(endpoint.id, (d) => (d[0]?.attempts.length ?? 0) > 0);
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/private address/) });
  });
});
