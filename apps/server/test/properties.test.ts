import type { RouterInputs, RouterOutputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

type UpsertInput = RouterInputs['properties']['upsert'];
type SearchInput = RouterInputs['properties']['search'];
type Property = RouterOutputs['properties']['get'];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';

// Each test uses identities of its own, so tests do not see each other's properties.
let nextGnr = 1;
const cadastre = (municipality = '0301') => ({ municipality, gnr: nextGnr++, bnr: 84 });
const address = { street: 'Storgata 12', postalCode: '0155', city: 'Oslo' };

const upsert = (input: UpsertInput) => server.admin.properties.upsert.mutate(input);

async function count(sql: string, params: unknown[] = []) {
  const rows = await query<{ count: string }>(server.databaseUrl, sql, params);
  return Number(rows[0]?.count);
}
const countProperties = () => count('select count(*) from properties');
const countAudit = () => count('select count(*) from audit_log');

async function auditOf(id: string) {
  return query<{ entity_type: string; action: string; changes: Record<string, { from: unknown; to: unknown }> }>(
    server.databaseUrl,
    'select entity_type, action, changes, actor_name, request_id from audit_log where entity_id = $1 order by occurred_at',
    [id],
  );
}

describe('properties.upsert', () => {
  it('creates a property by cadastre identity, then returns it unchanged for the same identity', async () => {
    const identity = cadastre();
    const first = await upsert({
      address: { ...address, unitNumber: 'H0101' },
      cadastre: identity,
      buildingYear: 1962,
    });
    expect(first.created).toBe(true);
    expect(first.property).toMatchObject({
      address: { ...address, unitNumber: 'H0101' },
      cadastre: { ...identity, fnr: 0, snr: 0, id: `0301-${identity.gnr}-84-0-0` },
      share: null,
      buildingYear: 1962,
      buildingType: null,
      version: 1,
    });

    // fnr and snr default to 0, so spelling them out names the same property; its address stays.
    const again = await upsert({
      address: { street: 'Annen gate 1', postalCode: '0150', city: 'Oslo' },
      cadastre: { ...identity, fnr: 0, snr: 0 },
    });
    expect(again).toEqual({ property: first.property, created: false });
  });

  it('tells cadastre units apart by fnr and snr', async () => {
    const identity = cadastre();
    const unit = await upsert({ address, cadastre: identity });
    const section = await upsert({ address, cadastre: { ...identity, snr: 3 } });
    expect(section.created).toBe(true);
    expect(section.property.id).not.toBe(unit.property.id);
    expect(section.property.cadastre?.id).toBe(`0301-${identity.gnr}-84-0-3`);
  });

  it('finds a cooperative share by organisation number and share number', async () => {
    const share = { organizationNumber: '923609016', shareNumber: '42' };
    const first = await upsert({ address, share });
    expect(first).toMatchObject({ created: true, property: { share, cadastre: null } });
    const again = await upsert({ address: { ...address, street: 'Other 1' }, share });
    expect(again).toEqual({ property: first.property, created: false });
    const neighbour = await upsert({ address, share: { ...share, shareNumber: '43' } });
    expect(neighbour.created).toBe(true);
  });

  it('always creates a property given by its address alone', async () => {
    const first = await upsert({ address });
    const second = await upsert({ address });
    expect([first.created, second.created]).toEqual([true, true]);
    expect(second.property.id).not.toBe(first.property.id);
  });

  it('creates one property when many upserts of one new identity race', async () => {
    const identity = cadastre();
    const results = await Promise.all(Array.from({ length: 10 }, () => upsert({ address, cadastre: identity })));
    expect(new Set(results.map((r) => r.property.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = `0301-${identity.gnr}-84-0-0`;
    expect(await count('select count(*) from properties where cadastre_id = $1', [id])).toBe(1);
    expect(await auditOf(results[0]?.property.id ?? '')).toHaveLength(1);
  });

  it('creates one property when many upserts of one new share race', async () => {
    const share = { organizationNumber: '974760673', shareNumber: 'A-7' };
    const results = await Promise.all(Array.from({ length: 10 }, () => upsert({ address, share })));
    expect(new Set(results.map((r) => r.property.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('records the creation in the audit log with every field, and nothing for a found property', async () => {
    const identity = cadastre();
    const { property } = await upsert({ address, cadastre: identity, buildingType: 'enebolig' });
    await upsert({ address, cadastre: identity });
    const entries = await auditOf(property.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      entity_type: 'property',
      action: 'created',
      changes: {
        id: { from: null, to: property.id },
        cadastreId: { from: null, to: property.cadastre?.id },
        street: { from: null, to: 'Storgata 12' },
        buildingType: { from: null, to: 'enebolig' },
      },
    });
    expect(entries[0]?.changes).not.toHaveProperty('unitNumber');
  });

  it('refuses invalid input with its issues, and writes nothing', async () => {
    const before = { properties: await countProperties(), audit: await countAudit() };
    const invalid: [UpsertInput, string][] = [
      [{ address: { ...address, postalCode: '155' } }, 'address.postalCode'],
      [{ address, cadastre: { municipality: '301', gnr: 1, bnr: 1 } }, 'cadastre.municipality'],
      [{ address, cadastre: { municipality: '0301', gnr: 0, bnr: 1 } }, 'cadastre.gnr'],
      [{ address: { ...address, unitNumber: '0101' } }, 'address.unitNumber'],
      [{ address, cadastre: cadastre(), share: { organizationNumber: '923609016', shareNumber: '1' } }, 'share'],
      [{ address, share: { organizationNumber: '923609017', shareNumber: '1' } }, 'share.organizationNumber'],
      [{ address: { ...address, street: ' ' } }, 'address.street'],
    ];
    for (const [input, path] of invalid) {
      const error = await caught(() => upsert(input));
      expect(error.data, path).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'VALIDATION_FAILED' });
      const paths = (error.data.issues as { path: string[] }[]).map((issue) => issue.path.join('.'));
      expect(paths, path).toContain(path);
    }
    expect({ properties: await countProperties(), audit: await countAudit() }).toEqual(before);
  });
});

describe('properties.get', () => {
  it('returns a property as upsert did', async () => {
    const { property } = await upsert({ address, cadastre: cadastre() });
    expect(await server.admin.properties.get.query({ id: property.id })).toEqual(property);
  });

  it('answers PROPERTY_NOT_FOUND for an unknown id, and a validation error for a malformed one', async () => {
    const missing = await caught(() => server.admin.properties.get.query({ id: UNKNOWN_ID }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', errorCode: 'PROPERTY_NOT_FOUND' });
    const malformed = await caught(() => server.admin.properties.get.query({ id: 'abc' }));
    expect(malformed.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });
});

describe('properties.search', () => {
  // Bergen (4601) properties on two streets; other tests' properties are in Oslo (0301).
  const seeded: Property[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 14; i++) {
      const street = i % 2 === 0 ? `Fjordveien ${i}` : `Bryggegården ${i}`;
      const input = {
        address: { street, postalCode: '5003', city: 'Bergen' },
        cadastre: { municipality: '4601', gnr: 160 + (i % 3), bnr: 7, snr: i },
      };
      // Sequential, so createdAt differs (or ties, which the id breaks) in a known order.
      seeded.push((await upsert(input)).property);
    }
  });

  const newestFirst = (items: Property[]) =>
    [...items].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );
  const ids = (items: Property[]) => items.map((p) => p.id);

  async function collect(filters: Omit<SearchInput, 'limit' | 'cursor'>, limit: number) {
    const { items, pages, pageSizes } = await allPages((cursor) =>
      server.admin.properties.search.query({ ...filters, limit, cursor }),
    );
    for (const size of pageSizes) expect(size).toBeLessThanOrEqual(limit);
    return { seen: items, pages };
  }

  it('matches every word of q in street, postal code and city, in any case, across pages', async () => {
    const { seen, pages } = await collect({ q: 'FJORDVEIEN bergen' }, 3);
    const expected = newestFirst(seeded.filter((p) => p.address.street.startsWith('Fjordveien')));
    expect(ids(seen)).toEqual(ids(expected));
    expect(new Set(ids(seen)).size).toBe(7);
    expect(pages).toBe(3);
    expect(ids((await collect({ q: '5003 veien' }, 50)).seen)).toEqual(ids(expected));
  });

  it('folds Æ, Ø and Å too', async () => {
    const { seen } = await collect({ q: 'BRYGGEGÅRDEN' }, 50);
    expect(ids(seen)).toEqual(ids(newestFirst(seeded.filter((p) => p.address.street.startsWith('Bryggegården')))));
  });

  it('needs every word to match', async () => {
    expect((await collect({ q: 'fjordveien oslo' }, 50)).seen).toEqual([]);
  });

  it('takes %, _ and \\ in q literally', async () => {
    for (const q of ['%%', 'fjord_eien', 'fjord%eien', 'fjordveien\\']) {
      expect((await collect({ q }, 50)).seen, q).toEqual([]);
    }
  });

  it('filters by municipality, and by gnr and bnr, across pages', async () => {
    const bergen = await collect({ municipality: '4601' }, 4);
    expect(ids(bergen.seen)).toEqual(ids(newestFirst(seeded)));
    expect(bergen.pages).toBe(4);

    const farm = await collect({ municipality: '4601', gnr: 161, bnr: 7 }, 2);
    expect(ids(farm.seen)).toEqual(ids(newestFirst(seeded.filter((p) => p.cadastre?.gnr === 161))));
    expect((await collect({ municipality: '4601', gnr: 161, bnr: 8 }, 2)).seen).toEqual([]);
  });

  it('combines q with the cadastre filters', async () => {
    const { seen } = await collect({ q: 'bryggegården', municipality: '4601', gnr: 160 }, 2);
    const expected = seeded.filter((p) => p.address.street.startsWith('Bryggegården') && p.cadastre?.gnr === 160);
    expect(ids(seen)).toEqual(ids(newestFirst(expected)));
    expect(seen.length).toBeGreaterThan(0);
  });

  it('lists every property newest first without filters, and ends with nextCursor null', async () => {
    const page = await server.admin.properties.search.query();
    expect(page.nextCursor).toBeNull();
    expect(page.items.length).toBe(await countProperties());
    expect(ids(page.items)).toEqual(ids(newestFirst(page.items)));
  });

  it('refuses a cursor it did not issue, a limit outside 1–200 and a one-letter q', async () => {
    const cursor = await caught(() => server.admin.properties.search.query({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(cursor.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
    for (const input of [{ limit: 0 }, { limit: 201 }, { q: 'a' }]) {
      const error = await caught(() => server.admin.properties.search.query(input));
      expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    }
  });
});

describe('properties scopes', () => {
  it('lets a properties:read client search and get but not upsert', async () => {
    const reader = await server.clientWithScopes(['properties:read']);
    const { property } = await upsert({ address });
    expect((await reader.properties.get.query({ id: property.id })).id).toBe(property.id);
    const error = await caught(() => reader.properties.upsert.mutate({ address }));
    expect(error.data).toMatchObject({
      code: 'FORBIDDEN',
      errorCode: 'MISSING_SCOPE',
      requiredScope: 'properties:write',
    });
  });

  it('refuses properties:read to a client with only parties scopes', async () => {
    const other = await server.clientWithScopes(['parties:read', 'parties:write']);
    const error = await caught(() => other.properties.search.query({}));
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'properties:read' });
  });
});
