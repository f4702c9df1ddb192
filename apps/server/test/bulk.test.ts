import { randomUUID } from 'node:crypto';
import { type RouterInputs, withIdempotencyKey } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { insertAppraiser, insertInspection } from './support/rows';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type CreateInput = RouterInputs['assignments']['create'];

let sequence = 0;
/** A create input with a property of its own (a cadastre no other test uses). */
function freshAssignment(overrides: Partial<CreateInput> = {}): CreateInput {
  sequence += 1;
  return assignmentInput({
    property: {
      address: { street: `Bulkveien ${sequence}`, postalCode: '0368', city: 'Oslo' },
      cadastre: { municipality: '0301', gnr: 1000 + sequence, bnr: 1 },
    },
    client: { name: `Kunde ${sequence}`, email: `kunde${sequence}@example.no` },
    ...overrides,
  });
}

/** An external reference no other test uses. */
const ref = (system = 'crm') => ({ externalRef: { system, externalId: `ext-${randomUUID()}` } });

const bulkUpsert = (items: unknown[]) => server.admin.assignments.bulkUpsert.mutate({ items });

async function count(sql: string, params: unknown[] = []): Promise<number> {
  return Number((await query<{ count: string }>(server.databaseUrl, sql, params))[0]?.count);
}

interface EventRow {
  type: string;
  entity_id: string;
  data: Record<string, unknown>;
  changes: Record<string, { from: unknown; to: unknown }>;
  request_id: string;
}
const eventsOf = (entityId: string) =>
  query<EventRow>(
    server.databaseUrl,
    'select type, entity_id, data, changes, request_id from events where entity_id = $1 order by sequence',
    [entityId],
  );
const lastSequence = async () =>
  Number((await query<{ max: string | null }>(server.databaseUrl, 'select max(sequence) from events'))[0]?.max ?? 0);
const eventTypesSince = async (after: number) =>
  (
    await query<{ type: string }>(server.databaseUrl, 'select type from events where sequence > $1 order by sequence', [
      after,
    ])
  ).map((row) => row.type);

/** An event's changes with what differs between two creates of the same input (ids, reference) left out. */
function comparable(changes: Record<string, { from: unknown; to: unknown }>) {
  const { id: _id, reference: _reference, propertyId, clientId, payerId, ...rest } = changes;
  return { ...rest, propertyId: Boolean(propertyId), clientId: Boolean(clientId), payerId: Boolean(payerId) };
}

describe('assignments.bulkUpsert', () => {
  it('creates every item with a result each, in the order given', async () => {
    const items = [0, 1, 2].map(() => ({ key: ref(), assignment: freshAssignment() }));
    const output = await bulkUpsert(items);
    expect(output.counts).toEqual({ created: 3, updated: 0, unchanged: 0, error: 0 });
    expect(output.results.map((r) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'created'],
      [2, 'created'],
    ]);
    const numbers = output.results.map((r) => Number(r.reference?.split('-')[1]));
    expect(numbers).toEqual([numbers[0], (numbers[0] ?? 0) + 1, (numbers[0] ?? 0) + 2]);
    for (const [i, result] of output.results.entries()) {
      const assignment = await server.admin.assignments.get.query({ id: result.id as string });
      expect(assignment).toMatchObject({ reference: result.reference, status: 'received', version: 1 });
      expect(assignment.client.name).toBe(items[i]?.assignment.client?.name);
      const resolved = await server.admin.externalRefs.resolve.query(items[i]?.key.externalRef as never);
      expect(resolved.entityId).toBe(result.id);
    }
  });

  it('records the audit entries and events a single create records, with the DTO after the change', async () => {
    const input = freshAssignment({ payer: { name: 'Betaler AS', organizationNumber: '923609016' } });
    const single = await server.admin.assignments.create.mutate(input);
    const [result] = (await bulkUpsert([{ key: ref(), assignment: { ...input, client: { name: 'Ny Kunde' } } }]))
      .results;
    const bulkEvents = await eventsOf(result?.id as string);
    const singleEvents = await eventsOf(single.id);
    expect(bulkEvents.map((e) => e.type)).toEqual(['assignment.created']);
    expect(bulkEvents[0]?.data).toEqual(await server.admin.assignments.get.query({ id: result?.id as string }));
    expect(comparable(bulkEvents[0]?.changes ?? {})).toEqual(comparable(singleEvents[0]?.changes ?? {}));
    // The inline client is new, the organisation and the property are found again (as the single path would).
    const created = await query<{ type: string; request_id: string }>(
      server.databaseUrl,
      `select type, request_id from events where request_id = $1 order by sequence`,
      [bulkEvents[0]?.request_id],
    );
    expect(created.map((e) => e.type)).toEqual(['party.created', 'assignment.created']);
    const audit = await query<{ action: string; changes: Record<string, unknown> }>(
      server.databaseUrl,
      `select action, changes from audit_log where entity_id = $1`,
      [result?.id],
    );
    expect(audit).toEqual([{ action: 'created', changes: bulkEvents[0]?.changes }]);
  });

  it('gives each event the DTO the API answers for its entity, for bulk and single writes alike', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl, [
      { area: 'condition', validFrom: '2020-01-01', validTo: null },
    ]);
    const [result] = (
      await bulkUpsert([
        {
          key: ref(),
          assignment: freshAssignment({
            property: {
              address: { street: 'Andelsveien 2', postalCode: '0150', city: 'Oslo', unitNumber: 'H0201' },
              share: { organizationNumber: '982463718', shareNumber: `A-${sequence}` },
              buildingYear: 1937,
            },
            client: {
              name: 'Eiendomsselskap AS',
              organizationNumber: '987654325',
              address: { street: 'Kaigata 1', postalCode: '5003', city: 'Bergen' },
            },
            broker: { name: 'Megler Meglersen', phone: '+47 22 00 00 00' },
            appraiserId,
          }),
        },
      ])
    ).results;
    const assignment = await server.admin.assignments.get.query({ id: result?.id as string });
    const dataOf = async (entityId: string) => (await eventsOf(entityId)).at(-1)?.data;
    expect(await dataOf(assignment.id)).toEqual(assignment);
    expect(await dataOf(assignment.property.id)).toEqual(
      await server.admin.properties.get.query({ id: assignment.property.id }),
    );
    for (const party of [assignment.client, assignment.broker]) {
      expect(await dataOf(party?.id as string)).toEqual(
        await server.admin.parties.get.query({ id: party?.id as string }),
      );
    }
    const updated = await server.admin.parties.update.mutate({
      id: assignment.client.id,
      expectedVersion: 1,
      patch: { email: 'post@eiendom.no' },
    });
    expect(await dataOf(assignment.client.id)).toEqual(updated);
  });

  it('answers an error for each bad item and creates the rest, writing nothing for the bad ones', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl, [
      { area: 'valuation', validFrom: '2020-01-01', validTo: null },
    ]);
    const before = await count('select count(*) from properties');
    const output = await bulkUpsert([
      { key: ref(), assignment: freshAssignment() },
      { key: ref(), assignment: { ...freshAssignment(), client: { name: '' } } },
      {
        key: ref(),
        assignment: freshAssignment({ propertyId: '01936b2e-0000-7000-8000-000000000000', property: undefined }),
      },
      { key: ref(), assignment: freshAssignment({ appraiserId }) },
      { key: { reference: '2026-999999' }, assignment: freshAssignment() },
      'not an item',
      { key: ref(), assignment: freshAssignment() },
    ]);
    expect(output.results.map((r) => r.status)).toEqual([
      'created',
      'error',
      'error',
      'error',
      'error',
      'error',
      'created',
    ]);
    expect(output.counts).toEqual({ created: 2, updated: 0, unchanged: 0, error: 5 });
    const [, invalid, noProperty, uncertified, noReference, notItem] = output.results;
    expect(invalid?.error).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(invalid?.error?.issues?.[0]?.path).toEqual(['assignment', 'client', 'name']);
    expect(noProperty?.error?.errorCode).toBe('PROPERTY_NOT_FOUND');
    expect(uncertified?.error).toMatchObject({
      errorCode: 'APPRAISER_NOT_CERTIFIED',
      details: { requiredCertification: 'condition' },
    });
    expect(noReference?.error?.errorCode).toBe('ASSIGNMENT_NOT_FOUND');
    expect(notItem?.error?.errorCode).toBe('VALIDATION_FAILED');
    // Two items created a property each; the refused ones left none behind.
    expect(await count('select count(*) from properties')).toBe(before + 2);
  });

  it('answers unchanged for items that change nothing, and updates the ones that do', async () => {
    const items = [0, 1, 2].map(() => ({ key: ref(), assignment: freshAssignment() }));
    const first = await bulkUpsert(items);
    const sequenceBefore = await lastSequence();
    const again = await bulkUpsert(items);
    expect(again.results.map((r) => r.status)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.results.map((r) => r.id)).toEqual(first.results.map((r) => r.id));
    expect(await eventTypesSince(sequenceBefore)).toEqual([]);

    const changed = items.map((item, i) =>
      i === 1 ? { ...item, assignment: { ...item.assignment, notes: 'Ring first', dueDate: '2027-02-01' } } : item,
    );
    const third = await bulkUpsert(changed);
    expect(third.results.map((r) => r.status)).toEqual(['unchanged', 'updated', 'unchanged']);
    expect(third.results[1]?.reference).toBe(first.results[1]?.reference);
    const events = await eventsOf(first.results[1]?.id as string);
    expect(events.map((e) => e.type)).toEqual(['assignment.created', 'assignment.updated']);
    expect(events[1]?.changes).toEqual({
      notes: { from: 'Key in the mailbox', to: 'Ring first' },
      dueDate: { from: '2026-12-24', to: '2027-02-01' },
    });
    expect(events[1]?.data).toMatchObject({ version: 2, notes: 'Ring first' });
  });

  it('updates relations and the appraiser one by one, beside set-based updates, as a single upsert would', async () => {
    const appraiserId = await insertAppraiser(server.databaseUrl, [
      { area: 'condition', validFrom: '2020-01-01', validTo: null },
    ]);
    const items = [0, 1, 2].map(() => ({ key: ref(), assignment: freshAssignment() }));
    const created = await bulkUpsert(items);
    const changed = [
      { ...items[0], assignment: { ...items[0]?.assignment, type: 'handover_inspection' } },
      { ...items[1], assignment: { ...items[1]?.assignment, client: { name: 'Ny Eier' } } },
      { ...items[2], assignment: { ...items[2]?.assignment, appraiserId } },
    ];
    const output = await bulkUpsert(changed);
    expect(output.results.map((r) => r.status)).toEqual(['updated', 'updated', 'updated']);
    const [typed, newClient, assigned] = await Promise.all(
      created.results.map((r) => server.admin.assignments.get.query({ id: r.id as string })),
    );
    expect(typed).toMatchObject({ type: 'handover_inspection', version: 2 });
    expect(newClient?.client.name).toBe('Ny Eier');
    expect(assigned).toMatchObject({ appraiser: { id: appraiserId }, version: 2 });
    const types = async (id: string | undefined) => (await eventsOf(id as string)).map((e) => e.type);
    expect(await types(typed?.id)).toEqual(['assignment.created', 'assignment.updated']);
    expect(await types(newClient?.id)).toEqual(['assignment.created', 'assignment.updated']);
    expect(await types(assigned?.id)).toEqual(['assignment.created', 'assignment.assigned']);
    expect((await eventsOf(typed?.id as string))[1]?.changes).toEqual({
      type: { from: 'condition_report', to: 'handover_inspection' },
    });
  });

  it('updates by reference, and finds the same property and organisation for items that share them', async () => {
    const [created] = (await bulkUpsert([{ key: ref(), assignment: freshAssignment() }])).results;
    const shared = freshAssignment({ client: { name: 'Megler AS', organizationNumber: '974760673' } });
    const output = await bulkUpsert([
      { key: { reference: created?.reference }, assignment: freshAssignment({ type: 'valuation' }) },
      { key: ref(), assignment: shared },
      { key: ref(), assignment: { ...shared, notes: 'second' } },
    ]);
    expect(output.results.map((r) => r.status)).toEqual(['updated', 'created', 'created']);
    expect(output.results[0]?.id).toBe(created?.id);
    const [a, b] = await Promise.all(
      output.results.slice(1).map((r) => server.admin.assignments.get.query({ id: r.id as string })),
    );
    expect(a?.property.id).toBe(b?.property.id);
    expect(a?.client.id).toBe(b?.client.id);
    expect(await count('select count(*) from parties where organization_number = $1', ['974760673'])).toBe(1);
  });

  it('applies an item whose key an earlier item of the call already used after that item', async () => {
    const key = ref();
    const input = freshAssignment();
    const output = await bulkUpsert([
      { key, assignment: input },
      { key, assignment: input },
      { key, assignment: { ...input, notes: 'changed' } },
    ]);
    expect(output.results.map((r) => r.status)).toEqual(['created', 'unchanged', 'updated']);
    expect(new Set(output.results.map((r) => r.id)).size).toBe(1);
  });

  it('refuses an item with a NUL character in its text on its own, and creates the others', async () => {
    const output = await bulkUpsert([
      { key: ref(), assignment: freshAssignment() },
      { key: ref(), assignment: freshAssignment({ notes: 'a \u0000 in the text' }) },
      { key: ref(), assignment: freshAssignment() },
    ]);
    expect(output.results.map((r) => r.status)).toEqual(['created', 'error', 'created']);
    expect(output.results[1]?.error).toMatchObject({
      errorCode: 'VALIDATION_FAILED',
      issues: [{ path: ['assignment', 'notes'], code: 'invalid_string' }],
    });
  });

  // Rules only the database knows stand in for what validation cannot foresee: the set-based
  // write fails, and the items go again one by one.
  it.each([
    {
      refusal: 'a check constraint, as CONFLICT',
      rule: `alter table assignments add constraint test_refuses_poison check (notes is distinct from 'poison')`,
      undo: 'alter table assignments drop constraint test_refuses_poison',
      notes: 'poison',
      errorCode: 'CONFLICT',
    },
    {
      refusal: 'a value too long for its column, as VALIDATION_FAILED',
      rule: 'alter table assignments alter column notes type varchar(40)',
      undo: 'alter table assignments alter column notes type text',
      notes: 'x'.repeat(41),
      errorCode: 'VALIDATION_FAILED',
    },
  ])('isolates an item the database refuses by $refusal, and creates the others', async (refused) => {
    await query(server.databaseUrl, refused.rule);
    try {
      const output = await bulkUpsert([
        { key: ref(), assignment: freshAssignment({ notes: 'fine' }) },
        { key: ref(), assignment: freshAssignment({ notes: refused.notes }) },
        { key: ref(), assignment: freshAssignment({ notes: 'fine' }) },
      ]);
      expect(output.results.map((r) => r.status)).toEqual(['created', 'error', 'created']);
      expect(output.results[1]?.error?.errorCode).toBe(refused.errorCode);
    } finally {
      await query(server.databaseUrl, refused.undo);
    }
  });

  it('runs a retry under one idempotency key once: nothing is created twice', async () => {
    const items = [0, 1, 2, 3].map(() => ({ key: ref('retry'), assignment: freshAssignment() }));
    const key = `bulk-${randomUUID()}`;
    const before = await count('select count(*) from assignments');
    const [first, second, third] = await Promise.all([
      server.admin.assignments.bulkUpsert.mutate({ items }, withIdempotencyKey(key)),
      server.admin.assignments.bulkUpsert.mutate({ items }, withIdempotencyKey(key)),
      server.admin.assignments.bulkUpsert.mutate({ items }, withIdempotencyKey(key)),
    ]);
    expect(first.counts.created).toBe(4);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    const later = await server.admin.assignments.bulkUpsert.mutate({ items }, withIdempotencyKey(key));
    expect(later).toEqual(first);
    expect(await count('select count(*) from assignments')).toBe(before + 4);
    // Without the key, the external references still make a retry harmless.
    const unkeyed = await bulkUpsert(items);
    expect(unkeyed.counts).toEqual({ created: 0, updated: 0, unchanged: 4, error: 0 });
    const reused = await caught(() =>
      server.admin.assignments.bulkUpsert.mutate({ items: items.slice(1) }, withIdempotencyKey(key)),
    );
    expect(reused.data.errorCode).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('creates each reference once when calls race for it, bulk and single alike', async () => {
    const items = Array.from({ length: 20 }, () => ({ key: ref('race'), assignment: freshAssignment() }));
    const singles = items
      .slice(0, 5)
      .map(({ key, assignment }) =>
        server.admin.assignments.upsertByExternalRef.mutate({ ...key.externalRef, assignment }),
      );
    const [first, second, ...single] = await Promise.all([
      bulkUpsert(items),
      bulkUpsert([...items].reverse()),
      ...singles,
    ]);
    const createdBySingles = single.filter((answer) => answer.created).length;
    expect((first?.counts.created ?? 0) + (second?.counts.created ?? 0) + createdBySingles).toBe(20);
    expect([first?.counts.error, second?.counts.error]).toEqual([0, 0]);
    const externalIds = items.map((item) => item.key.externalRef.externalId);
    const [row] = await query<{ refs: string; assignments: string }>(
      server.databaseUrl,
      `select count(*) as refs, count(distinct entity_id) as assignments from external_refs
       where system = 'race' and external_id = any($1)`,
      [externalIds],
    );
    expect(row).toEqual({ refs: '20', assignments: '20' });
  });

  it('refuses more than 500 items, and needs assignments:write', async () => {
    const tooMany = await caught(() => bulkUpsert(Array.from({ length: 501 }, () => ({}))));
    expect(tooMany.data.errorCode).toBe('VALIDATION_FAILED');
    const reader = await server.clientWithScopes(['assignments:read']);
    const refused = await caught(() => reader.assignments.bulkUpsert.mutate({ items: [{}] }));
    expect(refused.data).toMatchObject({ errorCode: 'MISSING_SCOPE', requiredScope: 'assignments:write' });
  });
});

describe('assignments.bulkTransition', () => {
  const createMany = async (n: number, overrides: Partial<CreateInput> = {}) =>
    (
      await bulkUpsert(Array.from({ length: n }, () => ({ key: ref('moves'), assignment: freshAssignment(overrides) })))
    ).results.map((r) => r.id as string);

  it('moves each assignment in its own savepoint, with a result per id in the order given', async () => {
    const [a, b, c] = await createMany(3);
    await server.admin.assignments.transition.mutate({ id: b as string, to: 'cancelled', expectedVersion: 1 });
    const missing = '01936b2e-0000-7000-8000-000000000001';
    const output = await server.admin.assignments.bulkTransition.mutate({
      ids: [c as string, b as string, missing, a as string],
      to: 'confirmed',
      reason: 'Customer confirmed by phone',
    });
    expect(output.more).toBe(false);
    expect(output.results.map((r) => [r.id, r.status, r.from])).toEqual([
      [c, 'moved', 'received'],
      [b, 'error', 'cancelled'],
      [missing, 'error', undefined],
      [a, 'moved', 'received'],
    ]);
    expect(output.results[1]?.error).toMatchObject({
      errorCode: 'INVALID_TRANSITION',
      details: { from: 'cancelled', to: 'confirmed', allowed: [] },
    });
    expect(output.results[2]?.error?.errorCode).toBe('ASSIGNMENT_NOT_FOUND');
    const events = await eventsOf(a as string);
    expect(events.at(-1)).toMatchObject({
      type: 'assignment.status_changed',
      changes: { status: { from: 'received', to: 'confirmed' } },
      data: { status: 'confirmed', version: 2 },
    });
  });

  it('checks the table and the guards on a dry run, and writes nothing', async () => {
    const [a, b] = await createMany(2);
    const appraiserId = await insertAppraiser(server.databaseUrl, [
      { area: 'condition', validFrom: '2020-01-01', validTo: null },
    ]);
    await server.admin.assignments.transition.mutate({ id: a as string, to: 'confirmed', expectedVersion: 1 });
    await server.admin.assignments.transition.mutate({ id: b as string, to: 'confirmed', expectedVersion: 1 });
    await insertInspection(server.databaseUrl, a as string, appraiserId, 'booked');
    const sequenceBefore = await lastSequence();
    const output = await server.admin.assignments.bulkTransition.mutate({
      ids: [a as string, b as string],
      to: 'inspection_booked',
      reason: 'Booked',
      dryRun: true,
    });
    expect(output.results.map((r) => r.status)).toEqual(['would_move', 'error']);
    expect(output.results[1]?.error?.errorCode).toBe('TRANSITION_GUARD_FAILED');
    expect(await eventTypesSince(sequenceBefore)).toEqual([]);
    expect((await server.admin.assignments.get.query({ id: a as string })).status).toBe('confirmed');
    expect(await count('select count(*) from assignment_status_changes where assignment_id = $1', [a])).toBe(1);
  });

  it('goes through a filter 500 at a time, with a continuation', async () => {
    const type = 'energy_certificate';
    const ids = await createMany(3, { type });
    const all = await server.admin.assignments.bulkTransition.mutate({
      filter: { type: [type], status: ['received'] },
      to: 'on_hold',
      reason: 'Paused',
      dryRun: true,
    });
    expect(all.results.map((r) => r.id)).toEqual([...ids].sort());
    expect(all).toMatchObject({ more: false, continuation: null });
    const moved = await server.admin.assignments.bulkTransition.mutate({
      filter: { type: [type] },
      to: 'on_hold',
      reason: 'Paused',
    });
    expect(moved.results.map((r) => r.status)).toEqual(['moved', 'moved', 'moved']);
    const refused = await caught(() =>
      server.admin.assignments.bulkTransition.mutate({ filter: {}, to: 'closed', reason: 'x', continuation: 'nope' }),
    );
    expect(refused.data.errorCode).toBe('INVALID_CURSOR');
    const neither = await caught(() =>
      server.admin.assignments.bulkTransition.mutate({ to: 'closed', reason: 'x' } as never),
    );
    expect(neither.data.errorCode).toBe('VALIDATION_FAILED');
  });
});
