import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import { QUICK_WEBHOOKS_ENV, type Receiver, startReceiver } from './support/webhooks';

// Retries come when the schedule says, not at the next poll: with a poll every 4 s, a 300 ms
// retry used to come up to 4 s late.
const POLL_INTERVAL_MS = 4_000;

let server: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  server = await startTestServer({
    env: {
      ...QUICK_WEBHOOKS_ENV,
      TAKST_WEBHOOK_RETRY_SCHEDULE: '0,300ms,600ms',
      TAKST_WEBHOOK_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
    },
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

describe('webhook retries', () => {
  it('are made on the schedule (±10 %), not a poll interval later', async () => {
    receiver.respond((_hook, index) => ({ status: index < 2 ? 503 : 200 }));
    await server.admin.webhooks.create.mutate({ url: receiver.url, eventTypes: ['assignment.created'] });
    await server.admin.assignments.create.mutate(assignmentInput());
    const attempts = await receiver.waitFor(3, 15_000);
    const gaps = attempts.slice(1).map((attempt, i) => attempt.receivedAt - (attempts[i]?.receivedAt ?? 0));
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1);
    // 300 ms and 600 ms, each ±10 %, plus the time an attempt and its bookkeeping take here.
    expect(gaps[0]).toBeGreaterThanOrEqual(270);
    expect(gaps[0]).toBeLessThan(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(540);
    expect(gaps[1]).toBeLessThan(1_300);
  });
});
