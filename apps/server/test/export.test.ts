import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Assignment, RouterInputs } from '@takst/sdk';
import pg from 'pg';
import { afterAll, assert, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type CreateInput = RouterInputs['assignments']['create'];
type ExportInput = RouterInputs['assignments']['export'];

let sequence = 0;
function freshAssignment(overrides: Partial<CreateInput> = {}): CreateInput {
  sequence += 1;
  return assignmentInput({
    property: {
      address: { street: `Eksportveien ${sequence}`, postalCode: '5003', city: 'Bergen', unitNumber: 'H0101' },
      cadastre: { municipality: '4601', gnr: 2000 + sequence, bnr: 3, fnr: 1 },
    },
    client: { name: `Eksport Kunde ${sequence}`, phone: '+47 55 00 00 00' },
    ...overrides,
  });
}

/** Creates `n` assignments of the given type in one bulk call; returns their ids. */
async function createMany(n: number, overrides: Partial<CreateInput> = {}) {
  const items = Array.from({ length: n }, () => ({
    key: { externalRef: { system: 'export-test', externalId: randomUUID() } },
    assignment: freshAssignment(overrides),
  }));
  const output = await server.admin.assignments.bulkUpsert.mutate({ items });
  expect(output.counts.created).toBe(n);
  return output.results.map((result) => result.id as string);
}

/** Every page of an export, followed to its end. */
async function exportAll(at: TestServer, input: ExportInput) {
  const items: Assignment[] = [];
  let continuation = input.continuation;
  let pages = 0;
  do {
    const page = await at.admin.assignments.export.query({ ...input, continuation });
    items.push(...page.items);
    continuation = page.continuation ?? undefined;
    pages += 1;
  } while (continuation);
  return { items, pages };
}

const inChangeOrder = (items: readonly Assignment[]) =>
  items.every((item, i) => {
    const previous = items[i - 1];
    return !previous || [previous.updatedAt, previous.id].join() < [item.updatedAt, item.id].join();
  });

interface NdjsonAnswer {
  status: number;
  contentType: string | null;
  text: string;
  lines: Assignment[];
}

async function ndjson(params: string, apiKey: string | null = server.adminKey): Promise<NdjsonAnswer> {
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const response = await fetch(`${server.url}/api/assignments/export.ndjson${params}`, { headers });
  const text = await response.text();
  const ok = response.status === 200;
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text,
    lines: ok
      ? (text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line)) as Assignment[])
      : [],
  };
}

/**
 * An NDJSON export read slowly: its first piece at once, the rest when asked, counting the whole
 * lines received and how the answer ended (a broken connection, or a clean end).
 */
async function readSlowly(params: string, apiKey: string) {
  const response = await fetch(`${server.url}/api/assignments/export.ndjson${params}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = decoder.decode((await reader.read()).value, { stream: true });
  return {
    async rest(): Promise<{ lines: number; broken: unknown }> {
      let broken: unknown;
      try {
        for (let part = await reader.read(); !part.done; part = await reader.read()) {
          text += decoder.decode(part.value, { stream: true });
        }
      } catch (error) {
        broken = error;
      }
      return { lines: text.split('\n').length - 1, broken };
    },
  };
}

/**
 * Holds the assignments table locked until `release()`, so the export's next batch waits: the
 * export stays in progress however much the connection buffers (megabytes on loopback).
 */
async function holdAssignments() {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  await client.connect();
  await client.query('begin');
  await client.query('lock table assignments in access exclusive mode');
  return {
    async release() {
      await client.query('rollback');
      await client.end();
    },
  };
}

describe('assignments.export', () => {
  it('gives every matching assignment once, in change order, page by page', async () => {
    const type = 'area_measurement';
    const ids = await createMany(7, { type });
    await server.admin.assignments.transition.mutate({ id: ids[2] as string, to: 'cancelled', expectedVersion: 1 });
    const { items, pages } = await exportAll(server, { type: [type], limit: 3 });
    expect(pages).toBe(3);
    expect(items.map((item) => item.id).sort()).toEqual([...ids].sort());
    expect(inChangeOrder(items)).toBe(true);
    // The cancelled one changed last, so it comes last.
    expect(items.at(-1)).toMatchObject({ id: ids[2], status: 'cancelled' });
    expect(items[0]).toEqual(await server.admin.assignments.get.query({ id: items[0]?.id as string }));
  });

  it('resumes after the continuation, and gives an assignment changed meanwhile again', async () => {
    const type = 'handover_inspection';
    const ids = await createMany(4, { type });
    const first = await server.admin.assignments.export.query({ type: [type], limit: 2 });
    expect(first.continuation).toBe(`${first.items[1]?.updatedAt}_${first.items[1]?.id}`);
    const seen = first.items[0] as Assignment;
    await server.admin.assignments.update.mutate({ id: seen.id, expectedVersion: 1, patch: { notes: 'changed' } });
    const rest = await exportAll(server, { type: [type], limit: 2, continuation: first.continuation ?? undefined });
    expect(rest.items.map((item) => item.id)).toEqual([
      ...ids.filter((id) => !first.items.some((i) => i.id === id)),
      seen.id,
    ]);
    expect(rest.items.at(-1)).toMatchObject({ notes: 'changed', version: 2 });
  });

  it('filters as assignments.list does, updatedSince included', async () => {
    const type = 'complaint_report';
    const [a, b] = await createMany(2, { type });
    const since = new Date().toISOString();
    await server.admin.assignments.transition.mutate({ id: b as string, to: 'confirmed', expectedVersion: 1 });
    const changed = await server.admin.assignments.export.query({ type: [type], updatedSince: since });
    expect(changed.items.map((item) => item.id)).toEqual([b]);
    const received = await server.admin.assignments.export.query({ type: [type], status: ['received'] });
    expect(received.items.map((item) => item.id)).toEqual([a]);
    const searched = await server.admin.assignments.export.query({ q: 'eksportveien', type: [type] });
    expect(searched.items).toHaveLength(2);
  });

  it('refuses a continuation it did not make, and pages of more than 5,000', async () => {
    const forged = await caught(() => server.admin.assignments.export.query({ continuation: 'yesterday' }));
    expect(forged.data.errorCode).toBe('INVALID_CURSOR');
    const tooBig = await caught(() => server.admin.assignments.export.query({ limit: 5001 }));
    expect(tooBig.data.errorCode).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/assignments/export.ndjson', () => {
  it('streams one DTO a line, the same as assignments.export, in the same order', async () => {
    await createMany(5, { type: 'valuation' });
    const viaTrpc = await exportAll(server, { limit: 5_000 });
    const answer = await ndjson('');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/x-ndjson; charset=utf-8');
    expect(answer.text.endsWith('\n')).toBe(true);
    expect(answer.lines).toEqual(viaTrpc.items);
  });

  it('takes the filters in the query string and resumes from the last line it sent', async () => {
    const type = 'pre_completion_valuation';
    const ids = await createMany(3, { type });
    await server.admin.assignments.transition.mutate({ id: ids[0] as string, to: 'on_hold', expectedVersion: 1 });
    const all = await ndjson(`?type=${type}&status=received,on_hold`);
    expect(all.lines.map((line) => line.id).sort()).toEqual([...ids].sort());
    const repeated = await ndjson(`?type=${type}&status=received&status=on_hold`);
    expect(repeated.lines).toEqual(all.lines);
    const first = all.lines[0] as Assignment;
    const rest = await ndjson(`?type=${type}&continuation=${encodeURIComponent(`${first.updatedAt}_${first.id}`)}`);
    expect(rest.lines).toEqual(all.lines.slice(1));
  });

  it('answers refusals as problem details with the error code and the request id', async () => {
    const anonymous = await fetch(`${server.url}/api/assignments/export.ndjson`, {
      headers: { 'x-request-id': 'export-test-1' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json');
    expect(await anonymous.json()).toMatchObject({
      type: 'urn:takst:error:UNAUTHENTICATED',
      status: 401,
      errorCode: 'UNAUTHENTICATED',
      code: 'UNAUTHORIZED',
      requestId: 'export-test-1',
    });
    const reader = await server.admin.apiClients.create.mutate({ name: 'no assignments', scopes: ['parties:read'] });
    const forbidden = await ndjson('', reader.apiKey);
    expect(forbidden.status).toBe(403);
    expect(JSON.parse(forbidden.text)).toMatchObject({ errorCode: 'MISSING_SCOPE', requiredScope: 'assignments:read' });
    const invalid = await ndjson('?status=sleeping&limit=5');
    expect(invalid.status).toBe(400);
    const error = JSON.parse(invalid.text) as { errorCode: string; issues: { path: unknown[]; code: string }[] };
    expect(error.errorCode).toBe('VALIDATION_FAILED');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['status', 0] }),
        expect.objectContaining({ code: 'unrecognized_keys' }),
      ]),
    );
    const forged = await ndjson('?continuation=somewhere');
    expect(forged.status).toBe(400);
    expect(JSON.parse(forged.text)).toMatchObject({ errorCode: 'INVALID_CURSOR' });
  });

  it('goes on serving after a client leaves in the middle of an export', async () => {
    await createMany(500, { type: 'damage_assessment' });
    const controller = new AbortController();
    const response = await fetch(`${server.url}/api/assignments/export.ndjson`, {
      headers: { authorization: `Bearer ${server.adminKey}` },
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    controller.abort();
    const after = await ndjson('?type=damage_assessment');
    expect(after.lines).toHaveLength(500);
  });

  /** Revokes a key as another process would; `unheard`: with the table's triggers off, so no notification. */
  const revokeInDatabase = (clientId: string, options: { unheard?: boolean } = {}) =>
    query(
      server.databaseUrl,
      `begin; ${options.unheard ? 'set local session_replication_role = replica;' : ''}
       update api_clients set revoked_at = now() where id = '${clientId}'; commit`,
    );

  // Nine of the route's batches of 500 lines, so the key is checked at 2,000 and at 4,000: the
  // server runs in this process and may pass the first of those before a test holds the table.
  const rows = 4_500;
  const exporting = 'energy_certificate';
  const enoughToExport = async () => {
    const have = (await ndjson(`?type=${exporting}`)).lines.length;
    for (let made = have; made < rows; made += 500) await createMany(500, { type: exporting });
  };

  it('cuts an export short as soon as its key is revoked, and a fresh key exports everything', async () => {
    await enoughToExport();
    const exporter = await server.admin.apiClients.create.mutate({ name: 'exporter', scopes: ['assignments:read'] });
    const slow = await readSlowly(`?type=${exporting}`, exporter.apiKey);
    // The first lines are in; reading no more, and with the next batch held in the database.
    const held = await holdAssignments();
    let ended: Awaited<ReturnType<typeof slow.rest>> | null;
    try {
      // Revoked in the database, as by another process (the revoke procedure's own writes would
      // wait for the lock): this server hears of it through its listener.
      await revokeInDatabase(exporter.client.id);
      // Ended while the database still holds the batch: the export stopped at once, not later.
      ended = await Promise.race([slow.rest(), sleep(5_000).then(() => null)]);
    } finally {
      await held.release();
    }
    assert(ended, 'the export went on after its key was revoked');
    const { lines, broken } = ended;
    // The connection broke instead of ending: a cut-short export never looks complete.
    expect(broken).toBeInstanceOf(TypeError);
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(rows);
    expect(await ndjson(`?type=${exporting}`, exporter.apiKey)).toMatchObject({ status: 401 });

    const fresh = await server.admin.apiClients.create.mutate({ name: 'exporter 2', scopes: ['assignments:read'] });
    const again = await ndjson(`?type=${exporting}`, fresh.apiKey);
    expect(again.lines).toHaveLength(rows);
    expect(again.text.endsWith('\n')).toBe(true);
  });

  it('checks the key again every few batches, in case its revocation went unheard', async () => {
    await enoughToExport();
    const exporter = await server.admin.apiClients.create.mutate({ name: 'unheard', scopes: ['assignments:read'] });
    const slow = await readSlowly(`?type=${exporting}`, exporter.apiKey);
    const held = await holdAssignments();
    try {
      // No process hears of it (as when the listener misses it), and the key cache goes on
      // trusting the key for up to 5 s.
      await revokeInDatabase(exporter.client.id, { unheard: true });
      await sleep(5_100);
    } finally {
      await held.release();
    }
    // Cut at the first check after the revocation (at 2,000 or 4,000 lines), not run to the end.
    const { lines, broken } = await slow.rest();
    expect(broken).toBeInstanceOf(TypeError);
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThan(rows);
  });
});

describe('export, then import again', () => {
  /** An export line as a bulk item that names everything by id: re-importing it changes nothing. */
  const byReference = (dto: Assignment) => ({
    key: { reference: dto.reference },
    assignment: {
      type: dto.type,
      propertyId: dto.property.id,
      clientId: dto.client.id,
      payerId: dto.payer.id,
      ...(dto.broker ? { brokerId: dto.broker.id } : {}),
      ...(dto.appraiser ? { appraiserId: dto.appraiser.id } : {}),
      ...(dto.dueDate ? { dueDate: dto.dueDate } : {}),
      ...(dto.notes ? { notes: dto.notes } : {}),
    },
  });

  /** An export line as a bulk item for another platform: everything inline, keyed by the reference. */
  const inline = (dto: Assignment) => ({
    key: { externalRef: { system: 'takst-export', externalId: dto.reference } },
    assignment: {
      type: dto.type,
      property: {
        address: { ...dto.property.address, unitNumber: dto.property.address.unitNumber ?? undefined },
        ...(dto.property.cadastre ? { cadastre: dto.property.cadastre } : {}),
        ...(dto.property.share ? { share: dto.property.share } : {}),
      },
      client: {
        kind: dto.client.kind,
        name: dto.client.name,
        ...(dto.client.email ? { email: dto.client.email } : {}),
        ...(dto.client.phone ? { phone: dto.client.phone } : {}),
        ...(dto.client.organizationNumber ? { organizationNumber: dto.client.organizationNumber } : {}),
      },
      ...(dto.dueDate ? { dueDate: dto.dueDate } : {}),
      ...(dto.notes ? { notes: dto.notes } : {}),
    },
  });

  /** What survives a move to another platform: everything but ids, references, status and times. */
  const portable = (dto: Assignment) => ({
    type: dto.type,
    address: dto.property.address,
    cadastre: dto.property.cadastre,
    share: dto.property.share,
    client: { ...dto.client, id: undefined },
    dueDate: dto.dueDate,
    notes: dto.notes,
  });

  it('re-imports an export unchanged, and carries it to another platform field for field', async () => {
    const type = 'value_assessment';
    await createMany(4, { type });
    await createMany(1, {
      type,
      client: { name: 'Eiendom AS', organizationNumber: '923609016' },
      property: {
        address: { street: 'Borettslaget 1', postalCode: '0150', city: 'Oslo' },
        share: { organizationNumber: '974760673', shareNumber: '12' },
      },
    });
    const exported = (await ndjson(`?type=${type}`)).lines;
    expect(exported).toHaveLength(5);

    const again = await server.admin.assignments.bulkUpsert.mutate({ items: exported.map(byReference) });
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 5, error: 0 });
    expect((await ndjson(`?type=${type}`)).lines).toEqual(exported);

    const other = await startTestServer();
    try {
      const imported = await other.admin.assignments.bulkUpsert.mutate({ items: exported.map(inline) });
      expect(imported.counts).toEqual({ created: 5, updated: 0, unchanged: 0, error: 0 });
      const there = await exportAll(other, { type: [type] });
      const byNotes = (items: Assignment[]) =>
        items.map(portable).sort((a, b) => a.address.street.localeCompare(b.address.street));
      expect(byNotes(there.items)).toEqual(byNotes(exported));
      const twice = await other.admin.assignments.bulkUpsert.mutate({ items: exported.map(inline) });
      expect(twice.counts.unchanged).toBe(5);
    } finally {
      await other.close();
    }
  });
});
