import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
let scraperKey: string;
beforeAll(async () => {
  // No delivery worker: a delivery made pending here stays pending.
  server = await startTestServer({
    env: { TAKST_WEBHOOK_WORKER: 'false', TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback' },
  });
  scraperKey = (await server.admin.apiClients.create.mutate({ name: 'prometheus', scopes: ['metrics:read'] })).apiKey;
});
afterAll(() => server?.close());

const scrape = (apiKey: string | null = scraperKey) =>
  fetch(`${server.url}/metrics`, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {});

/** The value of one sample in Prometheus's text format, or 0 when it is not there yet. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.split(' ').at(-1));
  }
  return 0;
}

describe('GET /metrics', () => {
  it('needs a key with the metrics:read scope', async () => {
    expect((await scrape(null)).status).toBe(401);
    const reader = await server.admin.apiClients.create.mutate({ name: 'reader', scopes: ['assignments:read'] });
    const refused = await scrape(reader.apiKey);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ errorCode: 'MISSING_SCOPE', requiredScope: 'metrics:read' });
    expect((await scrape(server.adminKey)).status).toBe(200);
  });

  it('counts procedure calls by outcome, HTTP requests by route and status, and times them', async () => {
    const before = await (await scrape()).text();
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.get.query({ id: created.id });
    await server.admin.assignments.get.query({ id: created.id });
    await caught(() => server.admin.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }));
    await caught(() => server.admin.assignments.create.mutate({ ...assignmentInput(), type: 'nope' as 'valuation' }));
    const after = await (await scrape()).text();

    const delta = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    const calls = 'takst_procedure_calls_total';
    expect(delta(calls, { procedure: 'assignments.get', type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta(calls, { procedure: 'assignments.get', outcome: 'ASSIGNMENT_NOT_FOUND' })).toBe(1);
    expect(delta(calls, { procedure: 'assignments.create', type: 'mutation', outcome: 'ok' })).toBe(1);
    expect(delta(calls, { procedure: 'assignments.create', outcome: 'VALIDATION_FAILED' })).toBe(1);
    expect(delta('takst_procedure_duration_seconds_count', { procedure: 'assignments.get' })).toBe(3);
    expect(delta('takst_http_requests_total', { method: 'GET', route: '/trpc', status: '404' })).toBe(1);
    expect(delta('takst_http_requests_total', { route: '/metrics', status: '200' })).toBe(1);
  });

  it('shows the database pool, the head of the event log and Node.js itself', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const events = await server.admin.events.list.query({ entityId: created.id });
    const response = await scrape();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const lastSequence = Number(/^takst_events_last_sequence (\d+)$/m.exec(text)?.[1]);
    expect(lastSequence).toBeGreaterThanOrEqual(events.items.at(-1)?.sequence ?? 1);
    expect(text).toMatch(/^takst_db_pool_connections\{state="used"\} \d+/m);
    expect(text).toMatch(/^takst_process_resident_memory_bytes \d+/m);
  });

  it('shows the webhook backlog: deliveries pending, and how long the oldest has waited', async () => {
    const value = (text: string, name: string) => Number(new RegExp(`^${name} ([\\d.e+-]+)$`, 'm').exec(text)?.[1]);
    const before = await (await scrape()).text();
    expect(value(before, 'takst_webhook_deliveries_pending')).toBe(0);
    expect(value(before, 'takst_webhook_oldest_pending_seconds')).toBe(0);

    const endpoint = await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/hooks', eventTypes: [] });
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const [event] = (await server.admin.events.list.query({ entityId: created.id })).items;
    await query(
      server.databaseUrl,
      `insert into webhook_deliveries (id, endpoint_id, event_sequence, event_type, status, created_at, updated_at)
       values (gen_random_uuid(), $1, $2, $3, 'pending', now() - interval '90 seconds', now())`,
      [endpoint.endpoint.id, event?.sequence, event?.type],
    );
    const after = await (await scrape()).text();
    expect(value(after, 'takst_webhook_deliveries_pending')).toBe(1);
    expect(value(after, 'takst_webhook_oldest_pending_seconds')).toBeGreaterThanOrEqual(90);
  });

  it('labels unknown paths as other, so callers cannot invent labels', async () => {
    await fetch(`${server.url}/made-up-${Date.now()}`);
    const text = await (await scrape()).text();
    expect(text).not.toMatch(/made-up-/);
    expect(sample(text, 'takst_http_requests_total', { route: 'other', status: '404' })).toBeGreaterThanOrEqual(1);
  });
});
