import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

// Timestamps the contract's format allows but PostgreSQL does not take (offsets of 16 hours or
// more, SQLSTATE 22009), and other values the database refuses: bad input, never a 500.
let server: TestServer;
let endpointId: string;
const logLines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({
    env: { LOG_LEVEL: 'warn', TAKST_WEBHOOK_WORKER: 'false', TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback' },
    logTo: { write: (line: string) => logLines.push(line) },
  });
  // Rows to read, so the exports below get as far as their first batch.
  await server.admin.assignments.create.mutate(assignmentInput());
  endpointId = (await server.admin.webhooks.create.mutate({ url: 'http://127.0.0.1:9/hook', eventTypes: [] })).endpoint
    .id;
});
afterAll(() => server?.close());

interface ErrorBody {
  error?: { message: string; data: { errorCode: string; requestId: string | null; issues?: { path: unknown[] }[] } };
}

async function call(path: string, input: unknown, method: 'GET' | 'POST') {
  const url = new URL(`${server.url}/trpc/${path}`);
  if (method === 'GET') url.searchParams.set('input', JSON.stringify(input));
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify(input) } : {}),
  });
  return { status: response.status, body: (await response.json()) as ErrorBody };
}

const BEYOND = '2026-01-01T00:00:00+16:00';
const anyId = '01900000-0000-7000-8000-000000000000';

const calls: [string, 'GET' | 'POST', unknown, (string | number)[]][] = [
  ['assignments.list', 'GET', { createdFrom: BEYOND }, ['createdFrom']],
  ['assignments.list', 'GET', { createdTo: '2026-01-01T00:00:00-23:59' }, ['createdTo']],
  ['assignments.list', 'GET', { updatedSince: BEYOND }, ['updatedSince']],
  ['assignments.export', 'GET', { updatedSince: BEYOND }, ['updatedSince']],
  [
    'assignments.bulkTransition',
    'POST',
    { filter: { createdFrom: BEYOND }, to: 'confirmed', reason: 'x', dryRun: true },
    ['filter', 'createdFrom'],
  ],
  ['audit.list', 'GET', { since: BEYOND }, ['since']],
  ['inspections.list', 'GET', { appraiserId: anyId, from: BEYOND, to: '2026-02-01T00:00:00Z' }, ['from']],
  ['inspections.list', 'GET', { appraiserId: anyId, from: '2025-12-01T00:00:00Z', to: BEYOND }, ['to']],
];

describe('a timestamp with an offset PostgreSQL cannot take', () => {
  it.each(calls.map(([path, method, input, at]) => [`${path} ${at.join('.')}`, path, method, input, at] as const))(
    'is refused by %s as VALIDATION_FAILED naming the field',
    async (_, path, method, input, at) => {
      const answer = await call(path, input, method);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
      expect(answer.body.error?.data.issues).toEqual([expect.objectContaining({ path: at })]);
    },
  );

  it('is refused by webhooks.recover', async () => {
    const answer = await call('webhooks.recover', { endpointId, since: BEYOND }, 'POST');
    expect(answer.status).toBe(400);
    expect(answer.body.error?.data.issues).toEqual([expect.objectContaining({ path: ['since'] })]);
  });

  it('is refused by the NDJSON export with a 400 before anything is streamed', async () => {
    for (const name of ['updatedSince', 'createdFrom']) {
      const response = await fetch(
        `${server.url}/api/assignments/export.ndjson?${name}=${encodeURIComponent(BEYOND)}`,
        {
          headers: { authorization: `Bearer ${server.adminKey}` },
        },
      );
      expect(response.status, name).toBe(400);
      expect(await response.json()).toMatchObject({ errorCode: 'VALIDATION_FAILED', issues: [{ path: [name] }] });
    }
  });

  it('is refused when an offset carries it out of the years 0001-9999, and taken up to ±15:59', async () => {
    for (const at of ['0001-01-01T00:00:00+01:00', '9999-12-31T23:00:00-01:00']) {
      const answer = await call('assignments.list', { createdFrom: at }, 'GET');
      expect(answer.body.error?.data, at).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    }
    for (const at of ['2026-01-01T00:00:00+15:59', '2026-01-01T00:00:00-15:59', '2026-01-01T00:00:00Z']) {
      expect((await call('assignments.list', { createdFrom: at }, 'GET')).status, at).toBe(200);
    }
  });
});

describe('a value the database refuses that the schemas let through', () => {
  it('is answered as VALIDATION_FAILED (400), and logged by SQLSTATE as a warning, not an error', async () => {
    // A rule only the database knows, raising a data exception (class 22) as an out-of-range value would.
    await query(
      server.databaseUrl,
      `create function test_refuse_value() returns trigger language plpgsql as $$
       begin
         if new.name like '%out-of-range%' then raise exception 'out of range' using errcode = '22003'; end if;
         return new;
       end $$;
       create trigger test_refuse_value before insert on parties for each row execute function test_refuse_value()`,
    );
    try {
      const answer = await call('parties.create', { name: 'out-of-range Kari' }, 'POST');
      expect(answer.status).toBe(400);
      expect(answer.body.error?.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
      const requestId = String(answer.body.error?.data.requestId);
      const logged = logLines.filter((line) => line.includes(requestId)).map((line) => JSON.parse(line));
      expect(logged).toEqual([
        expect.objectContaining({ level: 40, err: expect.objectContaining({ sqlState: '22003' }) }),
      ]);
    } finally {
      await query(server.databaseUrl, 'drop trigger test_refuse_value on parties; drop function test_refuse_value()');
    }
  });
});

describe('an NDJSON export that fails before its first line', () => {
  it('answers an error status with the request id instead of a cut-off 200', async () => {
    // The first batch's statement fails; the export must not have promised a 200 by then.
    await query(server.databaseUrl, 'alter table assignments rename column notes to test_notes');
    try {
      const response = await fetch(`${server.url}/api/assignments/export.ndjson`, {
        headers: { authorization: `Bearer ${server.adminKey}`, 'x-request-id': 'ndjson-fails-at-once' },
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ requestId: 'ndjson-fails-at-once' });
    } finally {
      await query(server.databaseUrl, 'alter table assignments rename column test_notes to notes');
    }
  });
});
