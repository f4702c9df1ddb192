import { createHash } from 'node:crypto';
import { redactWebhookUrl } from '@takst/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import { QUICK_WEBHOOKS_ENV, type Receiver, startReceiver } from './support/webhooks';

// Webhook URLs are often secrets themselves (Slack- or Zapier-style paths, `?token=`): reading one
// needs `webhooks:manage`, so the audit log and the event log (read with far less) only show a
// redacted form of it.

let server: TestServer;
let spy: Receiver;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      ...QUICK_WEBHOOKS_ENV,
    },
  });
  spy = await startReceiver();
});
afterAll(async () => {
  await spy?.close();
  await server?.close();
});

const ENDPOINT_TYPES = [
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.deleted',
];

const FIRST_PATH = 'T0FIRSTSECRETPATH';
const FIRST_TOKEN = 'tok_firstquerytoken';
const SECOND_PATH = 'T0SECONDSECRETPATH';
const SECOND_TOKEN = 'tok_secondquerytoken';
const FIRST_URL = `http://127.0.0.1:9/services/${FIRST_PATH}/B0X?token=${FIRST_TOKEN}`;
const SECOND_URL = `http://127.0.0.1:9/services/${SECOND_PATH}/B0X?token=${SECOND_TOKEN}`;

const fingerprint = (url: string) => createHash('sha256').update(url).digest('hex').slice(0, 8);

/** The documented redacted form: scheme, host and port, then a fingerprint of the whole URL. */
const redacted = (url: string) => `http://127.0.0.1:9/… (sha256:${fingerprint(url)})`;

describe('redactWebhookUrl', () => {
  it('keeps scheme, host and a non-default port, and drops path, query, fragment and the default port', () => {
    const cases: Array<[string, string]> = [
      ['https://hooks.slack.com/services/T000/B000/XXXX', 'https://hooks.slack.com/…'],
      ['https://hooks.zapier.com:443/hooks/catch/123/abc/?token=s3cret#frag', 'https://hooks.zapier.com/…'],
      ['http://example.com:8080/in?token=s3cret', 'http://example.com:8080/…'],
      ['https://[2001:db8::1]:8443/x', 'https://[2001:db8::1]:8443/…'],
      ['https://example.com', 'https://example.com/…'],
    ];
    for (const [url, origin] of cases) expect(redactWebhookUrl(url)).toBe(`${origin} (sha256:${fingerprint(url)})`);
    expect(redactWebhookUrl('https://example.com/a')).not.toBe(redactWebhookUrl('https://example.com/b'));
  });
});

describe('webhook URLs in the audit log and the event log', () => {
  it('are redacted to host and fingerprint for clients without webhooks:manage, and secrets never appear', async () => {
    // Another endpoint subscribed to the platform's own webhook_endpoint.* events.
    const listener = await server.admin.webhooks.create.mutate({ url: spy.url, eventTypes: ENDPOINT_TYPES });

    const { endpoint, secret } = await server.admin.webhooks.create.mutate({
      url: FIRST_URL,
      eventTypes: ['assignment.created'],
    });
    const updated = await server.admin.webhooks.update.mutate({
      id: endpoint.id,
      expectedVersion: endpoint.version,
      patch: { url: SECOND_URL },
    });
    expect(updated.url).toBe(SECOND_URL);
    const rotated = await server.admin.webhooks.rotateSecret.mutate({ id: endpoint.id });
    await server.admin.webhooks.delete.mutate({ id: endpoint.id });

    const reader = await server.clientWithScopes(['events:read', 'audit:read']);
    // Reading the endpoint itself needs webhooks:manage.
    const refused = await caught(() => reader.webhooks.get.query({ id: endpoint.id }));
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN' });

    const events = (await reader.events.list.query({ types: ENDPOINT_TYPES, limit: 500 })).items.filter(
      (e) => e.entityId === endpoint.id,
    );
    const audit = (await reader.audit.list.query({ entityType: 'webhook_endpoint', entityId: endpoint.id })).items;
    // Deliveries are not ordered (and the listener may also get its own creation): wait for every type.
    const delivered = (
      await spy.waitFor((received) => ENDPOINT_TYPES.every((type) => received.some((hook) => hook.json.type === type)))
    ).map((hook) => hook.body);

    expect(events.map((e) => e.type)).toEqual(ENDPOINT_TYPES);
    expect(audit.map((a) => a.action)).toEqual(['deleted', 'secret_rotated', 'updated', 'created']);

    const forbidden = [
      FIRST_PATH,
      FIRST_TOKEN,
      SECOND_PATH,
      SECOND_TOKEN,
      'whsec_',
      secret.slice('whsec_'.length),
      rotated.secret.slice('whsec_'.length),
    ];
    for (const [name, json] of [
      ['events.list', JSON.stringify(events)],
      ['audit.list', JSON.stringify(audit)],
      ['webhook deliveries', JSON.stringify(delivered)],
    ] as const) {
      for (const text of forbidden) expect(json, `${name} must not contain ${text}`).not.toContain(text);
    }
    // A delivery's body carries the event's data, not its changes; the logs show where the endpoint points.
    expect(JSON.stringify(events)).toContain('http://127.0.0.1:9/');
    expect(JSON.stringify(audit)).toContain('http://127.0.0.1:9/');

    // The URL's change shows as two different fingerprints; the host stays readable.
    const [first, second] = [redacted(FIRST_URL), redacted(SECOND_URL)];
    expect(first).not.toBe(second);
    const byAction = Object.fromEntries(audit.map((a) => [a.action, a.changes]));
    expect(byAction.created?.url).toEqual({ from: null, to: first });
    expect(byAction.updated?.url).toEqual({ from: first, to: second });
    expect(byAction.secret_rotated).not.toHaveProperty('url');
    expect(byAction.deleted?.url).toEqual({ from: second, to: null });
    expect(events.map((e) => e.changes.url ?? null)).toEqual([
      { from: null, to: first },
      { from: first, to: second },
      null,
      { from: second, to: null },
    ]);

    // The event data carries no endpoint DTO with its URL.
    for (const event of events) expect(JSON.stringify(event.data)).not.toContain('/services/');

    await server.admin.webhooks.delete.mutate({ id: listener.endpoint.id });
  });
});
