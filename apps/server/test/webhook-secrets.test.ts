import { randomBytes } from 'node:crypto';
import { chmod, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey, SecretBox, SecretUnreadableError, secretsKeyId } from '@takst/api';
import { createTakstClient, withIdempotencyKey } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { spawnServer } from './support/process';
import { TEST_SECRETS_KEY } from './support/secrets-key';
import { startTestServer, type TestServer } from './support/server';
import {
  eventually,
  QUICK_WEBHOOKS_ENV,
  type Receiver,
  sleep,
  startReceiver,
  verifySignature,
} from './support/webhooks';

const newKey = () => randomBytes(32).toString('base64');
const keyIdOf = (base64: string) => secretsKeyId(Buffer.from(base64, 'base64'));
const SEALED = /^v1:[0-9a-f]{8}:[A-Za-z0-9+/]+=*:[A-Za-z0-9+/]+=*$/;

const logLines: string[] = [];
let server: TestServer;
let receiver: Receiver;
beforeAll(async () => {
  server = await startTestServer({
    env: { ...QUICK_WEBHOOKS_ENV, LOG_LEVEL: 'info' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server?.close();
});

interface TrpcAnswer<T> {
  status: number;
  body: { result?: { data: T }; error?: { message: string; data: { errorCode: string } } };
}

/** A mutation over plain HTTP, as a client without the SDK sends it: JSON body, Idempotency-Key header. */
async function postKeyed<T>(
  target: TestServer,
  procedure: string,
  input: unknown,
  key: string,
): Promise<TrpcAnswer<T>> {
  const response = await fetch(`${target.url}/trpc/${procedure}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${target.adminKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as TrpcAnswer<T>['body'] };
}

interface SecretAnswer {
  endpoint: { id: string; previousSecretExpiresAt: string | null };
  secret: string;
}

const storedSecrets = (databaseUrl: string) =>
  query<{ id: string; secret: string; previousSecret: string | null }>(
    databaseUrl,
    'select id, secret, previous_secret as "previousSecret" from webhook_endpoints order by id',
  );

/** Creates an assignment and waits for the receiver to get its `assignment.created` webhook. */
async function deliveredWebhook(target: TestServer) {
  const before = receiver.received.length;
  await target.admin.assignments.create.mutate(assignmentInput());
  const received = await receiver.waitFor(before + 1);
  return received[before] as NonNullable<(typeof received)[number]>;
}

describe('a lost answer to create or rotate', () => {
  it('replays a create over HTTP: the same endpoint, and a secret that verifies a real delivery', async () => {
    const input = { url: receiver.url, eventTypes: ['assignment.created'] };
    const first = await postKeyed<SecretAnswer>(server, 'webhooks.create', input, 'create-lost-answer');
    expect(first.status).toBe(200);
    // The first answer was "lost": the client sends the same call again under the same key.
    const again = await postKeyed<SecretAnswer>(server, 'webhooks.create', input, 'create-lost-answer');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const replayed = again.body.result?.data as SecretAnswer;
    expect(replayed.secret).toMatch(/^whsec_/);
    expect((await server.admin.webhooks.list.query({})).items.map((e) => e.id)).toEqual([replayed.endpoint.id]);

    const hook = await deliveredWebhook(server);
    expect(verifySignature(replayed.secret, hook)).toBe(true);
    expect(verifySignature(`whsec_${randomBytes(32).toString('base64')}`, hook)).toBe(false);
    await server.admin.webhooks.delete.mutate({ id: replayed.endpoint.id });
  });

  it('replays a rotation with the secret that signs now; getSecret gives it with the one before', async () => {
    const created = await server.admin.webhooks.create.mutate({
      url: receiver.url,
      eventTypes: ['assignment.created'],
    });
    const id = created.endpoint.id;
    const rotated = await postKeyed<SecretAnswer>(server, 'webhooks.rotateSecret', { id }, 'rotate-lost-answer');
    const replay = await postKeyed<SecretAnswer>(server, 'webhooks.rotateSecret', { id }, 'rotate-lost-answer');
    expect(replay.body).toEqual(rotated.body);
    const answer = rotated.body.result?.data as SecretAnswer;
    expect(answer.secret).not.toBe(created.secret);

    expect(await server.admin.webhooks.getSecret.query({ id })).toEqual({
      endpointId: id,
      secret: answer.secret,
      previousSecret: created.secret,
      previousSecretExpiresAt: answer.endpoint.previousSecretExpiresAt,
    });
    const hook = await deliveredWebhook(server);
    expect(hook.signature.split(' ')).toHaveLength(2);
    expect(verifySignature(answer.secret, { ...hook, signature: hook.signature.split(' ')[0] ?? '' })).toBe(true);
    expect(verifySignature(created.secret, { ...hook, signature: hook.signature.split(' ')[1] ?? '' })).toBe(true);

    // Rotated again since: the replay keeps the endpoint as it was answered, with the secret that signs now.
    const newest = await server.admin.webhooks.rotateSecret.mutate({ id });
    const later = await postKeyed<SecretAnswer>(server, 'webhooks.rotateSecret', { id }, 'rotate-lost-answer');
    expect(later.body.result?.data).toEqual({ endpoint: answer.endpoint, secret: newest.secret });
    expect(await server.admin.webhooks.getSecret.query({ id })).toMatchObject({
      secret: newest.secret,
      previousSecret: answer.secret,
    });

    // Deleted since: there is no secret left to answer with.
    await server.admin.webhooks.delete.mutate({ id });
    const gone = await postKeyed<SecretAnswer>(server, 'webhooks.rotateSecret', { id }, 'rotate-lost-answer');
    expect(gone.status).toBe(404);
    expect(gone.body.error?.data.errorCode).toBe('WEBHOOK_NOT_FOUND');
  });

  it('keeps refusing the replay of an API key, which cannot be read again', async () => {
    const input = { name: 'lost key', scopes: ['assignments:read' as const] };
    const first = await server.admin.apiClients.create.mutate(input, withIdempotencyKey('api-key-once'));
    const replay = await caught(() => server.admin.apiClients.create.mutate(input, withIdempotencyKey('api-key-once')));
    expect(replay.data).toMatchObject({ code: 'CONFLICT', apiClientId: first.client.id });
  });
});

describe('webhooks.getSecret', () => {
  it('gives no previous secret before a rotation, is logged with the actor, and audits nothing', async () => {
    const { endpoint, secret } = await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/get-secret' });
    const eventsBefore = await server.admin.events.list.query({ after: 0, limit: 500 });
    const linesBefore = logLines.length;
    expect(await server.admin.webhooks.getSecret.query({ id: endpoint.id })).toEqual({
      endpointId: endpoint.id,
      secret,
      previousSecret: null,
      previousSecretExpiresAt: null,
    });
    const logged = logLines
      .slice(linesBefore)
      .map((line) => JSON.parse(line) as { msg: string; endpointId?: string; actor?: { clientId: string | null } })
      .filter((line) => line.msg === 'webhook secret read');
    expect(logged).toEqual([expect.objectContaining({ endpointId: endpoint.id, level: 30 })]);
    expect(logged[0]?.actor?.clientId).toEqual(expect.any(String));
    expect(logLines.join('\n')).not.toContain(secret.slice('whsec_'.length));
    const eventsAfter = await server.admin.events.list.query({ after: 0, limit: 500 });
    expect(eventsAfter.items).toEqual(eventsBefore.items);

    const unknown = await caught(() =>
      server.admin.webhooks.getSecret.query({ id: '0193b7d2-7c1e-7a3f-9d2e-5b1c0e4f8a21' }),
    );
    expect(unknown.data).toMatchObject({ errorCode: 'WEBHOOK_NOT_FOUND' });
    const reader = await server.clientWithScopes(['assignments:read', 'events:read']);
    const refused = await caught(() => reader.webhooks.getSecret.query({ id: endpoint.id }));
    expect(refused.data).toMatchObject({ errorCode: 'MISSING_SCOPE', requiredScope: 'webhooks:manage' });
    await server.admin.webhooks.delete.mutate({ id: endpoint.id });
  });
});

describe('secrets at rest', () => {
  it('holds no whsec_ text in the database, only values sealed with the key, which another key cannot open', async () => {
    const { endpoint, secret } = await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/at-rest' });
    await server.admin.webhooks.rotateSecret.mutate({ id: endpoint.id });
    const rows = await storedSecrets(server.databaseUrl);
    const dump = await query<{ text: string }>(
      server.databaseUrl,
      'select row_to_json(w)::text as text from webhook_endpoints w',
    );
    expect(dump.map((row) => row.text).join('\n')).not.toContain('whsec_');
    const row = rows.find((r) => r.id === endpoint.id);
    expect(row?.secret).toMatch(SEALED);
    expect(row?.previousSecret).toMatch(SEALED);
    expect(row?.secret.startsWith(`v1:${keyIdOf(TEST_SECRETS_KEY)}:`)).toBe(true);

    const right = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));
    expect(right.open(row?.previousSecret ?? '')).toBe(secret);
    const wrong = new SecretBox(Buffer.from(newKey(), 'base64'));
    expect(() => wrong.open(row?.secret ?? '')).toThrow(SecretUnreadableError);
    expect(() => wrong.open(row?.secret ?? '')).toThrow(
      `sealed with secrets key ${keyIdOf(TEST_SECRETS_KEY)}, which this server does not hold`,
    );
    // The key id is authenticated with the value: one altered byte, or another name, and it does not open.
    const [version, keyId, iv, sealed] = (row?.secret ?? '').split(':');
    const altered = Buffer.from(sealed ?? '', 'base64');
    altered[0] = (altered[0] ?? 0) ^ 1;
    expect(() => right.open([version, keyId, iv, altered.toString('base64')].join(':'))).toThrow('does not open');
    await server.admin.webhooks.delete.mutate({ id: endpoint.id });
  });

  it('seals a plain secret from before encryption at the next start, reading it meanwhile', async () => {
    const { endpoint } = await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/legacy' });
    const legacy = `whsec_${randomBytes(32).toString('base64')}`;
    const legacyPrevious = `whsec_${randomBytes(32).toString('base64')}`;
    await query(
      server.databaseUrl,
      `update webhook_endpoints set secret = $2, previous_secret = $3, previous_secret_expires_at = now() + interval '1 hour'
       where id = $1`,
      [endpoint.id, legacy, legacyPrevious],
    );
    expect(await server.admin.webhooks.getSecret.query({ id: endpoint.id })).toMatchObject({
      secret: legacy,
      previousSecret: legacyPrevious,
    });

    const restarted = await startTestServer({ sharing: server, env: { TAKST_WEBHOOK_WORKER: 'false' } });
    try {
      const row = (await storedSecrets(server.databaseUrl)).find((r) => r.id === endpoint.id);
      expect(row?.secret).toMatch(SEALED);
      expect(row?.previousSecret).toMatch(SEALED);
      expect(await restarted.admin.webhooks.getSecret.query({ id: endpoint.id })).toMatchObject({
        secret: legacy,
        previousSecret: legacyPrevious,
      });
    } finally {
      await restarted.close();
      await server.admin.webhooks.delete.mutate({ id: endpoint.id });
    }
  });
});

describe('replacing the secrets key', () => {
  const oldKey = TEST_SECRETS_KEY;
  const nextKey = newKey();
  let first: TestServer;
  const firstLog: string[] = [];
  beforeAll(async () => {
    first = await startTestServer({
      env: { ...QUICK_WEBHOOKS_ENV, LOG_LEVEL: 'info' },
      logTo: { write: (line: string) => firstLog.push(line) },
    });
  });
  afterAll(() => first?.close());

  const reencrypt = async (env: Record<string, string>) => {
    const run = spawnServer({ DATABASE_URL: first.databaseUrl, ...env }, ['secrets:reencrypt']);
    return { code: await run.exited, stderr: run.stderr() };
  };

  it('opens old secrets with TAKST_SECRETS_KEY_PREVIOUS, and secrets:reencrypt moves all to the new key', async () => {
    const before = await first.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/before' });
    const rotated = await first.admin.webhooks.rotateSecret.mutate({ id: before.endpoint.id });

    const next = await startTestServer({
      sharing: first,
      env: {
        ...QUICK_WEBHOOKS_ENV,
        TAKST_SECRETS_KEY: nextKey,
        TAKST_SECRETS_KEY_PREVIOUS: ` ${oldKey} `,
        TAKST_WEBHOOK_WORKER: 'false',
      },
    });
    try {
      expect(await next.admin.webhooks.getSecret.query({ id: before.endpoint.id })).toMatchObject({
        secret: rotated.secret,
        previousSecret: before.secret,
      });
      const after = await next.admin.webhooks.create.mutate({ url: receiver.url, eventTypes: ['assignment.created'] });
      const rows = await storedSecrets(first.databaseUrl);
      expect(rows.find((r) => r.id === after.endpoint.id)?.secret.startsWith(`v1:${keyIdOf(nextKey)}:`)).toBe(true);

      // A process without the new key cannot read what it sealed, and says which key it lacks.
      const unreadable = await caught(() => first.admin.webhooks.getSecret.query({ id: after.endpoint.id }));
      expect(unreadable.data).toMatchObject({ errorCode: 'WEBHOOK_SECRET_UNREADABLE', httpStatus: 500 });
      expect(unreadable.message).toContain(`sealed with secrets key ${keyIdOf(nextKey)}`);
      // Nor sign with it: nothing is sent and no attempt counted against the receiver.
      const received = receiver.received.length;
      await first.admin.assignments.create.mutate(assignmentInput());
      await eventually(async () => firstLog.some((line) => line.includes('cannot sign a webhook')));
      await sleep(300);
      expect(receiver.received.length).toBe(received);
      const [delivery] = (await first.admin.webhooks.deliveries.query({ endpointId: after.endpoint.id })).items;
      expect(delivery?.attemptCount).toBe(0);

      const moved = await reencrypt({ TAKST_SECRETS_KEY: nextKey, TAKST_SECRETS_KEY_PREVIOUS: oldKey });
      expect(moved.stderr).toContain(`Re-encrypted the secrets of 1 webhook endpoint(s) with key ${keyIdOf(nextKey)}.`);
      expect(moved.code).toBe(0);
      for (const row of await storedSecrets(first.databaseUrl)) {
        expect(row.secret.startsWith(`v1:${keyIdOf(nextKey)}:`), row.id).toBe(true);
        if (row.previousSecret) expect(row.previousSecret.startsWith(`v1:${keyIdOf(nextKey)}:`), row.id).toBe(true);
      }
      // Run again, there is nothing left to do.
      expect((await reencrypt({ TAKST_SECRETS_KEY: nextKey })).stderr).toContain('secrets of 0 webhook endpoint(s)');
    } finally {
      await next.close();
    }

    const newOnly = await startTestServer({
      sharing: first,
      env: { TAKST_SECRETS_KEY: nextKey, TAKST_WEBHOOK_WORKER: 'false' },
    });
    try {
      expect(await newOnly.admin.webhooks.getSecret.query({ id: before.endpoint.id })).toMatchObject({
        secret: rotated.secret,
        previousSecret: before.secret,
      });
    } finally {
      await newOnly.close();
    }
  });

  it('names what no key it holds opens, leaves it, and fails; a rotation recovers from a lost key', async () => {
    const stranger = newKey();
    const run = await reencrypt({ TAKST_SECRETS_KEY: stranger });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`sealed with secrets key ${keyIdOf(nextKey)}, which this server does not hold`);
    const rows = await storedSecrets(first.databaseUrl);
    expect(rows.every((row) => row.secret.startsWith(`v1:${keyIdOf(nextKey)}:`))).toBe(true);

    // The key is lost: rotating gives an endpoint a secret again, and drops the one nothing can open.
    const lost = await startTestServer({
      sharing: first,
      env: { TAKST_SECRETS_KEY: stranger, TAKST_WEBHOOK_WORKER: 'false' },
    });
    try {
      const id = rows[0]?.id ?? '';
      const rotated = await lost.admin.webhooks.rotateSecret.mutate({ id });
      expect(rotated.endpoint.previousSecretExpiresAt).toBeNull();
      expect(await lost.admin.webhooks.getSecret.query({ id })).toEqual({
        endpointId: id,
        secret: rotated.secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
      });
    } finally {
      await lost.close();
    }
  });
});

describe('where the key comes from', () => {
  it('refuses to start on a DATABASE_URL without TAKST_SECRETS_KEY, or with a malformed one', async () => {
    const databaseUrl = server.databaseUrl;
    const [missing, worker, malformed, previous] = [
      spawnServer({ DATABASE_URL: databaseUrl, TAKST_SECRETS_KEY: '' }),
      spawnServer({ DATABASE_URL: databaseUrl, TAKST_SECRETS_KEY: '' }, ['worker']),
      spawnServer({ DATABASE_URL: databaseUrl, TAKST_SECRETS_KEY: 'not-a-key' }),
      spawnServer({ DATABASE_URL: databaseUrl, TAKST_SECRETS_KEY_PREVIOUS: `${newKey()},abc` }),
    ];
    expect(await Promise.all([missing, worker, malformed, previous].map((run) => run.exited))).toEqual([2, 2, 2, 2]);
    expect(missing.stderr()).toContain('TAKST_SECRETS_KEY: required with DATABASE_URL');
    expect(missing.stdout()).not.toContain('takst server listening');
    expect(worker.stderr()).toContain('TAKST_SECRETS_KEY: required with DATABASE_URL');
    expect(malformed.stderr()).toContain('TAKST_SECRETS_KEY: must be 32 random bytes written as base64');
    expect(previous.stderr()).toContain('TAKST_SECRETS_KEY_PREVIOUS: key 2 must be 32 random bytes');
  });

  it('with the embedded PostgreSQL makes secrets.key (0600) in the data folder and reuses it on restart', async () => {
    // Under the repo, not in a 0700 temp folder: the postgres user must be able to reach it.
    const dataDir = path.join(fileURLToPath(new URL('../../../.data', import.meta.url)), `test-secrets-${process.pid}`);
    const apiKey = generateApiKey();
    const env = {
      TAKST_DATA_DIR: dataDir,
      TAKST_SECRETS_KEY: '',
      TAKST_BOOTSTRAP_ADMIN_KEY: apiKey,
      TAKST_WEBHOOK_WORKER: 'false',
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
    };
    try {
      const first = spawnServer(env);
      const client = createTakstClient({ baseUrl: await first.listening, apiKey });
      const { endpoint, secret } = await client.webhooks.create.mutate({ url: 'http://127.0.0.1:9/embedded' });
      expect(await first.stop()).toBe(0);
      const keyFile = path.join(dataDir, 'secrets.key');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const key = await readFile(keyFile, 'utf8');
      expect(first.stdout()).toContain(keyIdOf(key.trim()));

      // Loosened by hand meanwhile: set back to 0600 at the next start, with a warning.
      await chmod(keyFile, 0o644);
      const second = spawnServer(env);
      const again = createTakstClient({ baseUrl: await second.listening, apiKey });
      expect((await again.webhooks.getSecret.query({ id: endpoint.id })).secret).toBe(secret);
      expect(await second.stop()).toBe(0);
      expect(await readFile(keyFile, 'utf8')).toBe(key);
      expect(second.stdout()).not.toContain('made a secrets key');
      expect(second.stdout()).toContain('the secrets key file was readable by others; made it 0600');
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
