import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function countAssignments() {
  const rows = await query<{ count: string }>(server.databaseUrl, 'select count(*) from assignments');
  return Number(rows[0]?.count);
}

describe('assignments.create', () => {
  it('creates a received assignment at version 1 with a UUIDv7 id and a yearly reference', async () => {
    const input = assignmentInput();
    const created = await server.admin.assignments.create.mutate(input);
    expect(created.id).toMatch(UUID_V7);
    expect(created.reference).toMatch(new RegExp(`^${new Date().getUTCFullYear()}-\\d{6}$`));
    expect(created).toMatchObject({
      type: 'condition_report',
      status: 'received',
      version: 1,
      property: {
        address: { ...input.property?.address, unitNumber: null },
        cadastre: { municipality: '0301', gnr: 208, bnr: 84, fnr: 0, snr: 0, id: '0301-208-84-0-0' },
      },
      client: { name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567', organizationNumber: null },
      dueDate: '2026-12-24',
      notes: 'Key in the mailbox',
    });
    expect(new Date(created.createdAt).toISOString()).toBe(created.createdAt);
    expect(created.updatedAt).toBe(created.createdAt);
  });

  it('needs only type, address and client name; the rest comes back as null', async () => {
    const created = await server.admin.assignments.create.mutate({
      type: 'valuation',
      property: { address: { street: 'Kongens gate 1', postalCode: '7011', city: 'Trondheim' } },
      client: { name: 'Ola Nordmann' },
    });
    expect(created.property.cadastre).toBeNull();
    expect(created.client).toEqual({
      id: expect.any(String),
      kind: 'person',
      name: 'Ola Nordmann',
      email: null,
      phone: null,
      organizationNumber: null,
    });
    expect(created.payer).toEqual(created.client);
    expect(created.broker).toBeNull();
    expect(created.appraiser).toBeNull();
    expect(created.dueDate).toBeNull();
    expect(created.notes).toBeNull();
  });

  it('gives every assignment its own consecutive reference, also when created concurrently', async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, () => server.admin.assignments.create.mutate(assignmentInput())),
    );
    const numbers = created.map((a) => Number(a.reference.split('-')[1])).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(12);
    expect((numbers.at(-1) ?? 0) - (numbers[0] ?? 0)).toBe(11);
  });

  it('accepts a valid organisation number and an explicit fnr/snr', async () => {
    const created = await server.admin.assignments.create.mutate(
      assignmentInput({
        property: {
          address: { street: 'Bryggen 5', postalCode: '5003', city: 'Bergen' },
          cadastre: { municipality: '4601', gnr: 167, bnr: 300, fnr: 2, snr: 14 },
        },
        client: { name: 'Eiendom AS', organizationNumber: '923609016' },
      }),
    );
    expect(created.property.cadastre?.id).toBe('4601-167-300-2-14');
    expect(created.client.organizationNumber).toBe('923609016');
  });
});

describe('validation', () => {
  const cases: [string, Record<string, unknown>, (string | number)[]][] = [
    [
      'a postal code that is not 4 digits',
      { property: { address: { street: 'A 1', postalCode: '155', city: 'Oslo' } } },
      ['property', 'address', 'postalCode'],
    ],
    [
      'a municipality that is not 4 digits',
      {
        property: {
          address: { street: 'A 1', postalCode: '0155', city: 'Oslo' },
          cadastre: { municipality: '301', gnr: 1, bnr: 1 },
        },
      },
      ['property', 'cadastre', 'municipality'],
    ],
    [
      'an organisation number failing mod-11',
      { client: { name: 'X AS', organizationNumber: '923609017' } },
      ['client', 'organizationNumber'],
    ],
    [
      'an organisation number of 8 digits',
      { client: { name: 'X AS', organizationNumber: '92360901' } },
      ['client', 'organizationNumber'],
    ],
    ['a malformed email', { client: { name: 'X', email: 'not-an-email' } }, ['client', 'email']],
    ['an empty client name', { client: { name: '   ' } }, ['client', 'name']],
    [
      'a street longer than 200 characters',
      { property: { address: { street: 'x'.repeat(201), postalCode: '0155', city: 'Oslo' } } },
      ['property', 'address', 'street'],
    ],
    ['an unknown assignment type', { type: 'appraisal' }, ['type']],
    ['an impossible due date', { dueDate: '2026-02-30' }, ['dueDate']],
    ['notes over 10,000 characters', { notes: 'x'.repeat(10_001) }, ['notes']],
  ];

  it.each(cases)('refuses %s with BAD_REQUEST, the zod issues, and writes nothing', async (_name, override, path) => {
    const before = await countAssignments();
    const error = await caught(() =>
      server.admin.assignments.create.mutate({ ...assignmentInput(), ...override } as never),
    );
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400, errorCode: 'VALIDATION_FAILED' });
    expect(error.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    expect(typeof error.data.requestId).toBe('string');
    expect(await countAssignments()).toBe(before);
  });

  it('reports every problem at once', async () => {
    const error = await caught(() =>
      server.admin.assignments.create.mutate({
        type: 'nope',
        property: { address: { street: '', postalCode: 'abcd', city: '' } },
        client: { name: '' },
      } as never),
    );
    expect((error.data.issues as unknown[]).length).toBeGreaterThanOrEqual(5);
  });
});

describe('assignments.get and getByReference', () => {
  it('returns what create returned', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    expect(await server.admin.assignments.get.query({ id: created.id })).toEqual(created);
    expect(await server.admin.assignments.getByReference.query({ reference: created.reference })).toEqual(created);
  });

  it('answers NOT_FOUND with ASSIGNMENT_NOT_FOUND for an unknown id or reference', async () => {
    const byId = await caught(() => server.admin.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' }));
    expect(byId.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, errorCode: 'ASSIGNMENT_NOT_FOUND' });
    const byReference = await caught(() => server.admin.assignments.getByReference.query({ reference: '1999-000001' }));
    expect(byReference.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });

  it('refuses an id that is not a UUIDv7', async () => {
    const error = await caught(() => server.admin.assignments.get.query({ id: 'abc' }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
  });
});

describe('assignments.update', () => {
  it('changes the patched fields, bumps the version and updatedAt, keeps the rest', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const updated = await server.admin.assignments.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { notes: 'Call before arriving', dueDate: '2027-01-15' },
    });
    expect(updated).toMatchObject({ version: 2, notes: 'Call before arriving', dueDate: '2027-01-15' });
    expect(updated.property).toEqual(created.property);
    expect(updated.client).toEqual(created.client);
    expect(updated.updatedAt >= created.updatedAt).toBe(true);
    expect(await server.admin.assignments.get.query({ id: created.id })).toEqual(updated);
  });

  it('clears optional fields with null and replaces nested objects whole', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const updated = await server.admin.assignments.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { dueDate: null, notes: null, client: { name: 'Per Hansen' }, type: 'valuation' },
    });
    expect(updated).toMatchObject({ dueDate: null, notes: null, type: 'valuation', version: 2 });
    expect(updated.client).toMatchObject({ kind: 'person', name: 'Per Hansen', email: null, phone: null });
    expect(updated.client.id).not.toBe(created.client.id);
    // The payer stays who it was: it defaulted to the client at creation, it does not follow it.
    expect(updated.payer).toEqual(created.payer);
  });

  it('refuses a stale expectedVersion with CONFLICT / VERSION_CONFLICT and changes nothing', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    await server.admin.assignments.update.mutate({ id: created.id, expectedVersion: 1, patch: { notes: 'first' } });
    const error = await caught(() =>
      server.admin.assignments.update.mutate({ id: created.id, expectedVersion: 1, patch: { notes: 'second' } }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      httpStatus: 409,
      errorCode: 'VERSION_CONFLICT',
      currentVersion: 2,
    });
    const current = await server.admin.assignments.get.query({ id: created.id });
    expect(current).toMatchObject({ version: 2, notes: 'first' });
  });

  it('lets exactly one of two concurrent updates at the same version win', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((notes) =>
        server.admin.assignments.update.mutate({ id: created.id, expectedVersion: 1, patch: { notes } }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect((lost.reason as { data: { errorCode: string } }).data.errorCode).toBe('VERSION_CONFLICT');
    }
    expect((await server.admin.assignments.get.query({ id: created.id })).version).toBe(2);
  });

  it('does not bump the version when the patch changes nothing', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const same = await server.admin.assignments.update.mutate({
      id: created.id,
      expectedVersion: 1,
      patch: { notes: created.notes },
    });
    expect(same).toEqual(created);
  });

  it('refuses an empty patch and an unknown id', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const empty = await caught(() =>
      server.admin.assignments.update.mutate({ id: created.id, expectedVersion: 1, patch: {} }),
    );
    expect(empty.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    const missing = await caught(() =>
      server.admin.assignments.update.mutate({
        id: '01900000-0000-7000-8000-000000000000',
        expectedVersion: 1,
        patch: { notes: 'x' },
      }),
    );
    expect(missing.data).toMatchObject({ errorCode: 'ASSIGNMENT_NOT_FOUND' });
  });

  it('refuses an invalid patch without writing', async () => {
    const created = await server.admin.assignments.create.mutate(assignmentInput());
    const error = await caught(() =>
      server.admin.assignments.update.mutate({
        id: created.id,
        expectedVersion: 1,
        patch: { property: { address: { street: 'A 1', postalCode: '12', city: 'Oslo' } } },
      }),
    );
    expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    expect(await server.admin.assignments.get.query({ id: created.id })).toEqual(created);
  });
});
