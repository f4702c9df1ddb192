import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import {
  type ReceivedWebhook,
  type Receiver,
  sleep,
  spawnWorker,
  startReceiver,
  verifySignature,
  type WorkerProcess,
} from './support/webhooks';

const WEBHOOK_ENV = {
  TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
  TAKST_WEBHOOK_RETRY_SCHEDULE: '0,300ms,600ms',
  TAKST_WEBHOOK_POLL_INTERVAL_MS: '500',
  TAKST_WEBHOOK_CONCURRENCY: '3',
};

// One server without a worker, a second server on the same database with its in-process
// worker, and two `worker` processes: three dispatchers and three sets of pg-boss workers.
let api: TestServer;
let second: TestServer;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  api = await startTestServer({ env: { ...WEBHOOK_ENV, TAKST_WEBHOOK_WORKER: 'false' } });
  second = await startTestServer({ sharing: api, env: WEBHOOK_ENV });
  // At debug level the worker processes log each attempt they make.
  for (let i = 0; i < 2; i++) {
    workers.push(spawnWorker({ ...WEBHOOK_ENV, LOG_LEVEL: 'debug', DATABASE_URL: api.databaseUrl }));
  }
  await Promise.all(workers.map((worker) => worker.running));
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
  await second?.close();
  await api?.close();
});

const receivers: Receiver[] = [];
afterEach(async () => {
  const endpoints = await api.admin.webhooks.list.query({ limit: 200 });
  for (const endpoint of endpoints.items) await api.admin.webhooks.delete.mutate({ id: endpoint.id });
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

async function lastSequence(): Promise<string> {
  const [row] = await query<{ last: string }>(api.databaseUrl, 'select max(sequence) as last from events');
  return row?.last ?? '0';
}

/** Assignments created in parallel rounds, through both servers. */
async function createAssignments(rounds: number, perRound: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await Promise.all(
      Array.from({ length: perRound }, (_, i) =>
        (i % 2 === 0 ? api : second).admin.assignments.create.mutate(assignmentInput()),
      ),
    );
  }
}

const countsById = (received: ReceivedWebhook[]) =>
  received.reduce((counts, hook) => counts.set(hook.id, (counts.get(hook.id) ?? 0) + 1), new Map<string, number>());

describe('several workers on one database', () => {
  it('deliver every event to every endpoint exactly once', async () => {
    const everything = await receiver();
    const createdOnly = await receiver();
    const toEverything = await api.admin.webhooks.create.mutate({ url: everything.url, eventTypes: [] });
    const toCreated = await api.admin.webhooks.create.mutate({
      url: createdOnly.url,
      eventTypes: ['assignment.created'],
    });
    const mark = await lastSequence();
    await createAssignments(4, 5);
    const events = await query<{ type: string }>(
      api.databaseUrl,
      `select type from events where sequence > $1 and not starts_with(type, 'webhook_')`,
      [mark],
    );
    const created = events.filter((e) => e.type === 'assignment.created').length;
    expect(created).toBe(20);

    await everything.waitFor(events.length, 30_000);
    await createdOnly.waitFor(created, 30_000);
    // Several poll rounds of every worker: nothing more may arrive.
    await sleep(2000);
    expect(everything.received).toHaveLength(events.length);
    expect(createdOnly.received).toHaveLength(created);
    expect(countsById(everything.received).size).toBe(events.length);
    expect(countsById(createdOnly.received).size).toBe(created);
    expect(everything.received.every((hook) => verifySignature(toEverything.secret, hook))).toBe(true);
    expect(createdOnly.received.every((hook) => verifySignature(toCreated.secret, hook))).toBe(true);

    const deliveries = await query<{ status: string; attempts: number; logged: string }>(
      api.databaseUrl,
      `select d.status, d.attempt_count as attempts, (select count(*) from webhook_attempts a where a.delivery_id = d.id) as logged
       from webhook_deliveries d where d.endpoint_id in ($1, $2)`,
      [toEverything.endpoint.id, toCreated.endpoint.id],
    );
    expect(deliveries).toHaveLength(events.length + created);
    expect(deliveries.every((d) => d.status === 'succeeded' && d.attempts === 1 && d.logged === '1')).toBe(true);
    // The work was shared: the worker processes made some of the attempts, not the server alone.
    const byProcesses = workers.map((worker) => worker.output().split('"webhook attempt made"').length - 1);
    expect(byProcesses.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('retry a failed attempt once, on whichever worker, and never repeat a successful one', async () => {
    const hooks = await receiver();
    const failedOnce = new Set<string>();
    hooks.respond((hook) => {
      if (failedOnce.has(hook.id)) return { status: 200 };
      failedOnce.add(hook.id);
      return { status: 500 };
    });
    const { endpoint } = await api.admin.webhooks.create.mutate({ url: hooks.url, eventTypes: ['assignment.created'] });
    await createAssignments(2, 5);
    await hooks.waitFor(20, 30_000);
    await sleep(2000);
    expect(hooks.received).toHaveLength(20);
    expect([...countsById(hooks.received).values()]).toEqual(new Array(10).fill(2));
    const deliveries = await query<{ status: string; attempts: number }>(
      api.databaseUrl,
      'select status, attempt_count as attempts from webhook_deliveries where endpoint_id = $1',
      [endpoint.id],
    );
    expect(deliveries).toEqual(new Array(10).fill({ status: 'succeeded', attempts: 2 }));
  });
});

describe('a backlog', () => {
  it("drains at the receiver's pace, not one delivery per poll interval", async () => {
    // Events waiting for a worker that starts later, which then makes one attempt at a time and
    // polls every 5 s: a backlog of 12 that waited a poll interval per delivery would take a minute.
    const slowPolling = { ...WEBHOOK_ENV, TAKST_WEBHOOK_POLL_INTERVAL_MS: '5000', TAKST_WEBHOOK_CONCURRENCY: '1' };
    const server = await startTestServer({ env: { ...slowPolling, TAKST_WEBHOOK_WORKER: 'false' } });
    const hooks = await receiver();
    await server.admin.webhooks.create.mutate({ url: hooks.url, eventTypes: ['assignment.created'] });
    await Promise.all(Array.from({ length: 12 }, () => server.admin.assignments.create.mutate(assignmentInput())));
    const worker = spawnWorker({ ...slowPolling, DATABASE_URL: server.databaseUrl });
    try {
      await worker.running;
      const started = performance.now();
      await hooks.waitFor(12, 60_000);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      await worker.stop('SIGKILL');
      await server.close();
    }
  });
});

describe('the worker command', () => {
  it('exits 0 promptly on SIGTERM', async () => {
    const worker = spawnWorker({ ...WEBHOOK_ENV, DATABASE_URL: api.databaseUrl });
    await worker.running;
    const started = Date.now();
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(worker.output()).toContain('takst webhook worker stopped');
  });

  it('needs DATABASE_URL', async () => {
    const worker = spawnWorker({});
    expect(await worker.exited).toBe(2);
    expect(worker.output()).toContain('DATABASE_URL');
  });
});
