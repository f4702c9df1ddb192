import type { RouterInputs, RouterOutputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

type CreateInput = RouterInputs['parties']['create'];
type Party = RouterOutputs['parties']['get'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2];
let nextPrefix = 91_000_000;
/** A fresh organisation number that passes the mod-11 check. */
function organizationNumber(): string {
  for (;;) {
    const prefix = String(nextPrefix++);
    const sum = [...prefix].reduce((acc, digit, i) => acc + Number(digit) * (WEIGHTS[i] ?? 0), 0);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) return `${prefix}${check}`;
  }
}
/** The same number with a wrong check digit. */
const withWrongCheckDigit = (number: string) => `${number.slice(0, 8)}${(Number(number[8]) + 1) % 10}`;

const create = (input: CreateInput) => server.admin.parties.create.mutate(input);
const person = (overrides: Partial<CreateInput> = {}) =>
  create({ name: 'Kari Nordmann', email: 'kari@example.no', phone: '+47 912 34 567', ...overrides });
const organization = (overrides: Partial<CreateInput> = {}) =>
  create({ name: 'Nordmann Eiendom AS', organizationNumber: organizationNumber(), ...overrides });

async function count(sql: string, params: unknown[] = []) {
  const rows = await query<{ count: string }>(server.databaseUrl, sql, params);
  return Number(rows[0]?.count);
}
const writes = async () => ({
  parties: await count('select count(*) from parties'),
  audit: await count('select count(*) from audit_log'),
  versions: await count('select coalesce(sum(version), 0) from parties'),
});

interface AuditRow {
  entity_type: string;
  action: string;
  actor_name: string;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }>;
}
const auditOf = (id: string) =>
  query<AuditRow>(
    server.databaseUrl,
    'select entity_type, action, actor_name, request_id, changes from audit_log where entity_id = $1 order by occurred_at, id',
    [id],
  );

describe('parties.create', () => {
  it('creates a person by default, with null for what was not given', async () => {
    const party = await create({ name: 'Ola Nordmann' });
    expect(party).toMatchObject({
      kind: 'person',
      name: 'Ola Nordmann',
      email: null,
      phone: null,
      organizationNumber: null,
      address: null,
      version: 1,
    });
    expect(party.updatedAt).toBe(party.createdAt);
  });

  it('makes a party with an organisation number an organisation, and keeps its address', async () => {
    const number = organizationNumber();
    const address = { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' };
    const party = await create({ name: 'Takst AS', organizationNumber: number, address });
    expect(party).toMatchObject({ kind: 'organization', organizationNumber: number, address });
  });

  it('records the creation in the audit log', async () => {
    const party = await person();
    const [entry, ...rest] = await auditOf(party.id);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      entity_type: 'party',
      action: 'created',
      changes: {
        name: { from: null, to: 'Kari Nordmann' },
        kind: { from: null, to: 'person' },
        email: { from: null, to: 'kari@example.no' },
      },
    });
    expect(entry?.request_id).toBeTruthy();
    expect(entry?.actor_name).toBeTruthy();
  });

  it('refuses a second party with the same organisation number, and writes nothing', async () => {
    const first = await organization();
    const before = await writes();
    const error = await caught(() =>
      organization({ name: 'Copycat AS', organizationNumber: first.organizationNumber ?? '' }),
    );
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      errorCode: 'DUPLICATE_ORGANIZATION_NUMBER',
      existingPartyId: first.id,
    });
    expect(await writes()).toEqual(before);
  });

  it('lets exactly one of many concurrent creates with one organisation number win', async () => {
    const number = organizationNumber();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => organization({ name: `Racer ${i} AS`, organizationNumber: number })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result.reason as { data: unknown }).data).toMatchObject({ errorCode: 'DUPLICATE_ORGANIZATION_NUMBER' });
    }
    expect(await count('select count(*) from parties where organization_number = $1', [number])).toBe(1);
  });

  it('refuses invalid input with its issues, and writes nothing', async () => {
    const before = await writes();
    const invalid: [CreateInput, string][] = [
      [{ name: 'Feil AS', organizationNumber: withWrongCheckDigit(organizationNumber()) }, 'organizationNumber'],
      [{ name: 'Feil AS', organizationNumber: '12345678' }, 'organizationNumber'],
      [{ name: 'Kari Nordmann', kind: 'person', organizationNumber: organizationNumber() }, 'organizationNumber'],
      [{ name: 'Kari Nordmann 01019012480' }, 'name'],
      [{ name: 'Kari Nordmann 010190 12480' }, 'name'],
      [{ name: ' ' }, 'name'],
      [{ name: 'Kari', email: 'not-an-email' }, 'email'],
      [{ name: 'Kari', phone: 'call me' }, 'phone'],
      [{ name: 'Kari', address: { street: 'Storgata 1', postalCode: '155', city: 'Oslo' } }, 'address.postalCode'],
    ];
    for (const [input, path] of invalid) {
      const error = await caught(() => create(input));
      expect(error.data, path).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
      const paths = (error.data.issues as { path: string[] }[]).map((issue) => issue.path.join('.'));
      expect(paths, path).toContain(path);
    }
    expect(await writes()).toEqual(before);
  });

  it('accepts digits that are not a national identity number', async () => {
    const party = await create({ name: 'Borettslaget Blokk 12 123456789012' });
    expect(party.name).toBe('Borettslaget Blokk 12 123456789012');
    // Eleven digits that fail the date or check-digit rules: an account number, a typo.
    const account = await create({ name: 'Konto 12345678901 / 01019012345' });
    expect(account.name).toBe('Konto 12345678901 / 01019012345');
  });
});

describe('parties.get', () => {
  it('returns a party as create did', async () => {
    const party = await organization({ address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' } });
    expect(await server.admin.parties.get.query({ id: party.id })).toEqual(party);
  });

  it('answers PARTY_NOT_FOUND for an unknown id', async () => {
    const error = await caught(() => server.admin.parties.get.query({ id: UNKNOWN_ID }));
    expect(error.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'PARTY_NOT_FOUND' });
  });
});

describe('parties.update', () => {
  const update = (party: Party, patch: RouterInputs['parties']['update']['patch'], expectedVersion = party.version) =>
    server.admin.parties.update.mutate({ id: party.id, expectedVersion, patch });

  it('changes the fields the patch gives, bumps the version and records the diff', async () => {
    const party = await person();
    const address = { street: 'Kongens gate 1', postalCode: '7011', city: 'Trondheim' };
    const updated = await update(party, { name: 'Kari Nordmann-Hansen', phone: null, address });
    expect(updated).toMatchObject({
      ...party,
      name: 'Kari Nordmann-Hansen',
      phone: null,
      address,
      version: 2,
      updatedAt: expect.any(String),
    });
    expect(updated.updatedAt > party.updatedAt).toBe(true);
    expect(await server.admin.parties.get.query({ id: party.id })).toEqual(updated);

    const entries = await auditOf(party.id);
    expect(entries.map((e) => e.action)).toEqual(['created', 'updated']);
    expect(entries[1]?.changes).toEqual({
      name: { from: 'Kari Nordmann', to: 'Kari Nordmann-Hansen' },
      phone: { from: '+47 912 34 567', to: null },
      street: { from: null, to: 'Kongens gate 1' },
      postalCode: { from: null, to: '7011' },
      city: { from: null, to: 'Trondheim' },
    });
  });

  it('clears the address with null', async () => {
    const party = await person({ address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' } });
    const updated = await update(party, { address: null });
    expect(updated.address).toBeNull();
    expect(updated.version).toBe(2);
  });

  it('writes nothing for a patch that changes nothing, and keeps the version', async () => {
    const party = await person();
    const before = await writes();
    const same = await update(party, { name: party.name, email: party.email, phone: party.phone, address: null });
    expect(same).toEqual(party);
    expect(await writes()).toEqual(before);
  });

  it('refuses a stale version with VERSION_CONFLICT and the current version, and writes nothing', async () => {
    const party = await person();
    const updated = await update(party, { name: 'Kari A' });
    const before = await writes();
    const error = await caught(() => update(party, { name: 'Kari B' }));
    expect(error.data).toMatchObject({ code: 'CONFLICT', errorCode: 'VERSION_CONFLICT', currentVersion: 2 });
    expect(await writes()).toEqual(before);
    expect(await server.admin.parties.get.query({ id: party.id })).toEqual(updated);
  });

  it('lets one of several concurrent updates at one version win', async () => {
    const party = await person();
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => update(party, { name: `Kari ${i}` })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result.reason as { data: unknown }).data).toMatchObject({
        errorCode: 'VERSION_CONFLICT',
        currentVersion: 2,
      });
    }
    expect((await server.admin.parties.get.query({ id: party.id })).version).toBe(2);
    expect(await auditOf(party.id)).toHaveLength(2);
  });

  it('turns a person into an organisation when both kind and number are given', async () => {
    const party = await person();
    const number = organizationNumber();
    const updated = await update(party, { kind: 'organization', organizationNumber: number });
    expect(updated).toMatchObject({ kind: 'organization', organizationNumber: number, version: 2 });
  });

  it('refuses an organisation number for a person, and a person kind for a numbered organisation', async () => {
    const kari = await person();
    const company = await organization();
    const before = await writes();
    for (const [party, patch] of [
      [kari, { organizationNumber: organizationNumber() }],
      [company, { kind: 'person' }],
    ] as const) {
      const error = await caught(() => update(party, patch));
      expect(error.data).toMatchObject({
        code: 'BAD_REQUEST',
        errorCode: 'VALIDATION_FAILED',
        issues: [{ path: ['patch', 'organizationNumber'] }],
      });
    }
    expect(await writes()).toEqual(before);
    const person2 = await update(company, { kind: 'person', organizationNumber: null });
    expect(person2).toMatchObject({ kind: 'person', organizationNumber: null });
  });

  it('refuses an organisation number another party has, and writes nothing', async () => {
    const first = await organization();
    const second = await organization();
    const before = await writes();
    const error = await caught(() => update(second, { organizationNumber: first.organizationNumber }));
    expect(error.data).toMatchObject({
      code: 'CONFLICT',
      errorCode: 'DUPLICATE_ORGANIZATION_NUMBER',
      existingPartyId: first.id,
    });
    expect(await writes()).toEqual(before);
  });

  it('refuses bad patches: empty, a national identity number, an unknown id', async () => {
    const party = await person();
    const empty = await caught(() => update(party, {}));
    expect(empty.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    const nationalId = await caught(() => update(party, { name: 'Kari 01019012480' }));
    expect(nationalId.data).toMatchObject({ errorCode: 'VALIDATION_FAILED', issues: [{ path: ['patch', 'name'] }] });
    const missing = await caught(() =>
      server.admin.parties.update.mutate({ id: UNKNOWN_ID, expectedVersion: 1, patch: { name: 'X' } }),
    );
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'PARTY_NOT_FOUND' });
  });
});

describe('parties.list and parties.search', () => {
  // Parties other tests make are named Kari, Ola, Racer, Nordmann…; these are Fjellheim.
  const seeded: Party[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 11; i++) {
      const input = i % 3 === 0 ? { name: `Fjellheim Hansen ${i}` } : { name: `Fjellheim Eiendom ${i} AS` };
      // Sequential, so createdAt differs (or ties, which the id breaks) in a known order.
      seeded.push(await (i % 3 === 0 ? person(input) : organization(input)));
    }
  });

  const newestFirst = (items: Party[]) =>
    [...items].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );
  const ids = (items: Party[]) => items.map((p) => p.id);

  async function collect(
    fetchPage: (cursor: string | undefined) => Promise<{ items: Party[]; nextCursor: string | null }>,
  ) {
    const { items, pages } = await allPages(fetchPage);
    return { seen: items, pages };
  }

  it('lists every party newest first across pages, with no duplicate and no gap', async () => {
    const total = await count('select count(*) from parties');
    const all = await server.admin.parties.list.query({ limit: 200 });
    expect(all.items).toHaveLength(total);
    const { seen, pages } = await collect((cursor) => server.admin.parties.list.query({ limit: 4, cursor }));
    expect(ids(seen)).toEqual(ids(newestFirst(all.items)));
    expect(pages).toBe(Math.ceil(total / 4));
    expect(ids(seen.filter((p) => p.name.startsWith('Fjellheim')))).toEqual(ids(newestFirst(seeded)));
  });

  it('lists one kind', async () => {
    const { seen } = await collect((cursor) => server.admin.parties.list.query({ kind: 'person', limit: 3, cursor }));
    expect(seen.every((p) => p.kind === 'person')).toBe(true);
    expect(seen.length).toBe(await count(`select count(*) from parties where kind = 'person'`));
  });

  it('searches every word of the name, in any case, across pages', async () => {
    const { seen, pages } = await collect((cursor) =>
      server.admin.parties.search.query({ q: 'EIENDOM fjellheim', limit: 3, cursor }),
    );
    expect(ids(seen)).toEqual(ids(newestFirst(seeded.filter((p) => p.kind === 'organization'))));
    expect(pages).toBe(3);
    const hansen = await server.admin.parties.search.query({ q: 'fjellheim hansen' });
    expect(ids(hansen.items)).toEqual(ids(newestFirst(seeded.filter((p) => p.kind === 'person'))));
  });

  it('finds an organisation by its exact organisation number', async () => {
    const target = seeded[1];
    const page = await server.admin.parties.search.query({ q: target?.organizationNumber ?? '' });
    expect(ids(page.items)).toEqual([target?.id]);
    expect((await server.admin.parties.search.query({ q: '99' })).items).toEqual([]);
  });

  it('takes % and _ in q literally', async () => {
    for (const q of ['%%', 'fjell_eim', 'fjell%heim']) {
      expect((await server.admin.parties.search.query({ q })).items, q).toEqual([]);
    }
  });

  it('refuses a cursor it did not issue and a one-letter q', async () => {
    const cursor = await caught(() => server.admin.parties.list.query({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(cursor.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
    const short = await caught(() => server.admin.parties.search.query({ q: 'a' }));
    expect(short.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });
});

describe('parties scopes', () => {
  it('lets a parties:read client read but not create or update', async () => {
    const reader = await server.clientWithScopes(['parties:read']);
    const party = await person();
    expect(await reader.parties.get.query({ id: party.id })).toEqual(party);
    const before = await writes();
    const created = await caught(() => reader.parties.create.mutate({ name: 'Ola' }));
    expect(created.data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'MISSING_SCOPE',
      requiredScope: 'parties:write',
    });
    const updated = await caught(() =>
      reader.parties.update.mutate({ id: party.id, expectedVersion: 1, patch: { name: 'Ola' } }),
    );
    expect(updated.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'parties:write' });
    expect(await writes()).toEqual(before);
  });

  it('refuses parties:read to a client with only properties scopes', async () => {
    const other = await server.clientWithScopes(['properties:read']);
    const error = await caught(() => other.parties.list.query({}));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'parties:read' });
  });
});
