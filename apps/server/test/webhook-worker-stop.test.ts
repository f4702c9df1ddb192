import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import { type Receiver, startReceiver } from './support/webhooks';

const WEBHOOK_ENV = { TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback', TAKST_WEBHOOK_POLL_INTERVAL_MS: '500' };
const ANSWER_AFTER_MS = 1_500;

// The API on a server without a worker; the worker under test in a second server on the same
// database, stopped while its attempt waits for a slow receiver.
let api: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  api = await startTestServer({ env: { ...WEBHOOK_ENV, TAKST_WEBHOOK_WORKER: 'false' } });
  receiver = await startReceiver();
  receiver.respond(() => ({ status: 200, delayMs: ANSWER_AFTER_MS }));
});
afterAll(async () => {
  await receiver?.close();
  await api?.close();
});

describe('a webhook worker stopped with an attempt under way', () => {
  it('lets the attempt record its outcome before it closes, past its shutdown timeout', async () => {
    const { endpoint } = await api.admin.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: ['assignment.created'],
    });
    const worker = await startTestServer({ sharing: api, env: { ...WEBHOOK_ENV, SHUTDOWN_TIMEOUT_MS: '0' } });
    await api.admin.assignments.create.mutate(assignmentInput());
    await receiver.waitFor(1);

    // Vitest fails the run on an unhandled rejection, such as one from a pool closed too early.
    await worker.close();
    const [delivery] = await query<{ status: string; attempt_count: number; last_status_code: number }>(
      api.databaseUrl,
      'select status, attempt_count, last_status_code from webhook_deliveries where endpoint_id = $1',
      [endpoint.id],
    );
    expect(delivery).toEqual({ status: 'succeeded', attempt_count: 1, last_status_code: 200 });
  });
});
