import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CheckpointStore,
  createTakstClient,
  isTakstError,
  postgresCheckpoint,
  type RouterOutputs,
  type TakstEvent,
  verifyWebhookRequest,
  WebhookVerificationError,
} from '@takst/sdk';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileCheckpoint } from '../../../packages/sdk/src/node';
import {
  fetchHeaders,
  journaled,
  type KitReceiver,
  memoryCheckpoint,
  outageProxy,
  replay,
  startExpressReceiver,
  startNodeReceiver,
} from './support/connector-kit';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';
import { eventually, QUICK_WEBHOOKS_ENV, type Receiver, sleep, startReceiver } from './support/webhooks';

type Delivery = RouterOutputs['webhooks']['deliveries']['items'][number];

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const consumeScript = fileURLToPath(new URL('./support/consume-script.ts', import.meta.url));

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'takst-kit-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('webhook receivers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { ...QUICK_WEBHOOKS_ENV } });
  });
  afterAll(() => server?.close());

  const closers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    // Endpoints of earlier tests would otherwise keep receiving later tests' events.
    const endpoints = await server.admin.webhooks.list.query({ limit: 200 });
    for (const endpoint of endpoints.items) await server.admin.webhooks.delete.mutate({ id: endpoint.id });
    for (const closer of closers.splice(0)) await closer.close();
  });
  const started = <T extends { close(): Promise<void> }>(receiver: T): T => {
    closers.push(receiver);
    return receiver;
  };

  const subscribe = (url: string) => server.admin.webhooks.create.mutate({ url, eventTypes: ['assignment.created'] });
  const deliveriesOf = async (endpointId: string): Promise<Delivery[]> =>
    (await server.admin.webhooks.deliveries.query({ endpointId })).items;

  /** A real delivery of a new assignment, as the platform's worker sent it, with its endpoint's secret. */
  async function realDelivery() {
    const recorder: Receiver = started(await startReceiver());
    const { endpoint, secret } = await subscribe(recorder.url);
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    const [hook] = await recorder.waitFor(1);
    if (!hook) throw new Error('no delivery');
    const [delivery] = await deliveriesOf(endpoint.id);
    return { hook, secret, assignment, deliveryId: delivery?.id };
  }

  it('node:http, Express (no parser, raw, text) and a Fetch Request verify a real delivery and expose its webhook id', async () => {
    const recorder = started(await startReceiver());
    const recorderEndpoint = await subscribe(recorder.url);
    const receivers: Record<string, { receiver: KitReceiver; endpointId: string }> = {};
    for (const kind of ['node', 'none', 'raw', 'text'] as const) {
      // Each endpoint gets its own secret, known only once it exists: the receiver reads it from this list.
      const secret: string[] = [];
      const receiver = started(
        kind === 'node' ? await startNodeReceiver(secret) : await startExpressReceiver(secret, kind),
      );
      const created = await subscribe(receiver.url);
      secret.push(created.secret);
      receivers[kind] = { receiver, endpointId: created.endpoint.id };
    }

    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    for (const [kind, { receiver, endpointId }] of Object.entries(receivers)) {
      await eventually(async () => receiver.accepted.length === 1, 15_000);
      const [delivery] = await deliveriesOf(endpointId);
      expect(receiver.accepted[0], kind).toMatchObject({
        webhookId: delivery?.id,
        payload: { type: 'assignment.created', data: { id: assignment.id, reference: assignment.reference } },
      });
      expect(receiver.answers, kind).toEqual([{ status: 204, body: '' }]);
      await eventually(async () => (await deliveriesOf(endpointId))[0]?.status === 'succeeded');
    }

    const [hook] = await recorder.waitFor(1);
    if (!hook) throw new Error('no delivery');
    const request = new Request(recorder.url, { method: 'POST', headers: fetchHeaders(hook.headers), body: hook.body });
    const verified = await verifyWebhookRequest(request, recorderEndpoint.secret);
    const [recorded] = await deliveriesOf(recorderEndpoint.endpoint.id);
    expect(verified.webhookId).toBe(recorded?.id);
    expect(verified.payload).toEqual(JSON.parse(hook.body));

    const tampered = new Request(recorder.url, {
      method: 'POST',
      headers: fetchHeaders(hook.headers),
      body: hook.body.replace(assignment.reference, '2026-999999'),
    });
    const refusal = await verifyWebhookRequest(tampered, recorderEndpoint.secret).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(WebhookVerificationError);
    expect((refusal as WebhookVerificationError).reason).toBe('bad_signature');
  });

  it('refuses a tampered body, a wrong secret and missing headers with 400 and the reason', async () => {
    const { hook, secret, deliveryId } = await realDelivery();
    const wrongSecret = `whsec_${Buffer.from('not the endpoint secret, 32 byte').toString('base64')}`;
    const receivers = {
      node: started(await startNodeReceiver(secret)),
      express: started(await startExpressReceiver(secret, 'none')),
      nodeWrong: started(await startNodeReceiver(wrongSecret)),
      expressWrong: started(await startExpressReceiver(wrongSecret, 'raw')),
    };

    for (const receiver of [receivers.node, receivers.express]) {
      expect(await replay(receiver.url, hook)).toEqual({ status: 204, body: '' });
      expect(receiver.accepted.map((webhook) => webhook.webhookId)).toEqual([deliveryId]);
      const tampered = await replay(receiver.url, hook, { body: hook.body.replace('"data":{', '"data":{"x":1,') });
      expect(tampered).toEqual({ status: 400, body: '{"error":"bad_signature"}' });
      for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        expect(await replay(receiver.url, hook, { without: [header] })).toEqual({
          status: 400,
          body: '{"error":"missing_headers"}',
        });
      }
      const stale = await replay(receiver.url, hook, { headers: { 'webhook-timestamp': '1700000000' } });
      expect(stale).toEqual({ status: 400, body: '{"error":"bad_signature"}' });
      expect(receiver.accepted).toHaveLength(1);
    }
    for (const receiver of [receivers.nodeWrong, receivers.expressWrong]) {
      expect(await replay(receiver.url, hook)).toEqual({ status: 400, body: '{"error":"bad_signature"}' });
      expect(receiver.accepted).toEqual([]);
    }
  });

  it('tells the platform why: a receiver with the wrong secret answers the worker 400 with the reason', async () => {
    const receiver = started(await startExpressReceiver(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, 'none'));
    const { endpoint } = await subscribe(receiver.url);
    await server.admin.assignments.create.mutate(assignmentInput());
    const [delivery] = await eventually(async () => {
      const deliveries = await deliveriesOf(endpoint.id);
      return deliveries[0]?.attempts.length ? deliveries : null;
    });
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: 400, response: '{"error":"bad_signature"}' });
    expect(receiver.accepted).toEqual([]);
  });

  it('accepts any secret of a list, as during a rotation on the receiving side', async () => {
    const { hook, secret } = await realDelivery();
    const otherSecret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const rotating = started(await startNodeReceiver([otherSecret, secret]));
    expect(await replay(rotating.url, hook)).toEqual({ status: 204, body: '' });
    const express = started(await startExpressReceiver([secret, otherSecret], 'text'));
    expect(await replay(express.url, hook)).toEqual({ status: 204, body: '' });
    const none = started(await startNodeReceiver([]));
    expect(await replay(none.url, hook)).toEqual({ status: 400, body: '{"error":"invalid_secret"}' });
  });

  it('works after the platform rotated the endpoint secret, with only the new one', async () => {
    const secrets: string[] = [];
    const receiver = started(await startNodeReceiver(secrets));
    const { endpoint, secret } = await subscribe(receiver.url);
    const rotated = await server.admin.webhooks.rotateSecret.mutate({ id: endpoint.id });
    expect(rotated.secret).not.toBe(secret);
    secrets.push(rotated.secret);
    await server.admin.assignments.create.mutate(assignmentInput());
    await eventually(async () => receiver.accepted.length === 1);
    expect(receiver.answers).toEqual([{ status: 204, body: '' }]);
  });

  it('refuses a body over maxBodyBytes with 413', async () => {
    const { hook, secret } = await realDelivery();
    const small = started(await startNodeReceiver(secret, { maxBodyBytes: 64 }));
    expect(await replay(small.url, hook)).toEqual({ status: 413, body: '{"error":"body_too_large"}' });
    const express = started(await startExpressReceiver(secret, 'none', undefined, { maxBodyBytes: 64 }));
    expect(await replay(express.url, hook)).toEqual({ status: 413, body: '{"error":"body_too_large"}' });
    const enough = started(await startNodeReceiver(secret, { maxBodyBytes: Buffer.byteLength(hook.body) }));
    expect((await replay(enough.url, hook)).status).toBe(204);
  });

  it('Express: refuses a body express.json() parsed with a 500 saying where to mount it; reads an Express 4 empty body', async () => {
    const { hook, secret, deliveryId } = await realDelivery();
    const afterJson = started(await startExpressReceiver(secret, 'json-first'));
    const refused = await replay(afterJson.url, hook);
    expect(refused.status).toBe(500);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'body_already_parsed' });
    expect(JSON.parse(refused.body).message).toMatch(/before express\.json\(\)/);
    expect(afterJson.accepted).toEqual([]);

    const express4 = started(await startExpressReceiver(secret, 'express4-empty-object'));
    expect(await replay(express4.url, hook)).toEqual({ status: 204, body: '' });
    expect(express4.accepted.map((webhook) => webhook.webhookId)).toEqual([deliveryId]);
  });

  it('Express: keeps an answer the handler gave itself', async () => {
    const { hook, secret } = await realDelivery();
    const receiver = started(
      await startExpressReceiver(secret, 'none', (_webhook, _req, res) => {
        res.status(202).json({ queued: true });
      }),
    );
    expect(await replay(receiver.url, hook)).toEqual({ status: 202, body: '{"queued":true}' });
  });

  it('Express: a handler that throws answers 500, and the platform sends the same webhook id again', async () => {
    const failures: unknown[] = [];
    let calls = 0;
    const secrets: string[] = [];
    const receiver = started(
      await startExpressReceiver(
        secrets,
        'none',
        () => {
          calls += 1;
          if (calls === 1) throw new Error('the tool is down');
        },
        { onHandlerError: (error) => failures.push(error) },
      ),
    );
    const { endpoint, secret } = await subscribe(receiver.url);
    secrets.push(secret);
    await server.admin.assignments.create.mutate(assignmentInput());
    await eventually(async () => (await deliveriesOf(endpoint.id))[0]?.status === 'succeeded', 15_000);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery?.attempts.map((attempt) => attempt.statusCode)).toEqual([500, 204]);
    expect(receiver.answers).toEqual([
      { status: 500, body: '{"error":"handler_failed"}' },
      { status: 204, body: '' },
    ]);
    expect(receiver.accepted.map((webhook) => webhook.webhookId)).toEqual([delivery?.id, delivery?.id]);
    expect(failures).toHaveLength(1);
    expect((failures[0] as Error).message).toBe('the tool is down');
  });
});

describe('events.consume', () => {
  let server: TestServer;
  let everything: TakstEvent[];
  let pool: pg.Pool;
  beforeAll(async () => {
    server = await startTestServer({ env: { TAKST_WEBHOOK_WORKER: 'false' } });
    for (let i = 0; i < 12; i += 1) await server.admin.assignments.create.mutate(assignmentInput());
    everything = await allEvents();
    pool = new pg.Pool({ connectionString: server.databaseUrl, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
    await server?.close();
  });

  async function allEvents(): Promise<TakstEvent[]> {
    const events: TakstEvent[] = [];
    for await (const event of server.admin.events.iterate({ pageSize: 500 })) events.push(event);
    return events;
  }
  const sequences = (events: readonly { sequence: number }[]) => events.map((event) => event.sequence);

  it('handles every event once, in order, saving the checkpoint after each handler resolved', async () => {
    expect(everything.length).toBeGreaterThan(20);
    const journal: string[] = [];
    const summary = await server.admin.events.consume({
      checkpoint: journaled(memoryCheckpoint(), journal),
      pageSize: 5,
      handler: async (event) => {
        journal.push(`start ${event.sequence}`);
        await sleep(1);
        journal.push(`done ${event.sequence}`);
      },
    });
    const expected = sequences(everything).flatMap((sequence) => [
      `start ${sequence}`,
      `done ${sequence}`,
      `save ${sequence}`,
    ]);
    expect(journal).toEqual(expected);
    expect(summary).toEqual({ handled: everything.length, lastSequence: everything.at(-1)?.sequence });
  });

  it('stops at a handler that throws, with the checkpoint before it; the next run starts there, with no gap and no other repeat', async () => {
    const checkpoint = memoryCheckpoint();
    const k = 9;
    const failing = everything[k - 1];
    const firstRun: number[] = [];
    const failure = await server.admin.events
      .consume({
        checkpoint,
        pageSize: 4,
        handler: (event) => {
          if (event.sequence === failing?.sequence) throw new Error(`cannot handle ${event.sequence}`);
          firstRun.push(event.sequence);
        },
      })
      .catch((error: unknown) => error);
    expect((failure as Error).message).toBe(`cannot handle ${failing?.sequence}`);
    expect(firstRun).toEqual(sequences(everything.slice(0, k - 1)));
    expect(checkpoint.current).toBe(everything[k - 2]?.sequence);

    const secondRun: number[] = [];
    const summary = await server.admin.events.consume({
      checkpoint,
      handler: (event) => {
        secondRun.push(event.sequence);
      },
    });
    expect(secondRun[0]).toBe(failing?.sequence);
    expect([...firstRun, ...secondRun]).toEqual(sequences(everything));
    expect(summary).toEqual({ handled: everything.length - (k - 1), lastSequence: everything.at(-1)?.sequence });
  });

  it('resumes from the file checkpoint without a gap after its process was killed mid-consume', async () => {
    const folder = path.join(scratch, 'killed', 'nested');
    const checkpointFile = path.join(folder, 'checkpoint.json');
    const handledLog = path.join(scratch, 'killed-handled.log');
    await writeFile(handledLog, '');
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', consumeScript], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TAKST_URL: server.url,
        TAKST_API_KEY: server.adminKey,
        CHECKPOINT_FILE: checkpointFile,
        HANDLED_LOG: handledLog,
        HANDLER_DELAY_MS: '25',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const handledBefore = async () => (await readFile(handledLog, 'utf8')).split('\n').filter(Boolean).map(Number);
    await eventually(async () => (await handledBefore()).length >= 10, 30_000).catch((error: unknown) => {
      throw new Error(`the consumer did not get going: ${output}`, { cause: error });
    });
    child.kill('SIGKILL');
    await exited;
    const killedAfter = await handledBefore();
    expect(killedAfter.length).toBeLessThan(everything.length);
    expect(killedAfter).toEqual(sequences(everything).slice(0, killedAfter.length));

    // The file is whole: the old checkpoint or the new one, never a torn write.
    const saved = JSON.parse(await readFile(checkpointFile, 'utf8')) as { sequence: number };
    const savedAt = sequences(everything).indexOf(saved.sequence);
    expect(savedAt).toBeGreaterThanOrEqual(0);
    // At most the event whose handler ran, but whose checkpoint the kill prevented, is past it.
    expect(killedAfter.length - (savedAt + 1)).toBeGreaterThanOrEqual(0);
    expect(killedAfter.length - (savedAt + 1)).toBeLessThanOrEqual(1);

    const resumed: number[] = [];
    const summary = await server.admin.events.consume({
      checkpoint: fileCheckpoint(checkpointFile),
      handler: (event) => {
        resumed.push(event.sequence);
      },
    });
    expect(resumed[0]).toBe(everything[savedAt + 1]?.sequence);
    expect([...killedAfter.slice(0, savedAt + 1), ...resumed]).toEqual(sequences(everything));
    expect(summary.lastSequence).toBe(everything.at(-1)?.sequence);
    expect(await fileCheckpoint(checkpointFile).load()).toBe(everything.at(-1)?.sequence);
  }, 60_000);

  it('fileCheckpoint: null before the first save, creates its folder, and refuses a file that is not a checkpoint', async () => {
    const file = path.join(scratch, 'fresh', 'a', 'b', 'checkpoint.json');
    const store = fileCheckpoint(file);
    expect(await store.load()).toBeNull();
    await store.save(41);
    await store.save(42);
    expect(await store.load()).toBe(42);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ sequence: 42 });
    await expect(store.save(-1)).rejects.toThrow(RangeError);
    await writeFile(file, '{"seq');
    await expect(store.load()).rejects.toThrow(/is not a checkpoint file/);
  });

  it('postgresCheckpoint: creates its table, loads null, never moves backwards, keeps names apart', async () => {
    const table = 'kit_checkpoints_basic';
    const stores = Array.from({ length: 4 }, (_, i) => postgresCheckpoint(pool, { name: `racer-${i}`, table }));
    // Four stores creating the same table at once.
    expect(await Promise.all(stores.map((store) => store.load()))).toEqual([null, null, null, null]);
    const [first, second] = stores;
    if (!first || !second) throw new Error('stores');
    await first.save(10);
    await first.save(7);
    expect(await first.load()).toBe(10);
    await first.save(12);
    expect(await first.load()).toBe(12);
    expect(await second.load()).toBeNull();
    await second.save(3);
    const { rows } = await pool.query(`select name, sequence, updated_at from ${table} order by name`);
    expect(rows.map((row) => [row.name, Number(row.sequence)])).toEqual([
      ['racer-0', 12],
      ['racer-1', 3],
    ]);
    expect(rows[0].updated_at).toBeInstanceOf(Date);

    const defaultTable = postgresCheckpoint(pool, { name: 'default' });
    await defaultTable.save(5);
    expect((await pool.query('select sequence from takst_checkpoints where name = $1', ['default'])).rows).toEqual([
      { sequence: '5' },
    ]);
    await pool.query('create schema if not exists sync');
    const inSchema = postgresCheckpoint(pool, { name: 'schema', table: 'sync.checkpoints' });
    await inSchema.save(8);
    expect(await inSchema.load()).toBe(8);
    expect(() => postgresCheckpoint(pool, { name: 'x', table: 'checkpoints; drop table events' })).toThrow(RangeError);
  });

  it('postgresCheckpoint: saveIn commits with the handler’s own writes, so each event has its effect exactly once', async () => {
    await pool.query('create table kit_invoices (event_sequence bigint primary key, entity_id uuid not null)');
    const checkpoint = postgresCheckpoint(pool, { name: 'invoicing', table: 'kit_tx_checkpoints' });
    const k = 7;
    const failing = everything[k - 1]?.sequence;
    const invoice = (crashBeforeCommit: (sequence: number) => boolean) => async (event: TakstEvent) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into kit_invoices (event_sequence, entity_id) values ($1, $2)', [
          event.sequence,
          event.entityId,
        ]);
        await checkpoint.saveIn(client, event.sequence);
        if (crashBeforeCommit(event.sequence)) throw new Error('crashed before commit');
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw error;
      } finally {
        client.release();
      }
    };

    await expect(
      server.admin.events.consume({ checkpoint, handler: invoice((sequence) => sequence === failing) }),
    ).rejects.toThrow('crashed before commit');
    expect(await checkpoint.load()).toBe(everything[k - 2]?.sequence);
    expect(Number((await pool.query('select count(*) from kit_invoices')).rows[0].count)).toBe(k - 1);

    // A duplicate invoice would break the primary key, and reject.
    const summary = await server.admin.events.consume({ checkpoint, handler: invoice(() => false) });
    expect(summary.handled).toBe(everything.length - (k - 1));
    const invoiced = await pool.query('select event_sequence from kit_invoices order by event_sequence');
    expect(invoiced.rows.map((row) => Number(row.event_sequence))).toEqual(sequences(everything));
    expect(await checkpoint.load()).toBe(everything.at(-1)?.sequence);
  });

  it('follow: picks up an event written after catching up, and stops when the signal aborts', async () => {
    const stop = new AbortController();
    const handled: TakstEvent[] = [];
    const running = server.admin.events.consume({
      checkpoint: memoryCheckpoint(),
      types: ['assignment.created'],
      follow: true,
      pollIntervalMs: 100,
      signal: stop.signal,
      handler: (event) => {
        handled.push(event);
      },
    });
    const created = everything.filter((event) => event.type === 'assignment.created');
    await eventually(async () => handled.length === created.length);
    await sleep(300); // caught up, and polling
    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    const writtenAt = Date.now();
    await eventually(async () => handled.some((event) => event.entityId === assignment.id), 5_000);
    const latencyMs = Date.now() - writtenAt;
    expect(latencyMs).toBeLessThan(1_000);

    const abortedAt = Date.now();
    stop.abort();
    const summary = await running;
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(summary).toEqual({ handled: created.length + 1, lastSequence: handled.at(-1)?.sequence });
    expect(handled.at(-1)?.entityId).toBe(assignment.id);
    everything = await allEvents();
  });

  it('resolves at once, having handled nothing, when the signal has already aborted', async () => {
    const handled: number[] = [];
    const summary = await server.admin.events.consume({
      checkpoint: memoryCheckpoint(3),
      signal: AbortSignal.abort(),
      follow: true,
      handler: (event) => {
        handled.push(event.sequence);
      },
    });
    expect(summary).toEqual({ handled: 0, lastSequence: 3 });
    expect(handled).toEqual([]);
  });

  it("start: 'now' saves the end of the log at once and handles only what comes after; a number starts after it", async () => {
    const checkpoint = memoryCheckpoint();
    const handled: number[] = [];
    const handler = (event: TakstEvent) => {
      handled.push(event.sequence);
    };
    const atStart = await server.admin.events.consume({ checkpoint, start: 'now', handler });
    const end = everything.at(-1)?.sequence;
    expect(atStart).toEqual({ handled: 0, lastSequence: end });
    expect(checkpoint.current).toBe(end);

    const assignment = await server.admin.assignments.create.mutate(assignmentInput());
    everything = await allEvents();
    const after = await server.admin.events.consume({ checkpoint, start: 'now', handler });
    const added = everything.filter((event) => end !== undefined && event.sequence > end);
    expect(added.some((event) => event.entityId === assignment.id)).toBe(true);
    expect(handled).toEqual(sequences(added));
    expect(after).toEqual({ handled: added.length, lastSequence: everything.at(-1)?.sequence });

    const fromFive: number[] = [];
    await server.admin.events.consume({
      checkpoint: memoryCheckpoint(),
      start: 5,
      handler: (event) => {
        fromFive.push(event.sequence);
      },
    });
    expect(fromFive).toEqual(sequences(everything.filter((event) => event.sequence > 5)));
  });

  it("start: 'now' finds the end of logs of every length", async () => {
    const fresh = await startTestServer({ env: { TAKST_WEBHOOK_WORKER: 'false' } });
    try {
      const api = await fresh.clientWithScopes(['events:read']);
      for (let round = 0; round < 12; round += 1) {
        const log: TakstEvent[] = [];
        for await (const event of fresh.admin.events.iterate({ pageSize: 500 })) log.push(event);
        const summary = await api.events.consume({ checkpoint: memoryCheckpoint(), start: 'now', handler: () => {} });
        expect(summary.lastSequence).toBe(log.at(-1)?.sequence ?? 0);
        // Logs of irregular lengths: one assignment writes several events.
        for (let i = 0; i <= round % 3; i += 1) await fresh.admin.assignments.create.mutate(assignmentInput());
      }
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('takes types as events.list does', async () => {
    const handled: TakstEvent[] = [];
    const summary = await server.admin.events.consume({
      checkpoint: memoryCheckpoint(),
      types: ['assignment.*'],
      handler: (event) => {
        handled.push(event);
      },
    });
    const expected = everything.filter((event) => event.entityType === 'assignment');
    expect(sequences(handled)).toEqual(sequences(expected));
    expect(summary.handled).toBe(expected.length);
  });

  it('rejects a platform refusal (a missing scope) and bad options', async () => {
    const withoutScope = await server.clientWithScopes(['assignments:read']);
    const refusal = await withoutScope.events
      .consume({ checkpoint: memoryCheckpoint(), follow: true, handler: () => {} })
      .catch((error: unknown) => error);
    expect(isTakstError(refusal, 'MISSING_SCOPE')).toBe(true);
    const consume = (options: Partial<Parameters<typeof server.admin.events.consume>[0]>) =>
      server.admin.events.consume({ checkpoint: memoryCheckpoint(), handler: () => {}, ...options });
    await expect(consume({ pageSize: 0 })).rejects.toThrow(RangeError);
    await expect(consume({ pageSize: 501 })).rejects.toThrow(RangeError);
    await expect(consume({ start: -1 })).rejects.toThrow(RangeError);
    await expect(consume({ pollIntervalMs: 0 })).rejects.toThrow(RangeError);
    const broken: CheckpointStore = { load: async () => Number.NaN, save: async () => {} };
    await expect(consume({ checkpoint: broken })).rejects.toThrow(/expected null or an event's sequence/);
  });

  it('outlasts an outage when following (after the client’s own retries), and rejects on one when catching up', async () => {
    const proxy = await outageProxy(server.url);
    try {
      const client = createTakstClient({ baseUrl: proxy.url, apiKey: server.adminKey, maxRetries: 1 });
      proxy.setDown(true);
      const catchingUp = await client.events
        .consume({ checkpoint: memoryCheckpoint(), handler: () => {} })
        .catch((error: unknown) => error);
      expect(isTakstError(catchingUp, 'SERVICE_UNAVAILABLE')).toBe(true);
      expect((catchingUp as { attempts: number }).attempts).toBe(2);
      expect(proxy.refused()).toBe(2);

      const stop = new AbortController();
      const fetchErrors: { code: string; retryInMs: number }[] = [];
      const handled: TakstEvent[] = [];
      const running = client.events.consume({
        checkpoint: memoryCheckpoint(everything.at(-1)?.sequence ?? 0),
        follow: true,
        pollIntervalMs: 100,
        signal: stop.signal,
        onFetchError: (error, retryInMs) => fetchErrors.push({ code: error.code, retryInMs }),
        handler: (event) => {
          handled.push(event);
        },
      });
      await eventually(async () => fetchErrors.length >= 2, 10_000);
      const assignment = await server.admin.assignments.create.mutate(assignmentInput());
      proxy.setDown(false);
      await eventually(async () => handled.some((event) => event.entityId === assignment.id), 10_000);
      stop.abort();
      const summary = await running;
      expect(fetchErrors.every((failure) => failure.code === 'SERVICE_UNAVAILABLE')).toBe(true);
      expect(fetchErrors.every((failure) => failure.retryInMs > 0 && failure.retryInMs <= 30_000)).toBe(true);
      expect(summary.handled).toBe(handled.length);
      everything = await allEvents();
      expect(sequences(handled)).toEqual(sequences(everything).slice(-handled.length));
    } finally {
      await proxy.close();
    }
  }, 30_000);
});
