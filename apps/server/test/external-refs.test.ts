import type { RouterInputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

type AssignmentCreate = RouterInputs['assignments']['create'];

let sequence = 0;
/** A fresh external id, so tests never share a reference. */
const nextId = (prefix: string) => `${prefix}-${++sequence}`;

/** A create input with a property of its own (a cadastre no other test uses). */
function freshAssignment(overrides: Partial<AssignmentCreate> = {}): AssignmentCreate {
  return assignmentInput({
    property: {
      address: { street: 'Kirkeveien 7', postalCode: '0368', city: 'Oslo' },
      cadastre: { municipality: '0301', gnr: 500 + ++sequence, bnr: 1 },
    },
    ...overrides,
  });
}

const upsertAssignment = (externalId: string, assignment: AssignmentCreate, expectedVersion?: number) =>
  server.admin.assignments.upsertByExternalRef.mutate({ system: 'booking', externalId, assignment, expectedVersion });

interface EventRow {
  type: string;
  entity_id: string;
  data: Record<string, unknown>;
  changes: Record<string, { from: unknown; to: unknown }>;
}
const eventsOf = (entityId: string) =>
  query<EventRow>(
    server.databaseUrl,
    'select type, entity_id, data, changes from events where entity_id = $1 order by sequence',
    [entityId],
  );
const lastEventSequence = async () =>
  Number((await query<{ max: string | null }>(server.databaseUrl, 'select max(sequence) from events'))[0]?.max ?? 0);
const eventTypesSince = async (sequenceBefore: number) =>
  (
    await query<{ type: string }>(server.databaseUrl, 'select type from events where sequence > $1 order by sequence', [
      sequenceBefore,
    ])
  ).map((row) => row.type);

async function count(sql: string, params: unknown[] = []) {
  return Number((await query<{ count: string }>(server.databaseUrl, sql, params))[0]?.count);
}

const newAppraiser = async () =>
  (
    await server.admin.appraisers.create.mutate({
      name: 'Anne Takst',
      certifications: [{ area: 'condition', validFrom: '2020-01-01', validTo: null }],
    })
  ).id;

/** 09:00–11:00 UTC style slots on a day in 2027. */
const slot = (day: string, fromHour: number, toHour: number) => ({
  startsAt: `2027-${day}T${String(fromHour).padStart(2, '0')}:00:00.000Z`,
  endsAt: `2027-${day}T${String(toHour).padStart(2, '0')}:00:00.000Z`,
});

describe('assignments.upsertByExternalRef', () => {
  it('creates the assignment once, then updates that same one', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment();
    const first = await upsertAssignment(externalId, input);
    expect(first).toMatchObject({ created: true, changed: true, assignment: { status: 'received', version: 1 } });

    const second = await upsertAssignment(externalId, { ...input, dueDate: '2027-01-15', notes: 'Ring first' });
    expect(second).toMatchObject({ created: false, changed: true });
    expect(second.assignment).toMatchObject({
      id: first.assignment.id,
      reference: first.assignment.reference,
      dueDate: '2027-01-15',
      notes: 'Ring first',
      version: 2,
    });
    expect(await server.admin.assignments.get.query({ id: first.assignment.id })).toEqual(second.assignment);
  });

  it('writes nothing for an upsert that changes nothing, inline property and client included', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment();
    const first = await upsertAssignment(externalId, input);
    const parties = await count('select count(*) from parties');
    const sequenceBefore = await lastEventSequence();

    const again = await upsertAssignment(externalId, input);
    expect(again).toMatchObject({ created: false, changed: false });
    expect(again.assignment).toEqual(first.assignment);
    expect(await count('select count(*) from parties')).toBe(parties);
    expect(await eventTypesSince(sequenceBefore)).toEqual([]);
  });

  it('checks an expectedVersion when one is given', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment();
    await upsertAssignment(externalId, input);
    await upsertAssignment(externalId, { ...input, notes: 'changed' }, 1);
    const error = await caught(() => upsertAssignment(externalId, { ...input, notes: 'stale' }, 1));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
  });

  it('creates exactly one assignment when many upserts of one reference race', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment({ notes: `race ${externalId}` });
    const results = await Promise.all(Array.from({ length: 6 }, () => upsertAssignment(externalId, input)));
    expect(new Set(results.map((r) => r.assignment.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect(await count('select count(*) from assignments where notes = $1', [`race ${externalId}`])).toBe(1);
    expect(await count('select count(*) from external_refs where external_id = $1', [externalId])).toBe(1);
  });

  it('writes the same audit entries and events as create and update do', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment();
    const sequenceBefore = await lastEventSequence();
    const created = await upsertAssignment(externalId, input);
    expect(await eventTypesSince(sequenceBefore)).toEqual(['property.created', 'party.created', 'assignment.created']);

    const updated = await upsertAssignment(externalId, { ...input, dueDate: '2027-02-01' });
    const events = await eventsOf(created.assignment.id);
    expect(events.map((e) => e.type)).toEqual(['assignment.created', 'assignment.updated']);
    expect(events[0]?.data).toEqual(created.assignment);
    expect(events[1]?.data).toEqual(updated.assignment);
    expect(events[1]?.changes).toEqual({ dueDate: { from: input.dueDate, to: '2027-02-01' } });

    const audit = await query<{ action: string }>(
      server.databaseUrl,
      'select action from audit_log where entity_id = $1 order by occurred_at, id',
      [created.assignment.id],
    );
    expect(audit.map((row) => row.action)).toEqual(['created', 'updated']);
  });

  it('gives the assignment another appraiser as assignments.assign would', async () => {
    const externalId = nextId('BK');
    const input = freshAssignment();
    const first = await upsertAssignment(externalId, input);
    const appraiserId = await newAppraiser();
    const assigned = await upsertAssignment(externalId, { ...input, appraiserId });
    expect(assigned).toMatchObject({ changed: true, assignment: { appraiser: { id: appraiserId } } });
    const types = (await eventsOf(first.assignment.id)).map((e) => e.type);
    expect(types).toEqual(['assignment.created', 'assignment.assigned']);
  });
});

describe('parties.upsertByExternalRef', () => {
  const upsertParty = (externalId: string, party: RouterInputs['parties']['create'], expectedVersion?: number) =>
    server.admin.parties.upsertByExternalRef.mutate({ system: 'support', externalId, party, expectedVersion });

  it('creates, updates field by field, and leaves an unchanged party at its version', async () => {
    const externalId = nextId('ZD');
    const created = await upsertParty(externalId, { name: 'Kari Nordmann', email: 'kari@example.no' });
    expect(created).toMatchObject({ created: true, changed: true, party: { version: 1, kind: 'person' } });

    const unchanged = await upsertParty(externalId, { name: 'Kari Nordmann' });
    expect(unchanged).toMatchObject({
      created: false,
      changed: false,
      party: { version: 1, email: 'kari@example.no' },
    });

    const updated = await upsertParty(externalId, { name: 'Kari Nordmann', phone: '+47 900 00 000' });
    expect(updated).toMatchObject({ created: false, changed: true });
    expect(updated.party).toMatchObject({
      id: created.party.id,
      email: 'kari@example.no',
      phone: '+47 900 00 000',
      version: 2,
    });
    expect((await eventsOf(created.party.id)).map((e) => e.type)).toEqual(['party.created', 'party.updated']);
  });

  it('checks an expectedVersion when one is given', async () => {
    const externalId = nextId('ZD');
    await upsertParty(externalId, { name: 'Ola' });
    const error = await caught(() => upsertParty(externalId, { name: 'Ola Nordmann' }, 3));
    expect(error.data).toMatchObject({ errorCode: 'VERSION_CONFLICT', currentVersion: 1 });
  });

  it('creates exactly one party when many upserts of one reference race', async () => {
    const externalId = nextId('ZD');
    const results = await Promise.all(Array.from({ length: 6 }, () => upsertParty(externalId, { name: externalId })));
    expect(new Set(results.map((r) => r.party.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await count('select count(*) from parties where name = $1', [externalId])).toBe(1);
  });
});

describe('references are unique per system and entity type', () => {
  it('makes two entities of one id in two systems', async () => {
    const externalId = nextId('X');
    const a = await server.admin.parties.upsertByExternalRef.mutate({
      system: 'crm',
      externalId,
      party: { name: 'A' },
    });
    const b = await server.admin.parties.upsertByExternalRef.mutate({
      system: 'support',
      externalId,
      party: { name: 'B' },
    });
    expect(a.party.id).not.toBe(b.party.id);
    expect(b.created).toBe(true);
  });

  it('lets one system use one id for a party and an assignment, and asks which is meant', async () => {
    const externalId = nextId('SAME');
    const party = await server.admin.parties.upsertByExternalRef.mutate({
      system: 'booking',
      externalId,
      party: { name: 'Per' },
    });
    const assignment = await upsertAssignment(externalId, freshAssignment());
    expect(assignment.created).toBe(true);

    const error = await caught(() => server.admin.externalRefs.resolve.query({ system: 'booking', externalId }));
    expect(error.data).toMatchObject({
      code: 'BAD_REQUEST',
      errorCode: 'EXTERNAL_REF_AMBIGUOUS',
      entityTypes: ['assignment', 'party'],
    });
    expect(error.message).toContain('entityType');

    const asParty = await server.admin.externalRefs.resolve.query({
      system: 'booking',
      externalId,
      entityType: 'party',
    });
    expect(asParty).toEqual({ entityType: 'party', entityId: party.party.id, entity: party.party });
    const asAssignment = await server.admin.externalRefs.resolve.query({
      system: 'booking',
      externalId,
      entityType: 'assignment',
    });
    expect(asAssignment).toEqual({
      entityType: 'assignment',
      entityId: assignment.assignment.id,
      entity: assignment.assignment,
    });
  });

  it('refuses a system name outside [a-z0-9_.-]', async () => {
    const error = await caught(() =>
      server.admin.externalRefs.resolve.query({ system: 'Booking Tool', externalId: 'BK-1' }),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
  });
});

describe('externalRefs.resolve, link and list', () => {
  it('answers EXTERNAL_REF_NOT_FOUND for an unknown reference', async () => {
    const error = await caught(() =>
      server.admin.externalRefs.resolve.query({ system: 'booking', externalId: 'nobody', entityType: 'assignment' }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'EXTERNAL_REF_NOT_FOUND' });
  });

  it('links a property once, resolves it, lists it, and refuses the reference for another property', async () => {
    const first = await server.admin.properties.upsert.mutate({
      address: { street: 'Bygdøy allé 2', postalCode: '0257', city: 'Oslo' },
    });
    const second = await server.admin.properties.upsert.mutate({
      address: { street: 'Bygdøy allé 4', postalCode: '0257', city: 'Oslo' },
    });
    const ref = { system: 'matrikkel.import', externalId: nextId('P') };
    const link = (entityId: string) =>
      server.admin.externalRefs.link.mutate({ entityType: 'property', entityId, ...ref });

    expect(await link(first.property.id)).toMatchObject({ created: true, ref: { entityId: first.property.id } });
    expect(await link(first.property.id)).toMatchObject({ created: false });
    const conflict = await caught(() => link(second.property.id));
    expect(conflict.data).toMatchObject({ code: 'CONFLICT', errorCode: 'EXTERNAL_REF_CONFLICT' });

    const resolved = await server.admin.externalRefs.resolve.query(ref);
    expect(resolved).toEqual({ entityType: 'property', entityId: first.property.id, entity: first.property });
    const listed = await server.admin.externalRefs.list.query({ entityType: 'property', entityId: first.property.id });
    expect(listed.items).toEqual([expect.objectContaining({ ...ref, entityType: 'property' })]);
    expect((await eventsOf(first.property.id)).map((e) => e.type)).toEqual([
      'property.created',
      'property.external_ref_added',
    ]);
  });

  it('refuses to link a reference to an entity that does not exist', async () => {
    const error = await caught(() =>
      server.admin.externalRefs.link.mutate({
        entityType: 'party',
        entityId: '01900000-0000-7000-8000-000000000000',
        system: 'crm',
        externalId: nextId('C'),
      }),
    );
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'PARTY_NOT_FOUND' });
  });

  it('needs the read scope of the entity a reference resolves to', async () => {
    const externalId = nextId('SC');
    await server.admin.parties.upsertByExternalRef.mutate({ system: 'crm', externalId, party: { name: 'Siri' } });
    const assignmentsReader = await server.clientWithScopes(['assignments:read']);
    const error = await caught(() => assignmentsReader.externalRefs.resolve.query({ system: 'crm', externalId }));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', errorCode: 'MISSING_SCOPE', requiredScope: 'parties:read' });

    const both = await server.clientWithScopes(['assignments:read', 'parties:read']);
    expect(await both.externalRefs.resolve.query({ system: 'crm', externalId })).toMatchObject({ entityType: 'party' });

    const partiesOnly = await server.clientWithScopes(['parties:read', 'parties:write']);
    const refused = await caught(() => partiesOnly.externalRefs.resolve.query({ system: 'crm', externalId }));
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:read' });
  });

  it('needs the write scope of the entity an upsert writes', async () => {
    const reader = await server.clientWithScopes(['assignments:read', 'parties:read']);
    const upsert = caught(() =>
      reader.assignments.upsertByExternalRef.mutate({
        system: 'booking',
        externalId: 'x',
        assignment: freshAssignment(),
      }),
    );
    expect((await upsert).data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'assignments:write' });
    const partyWriter = await server.clientWithScopes(['parties:write']);
    const created = await partyWriter.parties.upsertByExternalRef.mutate({
      system: 'crm',
      externalId: nextId('W'),
      party: { name: 'Writer' },
    });
    expect(created.created).toBe(true);
  });
});

describe('inspections.upsertByExternalRef', () => {
  const upsertInspection = (
    externalId: string,
    inspection: RouterInputs['inspections']['upsertByExternalRef']['inspection'],
  ) => server.admin.inspections.upsertByExternalRef.mutate({ system: 'booking', externalId, inspection });

  it('lets a booking tool use one booking id for the assignment and its inspection', async () => {
    const bookingId = nextId('BK');
    const assignment = await upsertAssignment(bookingId, freshAssignment());
    const inspection = await upsertInspection(bookingId, {
      assignmentRef: { system: 'booking', externalId: bookingId },
      appraiserId: await newAppraiser(),
      ...slot('05-20', 9, 11),
    });
    expect(inspection.created).toBe(true);

    const ambiguous = await caught(() =>
      server.admin.externalRefs.resolve.query({ system: 'booking', externalId: bookingId }),
    );
    expect(ambiguous.data).toMatchObject({
      errorCode: 'EXTERNAL_REF_AMBIGUOUS',
      entityTypes: ['assignment', 'inspection'],
    });
    const asInspection = await server.admin.externalRefs.resolve.query({
      system: 'booking',
      externalId: bookingId,
      entityType: 'inspection',
    });
    expect(asInspection).toMatchObject({ entityType: 'inspection', entityId: inspection.inspection.id });
    const asAssignment = await server.admin.externalRefs.resolve.query({
      system: 'booking',
      externalId: bookingId,
      entityType: 'assignment',
    });
    expect(asAssignment).toMatchObject({ entityType: 'assignment', entityId: assignment.assignment.id });
  });

  it('books, then leaves the same time alone, then reschedules keeping the earlier time', async () => {
    const assignmentRef = { system: 'booking', externalId: nextId('A') };
    const assignment = await upsertAssignment(assignmentRef.externalId, freshAssignment());
    const appraiserId = await newAppraiser();
    const externalId = nextId('I');

    const booked = await upsertInspection(externalId, { assignmentRef, appraiserId, ...slot('05-03', 9, 11) });
    expect(booked).toMatchObject({ created: true, changed: true });
    expect(booked.inspection).toMatchObject({
      assignmentId: assignment.assignment.id,
      status: 'booked',
      sourceSystem: 'booking',
      externalId,
      version: 1,
    });
    expect((await server.admin.assignments.get.query({ id: assignment.assignment.id })).status).toBe(
      'inspection_booked',
    );

    const same = await upsertInspection(externalId, { assignmentRef, appraiserId, ...slot('05-03', 9, 11) });
    expect(same).toMatchObject({ created: false, changed: false, inspection: booked.inspection });

    const moved = await upsertInspection(externalId, {
      assignmentId: assignment.assignment.id,
      appraiserId,
      ...slot('05-04', 12, 13),
    });
    expect(moved).toMatchObject({ created: false, changed: true });
    expect(moved.inspection).toMatchObject({
      id: booked.inspection.id,
      status: 'rescheduled',
      ...slot('05-04', 12, 13),
      previousTimes: [expect.objectContaining(slot('05-03', 9, 11))],
      version: 2,
    });
    expect((await eventsOf(booked.inspection.id)).map((e) => e.type)).toEqual([
      'inspection.booked',
      'inspection.rescheduled',
    ]);
    const resolved = await server.admin.externalRefs.resolve.query({ system: 'booking', externalId });
    expect(resolved).toEqual({ entityType: 'inspection', entityId: booked.inspection.id, entity: moved.inspection });
  });

  it('refuses a time that overlaps another open inspection, and registers nothing', async () => {
    const appraiserId = await newAppraiser();
    const first = await upsertAssignment(nextId('A'), freshAssignment());
    const second = await upsertAssignment(nextId('A'), freshAssignment());
    await upsertInspection(nextId('I'), { assignmentId: first.assignment.id, appraiserId, ...slot('06-01', 9, 11) });
    const externalId = nextId('I');
    const error = await caught(() =>
      upsertInspection(externalId, { assignmentId: second.assignment.id, appraiserId, ...slot('06-01', 10, 12) }),
    );
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'APPRAISER_UNAVAILABLE' });
    expect(await count('select count(*) from external_refs where external_id = $1', [externalId])).toBe(0);
    expect(await count('select count(*) from inspections where assignment_id = $1', [second.assignment.id])).toBe(0);
  });

  it('refuses an unknown assignment reference and another appraiser for a booked inspection', async () => {
    const appraiserId = await newAppraiser();
    const unknown = await caught(() =>
      upsertInspection(nextId('I'), {
        assignmentRef: { system: 'booking', externalId: 'no-such-assignment' },
        appraiserId,
        ...slot('07-01', 9, 10),
      }),
    );
    expect(unknown.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'EXTERNAL_REF_NOT_FOUND' });

    const assignment = await upsertAssignment(nextId('A'), freshAssignment());
    const externalId = nextId('I');
    await upsertInspection(externalId, {
      assignmentId: assignment.assignment.id,
      appraiserId,
      ...slot('07-02', 9, 10),
    });
    const other = await caught(async () =>
      upsertInspection(externalId, {
        assignmentId: assignment.assignment.id,
        appraiserId: await newAppraiser(),
        ...slot('07-02', 9, 10),
      }),
    );
    expect(other.data).toMatchObject({ code: 'CONFLICT', errorCode: 'EXTERNAL_REF_CONFLICT' });
  });

  it('creates exactly one inspection when upserts of one reference race', async () => {
    const appraiserId = await newAppraiser();
    const assignment = await upsertAssignment(nextId('A'), freshAssignment());
    const externalId = nextId('I');
    const target = { assignmentId: assignment.assignment.id, appraiserId, ...slot('08-01', 9, 10) };
    const results = await Promise.all(Array.from({ length: 4 }, () => upsertInspection(externalId, target)));
    expect(new Set(results.map((r) => r.inspection.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await count('select count(*) from inspections where assignment_id = $1', [assignment.assignment.id])).toBe(
      1,
    );
  });
});
