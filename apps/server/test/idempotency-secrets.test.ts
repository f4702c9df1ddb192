import { withIdempotencyKey } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    env: { TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback', TAKST_WEBHOOK_WORKER: 'false' },
  });
});
afterAll(() => server?.close());

describe('idempotent calls whose answer holds a secret', () => {
  it('never store a webhook secret, and replay the answer with the secret read from the endpoint', async () => {
    const input = { url: 'http://127.0.0.1:9/hooks', eventTypes: [] };
    const first = await server.admin.webhooks.create.mutate(input, withIdempotencyKey('hook-once'));
    expect(first.secret).toMatch(/^whsec_/);
    const replay = await server.admin.webhooks.create.mutate(input, withIdempotencyKey('hook-once'));
    expect(replay).toEqual(first);
    expect((await server.admin.webhooks.list.query({})).items).toHaveLength(1);
    const stored = await query<{ row: string; replayFill: string | null }>(
      server.databaseUrl,
      'select row_to_json(k)::text as row, replay_fill as "replayFill" from idempotency_keys k',
    );
    expect(stored.map((r) => r.replayFill)).toEqual(['webhook_secret']);
    expect(stored.map((r) => r.row).join('\n')).not.toContain('whsec_');
    expect(stored.map((r) => r.row).join('\n')).not.toContain(first.secret.slice('whsec_'.length));
  });

  it('never store an API key either', async () => {
    const input = { name: 'script', scopes: ['assignments:read' as const] };
    const first = await server.admin.apiClients.create.mutate(input, withIdempotencyKey('client-once'));
    const replay = await caught(() => server.admin.apiClients.create.mutate(input, withIdempotencyKey('client-once')));
    expect(replay.data).toMatchObject({ code: 'CONFLICT', apiClientId: first.client.id });
    const stored = await query<{ row: string }>(
      server.databaseUrl,
      'select row_to_json(k)::text as row from idempotency_keys k',
    );
    expect(stored.map((r) => r.row).join('\n')).not.toContain(first.apiKey);
  });
});
