import { randomUUID } from 'node:crypto';
import { generateApiKey } from '@takst/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, query, type TestDatabase } from './support/database';
import { assignmentInput } from './support/fixtures';
import { type ServerProcess, spawnServer } from './support/process';

// A keyed mutation whose server dies (a real SIGKILL, through the `idempotency.after-change`
// failpoint) after the procedure has done its work and before the call's record is kept: the
// retry must act exactly once in all, never twice and never refuse its own first attempt.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

function started(env: Record<string, string>): ServerProcess {
  const server = spawnServer(env);
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

interface Answer {
  status: number;
  body: { result?: { data: Record<string, unknown> }; error?: { data: Record<string, unknown> } };
}

async function mutate(url: string, apiKey: string, path: string, input: unknown, key?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  if (key) headers['idempotency-key'] = key;
  const response = await fetch(`${url}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(input) });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** Sends a keyed mutation to a server armed to die in it; resolves once the process is dead. */
async function crashIn(server: ServerProcess, url: string, apiKey: string, path: string, input: unknown, key: string) {
  const sent = mutate(url, apiKey, path, input, key).then(
    () => 'answered',
    () => 'no answer',
  );
  await server.exited;
  expect(server.child.signalCode).toBe('SIGKILL');
  expect(await sent).toBe('no answer');
}

describe('an Idempotency-Key across a crash', () => {
  it('creates once when the server dies between the change and its record', async () => {
    const db = await database();
    const adminKey = generateApiKey();
    const env = { DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: adminKey };
    const doomed = started({ ...env, TAKST_FAILPOINT: 'idempotency.after-change' });
    const marker = `crash ${randomUUID()}`;
    const input = assignmentInput({ notes: marker });
    const key = randomUUID();
    await crashIn(doomed, await doomed.listening, adminKey, 'assignments.create', input, key);

    const survivor = started(env);
    const url = await survivor.listening;
    const retried = await mutate(url, adminKey, 'assignments.create', input, key);
    expect(retried.status).toBe(200);
    const again = await mutate(url, adminKey, 'assignments.create', input, key);
    expect(again.body.result?.data.id).toBe(retried.body.result?.data.id);

    const made = await query<{ id: string }>(db.url, 'select id from assignments where notes = $1', [marker]);
    expect(made.map((row) => row.id)).toEqual([retried.body.result?.data.id]);
    const events = await query<{ count: number }>(
      db.url,
      `select count(*)::int as count from events where type = 'assignment.created' and entity_id = $1`,
      [made[0]?.id],
    );
    expect(events[0]?.count).toBe(1);
    const records = await query<{ count: number }>(
      db.url,
      'select count(*)::int as count from idempotency_keys where key = $1',
      [key],
    );
    expect(records[0]?.count).toBe(1);
  });

  it('updates once, and the retry is not refused as a stale version of itself', async () => {
    const db = await database();
    const adminKey = generateApiKey();
    const env = { DATABASE_URL: db.url, TAKST_BOOTSTRAP_ADMIN_KEY: adminKey };
    const doomed = started({ ...env, TAKST_FAILPOINT: 'idempotency.after-change' });
    const doomedUrl = await doomed.listening;
    // Unkeyed, so the failpoint lets it through.
    const created = await mutate(doomedUrl, adminKey, 'assignments.create', assignmentInput());
    const id = created.body.result?.data.id as string;
    const update = { id, expectedVersion: 1, patch: { notes: 'after the crash' } };
    const key = randomUUID();
    await crashIn(doomed, doomedUrl, adminKey, 'assignments.update', update, key);

    const survivor = started(env);
    const retried = await mutate(await survivor.listening, adminKey, 'assignments.update', update, key);
    expect(retried.status).toBe(200);
    expect(retried.body.result?.data).toMatchObject({ id, version: 2, notes: 'after the crash' });
    const updates = await query<{ count: number }>(
      db.url,
      `select count(*)::int as count from events where type = 'assignment.updated' and entity_id = $1`,
      [id],
    );
    expect(updates[0]?.count).toBe(1);
  });
});
