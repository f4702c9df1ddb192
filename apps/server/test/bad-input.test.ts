import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// Input that passes the schemas but that PostgreSQL, the stack or the log would choke on: each
// is a clear refusal that writes nothing, never an internal error.
let server: TestServer;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'error' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
});
afterAll(() => server?.close());

interface Answer {
  status: number;
  body: { error?: { message: string; data: Record<string, unknown> } };
}

async function call(path: string, input: unknown, init: { method?: string; headers?: Record<string, string> } = {}) {
  const method = init.method ?? 'POST';
  const url = new URL(`${server.url}/trpc/${path}`);
  if (method === 'GET') url.searchParams.set('input', JSON.stringify(input));
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json', ...init.headers },
    ...(method === 'POST' ? { body: typeof input === 'string' ? input : JSON.stringify(input) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const assignmentCount = async () =>
  (await query<{ n: number }>(server.databaseUrl, 'select count(*)::int as n from assignments'))[0]?.n;

describe('input the database cannot store', () => {
  it('refuses text holding a NUL character as VALIDATION_FAILED, writing nothing', async () => {
    const before = await assignmentCount();
    const created = await call('assignments.create', assignmentInput({ notes: 'before\u0000after' }));
    expect(created).toMatchObject({ status: 400 });
    expect(created.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
    const searched = await call('assignments.list', { q: 'nul\u0000' }, { method: 'GET' });
    expect(searched.status).toBe(400);
    expect(searched.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(await assignmentCount()).toBe(before);
  });

  it('refuses text holding a lone surrogate before the database sees it, writing nothing', async () => {
    const before = await assignmentCount();
    // A lone surrogate is valid JSON but not valid UTF-8, so it goes as an escape in the body.
    const body = JSON.stringify(assignmentInput({ notes: 'NOTES' })).replace('NOTES', 'a\\ud800b');
    const created = await call('assignments.create', body);
    expect(created.status).toBe(400);
    expect(created.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(created.body.error?.data.issues).toEqual([
      expect.objectContaining({ path: ['notes'], message: expect.stringContaining('surrogate') }),
    ]);
    expect(await assignmentCount()).toBe(before);
  });

  it('refuses the year 0000 in dates, timestamps and cursors', async () => {
    const due = await call('assignments.create', assignmentInput({ dueDate: '0000-01-01' }));
    expect(due.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(due.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['dueDate'] })]);
    const listed = await call('assignments.list', { createdFrom: '0000-01-01T00:00:00Z' }, { method: 'GET' });
    expect(listed.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    const cursor = Buffer.from(
      JSON.stringify(['0000-01-01T00:00:00.000Z', '01900000-0000-7000-8000-000000000000', 'createdAt:desc']),
    ).toString('base64url');
    const paged = await call('assignments.list', { cursor }, { method: 'GET' });
    expect(paged.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
  });

  it('refuses an export continuation at a day that does not exist, before streaming anything', async () => {
    const continuation = '2026-02-31T00:00:00.000Z_01900000-0000-7000-8000-000000000000';
    const exported = await call('assignments.export', { continuation }, { method: 'GET' });
    expect(exported.body.error?.data).toMatchObject({ errorCode: 'INVALID_CURSOR' });
    const ndjson = await fetch(`${server.url}/api/assignments/export.ndjson?continuation=${continuation}`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
    });
    expect(ndjson.status).toBe(400);
    expect(await ndjson.json()).toMatchObject({ errorCode: 'INVALID_CURSOR' });
  });
});

describe('a failure inside the database', () => {
  it('is logged by SQLSTATE and constraint, without the statement or the values it held', async () => {
    // A rule only the database knows, so the write fails there as an internal error.
    await query(
      server.databaseUrl,
      `alter table assignments add constraint test_refuses_poison check (notes not like '%poison%')`,
    );
    try {
      const secret = `poison for Kari ${Date.now()}`;
      const answer = await call('assignments.create', assignmentInput({ notes: secret }));
      expect(answer.status).toBe(500);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      const logged = logLines.filter((line) => line.includes(String(answer.body.error?.data.requestId)));
      expect(logged).toHaveLength(1);
      expect(JSON.parse(logged[0] ?? '{}')).toMatchObject({
        msg: 'procedure failed',
        err: { sqlState: '23514', constraint: 'test_refuses_poison', table: 'assignments' },
      });
      expect(logged[0]).not.toContain(secret);
      expect(logged[0]).not.toContain('insert into');
    } finally {
      await query(server.databaseUrl, 'alter table assignments drop constraint test_refuses_poison');
    }
  });
});

describe('input nested deeper than any procedure takes', () => {
  it('is refused as VALIDATION_FAILED on a query as well', async () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`);
    const answer = await call('assignments.list', deep, { method: 'GET' });
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });

  it('is refused as VALIDATION_FAILED under an Idempotency-Key, and the server goes on', async () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const answer = await call('assignments.create', deep, { headers: { 'idempotency-key': 'deep-input' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('a batch of calls with one API key', () => {
  it('looks the key up once, not once per call', async () => {
    // Hold the API-client table so lookups queue up where they can be counted.
    const blocker = new pg.Client({ connectionString: server.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table api_clients in access exclusive mode');
      const paths = Array.from({ length: 200 }, () => 'assignments.list').join(',');
      const batch = fetch(`${server.url}/trpc/${paths}?batch=1&input=%7B%7D`, {
        headers: { authorization: `Bearer tk_${'A'.repeat(43)}` },
      });
      let waiting = 0;
      for (let attempt = 0; attempt < 50 && waiting === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [row] = await query<{ n: number }>(
          server.databaseUrl,
          `select count(*)::int as n from pg_stat_activity
           where wait_event_type = 'Lock' and query like '%from api_clients where key_hash%'`,
        );
        waiting = row?.n ?? 0;
      }
      // Give any further lookups of the same request time to queue up too.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const [row] = await query<{ n: number }>(
        server.databaseUrl,
        `select count(*)::int as n from pg_stat_activity
         where wait_event_type = 'Lock' and query like '%from api_clients where key_hash%'`,
      );
      expect(row?.n).toBe(1);
      await blocker.query('rollback');
      const answer = await batch;
      expect(answer.status).toBe(401);
    } finally {
      await blocker.end();
    }
  });
});
