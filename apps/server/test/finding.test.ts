import type { Assignment, RouterInputs } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './support/database';
import { allPages, assignmentInput, caught } from './support/fixtures';
import { insertAppraiser, setStatus } from './support/rows';
import { startTestServer, type TestServer } from './support/server';

type ListInput = RouterInputs['assignments']['list'];

let server: TestServer;
let all: Assignment[] = [];
let appraisers: string[] = [];

const places = [
  { street: 'Karl Johans gate 1', postalCode: '0154', city: 'Oslo', municipality: '0301' },
  { street: 'Bryggen 5', postalCode: '5003', city: 'Bergen', municipality: '4601' },
  { street: 'Munkegata 20', postalCode: '7011', city: 'Trondheim', municipality: '5001' },
];
const clients = [
  { name: 'Nordbank ASA', organizationNumber: '923609016' },
  { name: 'Fjord Megling AS', organizationNumber: '974760673' },
  { name: 'Kari Nordmann_100%' },
];
const statuses = ['received', 'confirmed', 'drafting', 'delivered', 'closed'] as const;
const types = ['condition_report', 'valuation', 'energy_certificate'] as const;
const DAY = 86_400_000;
const base = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  server = await startTestServer();
  appraisers = [await insertAppraiser(server.databaseUrl), await insertAppraiser(server.databaseUrl)];
  for (let i = 0; i < 30; i++) {
    const place = places[i % 3] ?? places[0];
    const created = await server.admin.assignments.create.mutate(
      assignmentInput({
        type: types[i % 3],
        property: {
          address: { street: place?.street ?? '', postalCode: place?.postalCode ?? '', city: place?.city ?? '' },
          cadastre: { municipality: place?.municipality ?? '', gnr: 1 + i, bnr: 1 },
        },
        client: clients[i % 3] ?? { name: 'x' },
        dueDate: i % 4 === 0 ? undefined : new Date(base + ((i * 7) % 30) * DAY).toISOString().slice(0, 10),
      }),
    );
    // Spread creation and change times, give most an appraiser and a status, straight in the database.
    await query(
      server.databaseUrl,
      `update assignments set created_at = $2, updated_at = $3, appraiser_id = $4 where id = $1`,
      [
        created.id,
        new Date(base + i * DAY),
        new Date(base + (i + (i % 5) * 10) * DAY),
        i % 3 === 2 ? null : appraisers[i % 2],
      ],
    );
    await setStatus(server.databaseUrl, created.id, statuses[i % 5] ?? 'received');
  }
  all = (await collect({ limit: 200 })).items;
  expect(all).toHaveLength(30);
});
afterAll(() => server?.close());

const collect = (input: ListInput, maxPages = 100) =>
  allPages((cursor) => server.admin.assignments.list.query({ ...input, cursor }), maxPages);

const byCreatedDesc = (a: Assignment, b: Assignment) =>
  a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;
const dueKey = (a: Assignment) => a.dueDate ?? 'infinity';
const byDueAsc = (a: Assignment, b: Assignment) =>
  dueKey(a) === dueKey(b) ? (a.id < b.id ? -1 : 1) : dueKey(a) < dueKey(b) ? -1 : 1;

async function expectListed(input: ListInput, predicate: (a: Assignment) => boolean, order = byCreatedDesc) {
  const { items } = await collect({ ...input, limit: 4 });
  const expected = all.filter(predicate).sort(order);
  expect(expected.length).toBeGreaterThan(0);
  expect(items.map((a) => a.reference)).toEqual(expected.map((a) => a.reference));
}

describe('assignments.list filters, each across pages', () => {
  it('status[]', () =>
    expectListed({ status: ['drafting', 'closed'] }, (a) => ['drafting', 'closed'].includes(a.status)));
  it('type[]', () => expectListed({ type: ['valuation'] }, (a) => a.type === 'valuation'));
  it('appraiserId', () => expectListed({ appraiserId: appraisers[1] }, (a) => a.appraiser?.id === appraisers[1]));
  it('clientId', () => {
    const clientId = all.find((a) => a.client.name === 'Fjord Megling AS')?.client.id as string;
    return expectListed({ clientId }, (a) => a.client.id === clientId);
  });
  it('municipality', () => expectListed({ municipality: '4601' }, (a) => a.property.cadastre?.municipality === '4601'));
  it('createdFrom and createdTo', () => {
    const from = new Date(base + 5 * DAY).toISOString();
    const to = new Date(base + 12 * DAY).toISOString();
    return expectListed({ createdFrom: from, createdTo: to }, (a) => a.createdAt >= from && a.createdAt < to);
  });
  it('dueBefore (undated never match)', () =>
    expectListed({ dueBefore: '2026-01-15' }, (a) => a.dueDate !== null && a.dueDate < '2026-01-15'));
  it('updatedSince', () => {
    const since = new Date(base + 35 * DAY).toISOString();
    return expectListed({ updatedSince: since }, (a) => a.updatedAt >= since);
  });
  it('several filters at once', () =>
    expectListed(
      { status: ['received', 'confirmed', 'drafting'], municipality: '0301', type: ['condition_report'] },
      (a) =>
        ['received', 'confirmed', 'drafting'].includes(a.status) &&
        a.property.cadastre?.municipality === '0301' &&
        a.type === 'condition_report',
    ));
});

describe('assignments.list sorting', () => {
  it('by dueDate, soonest first and undated last, across pages', async () => {
    const { items } = await collect({ sort: 'dueDate', limit: 7 });
    expect(items.map((a) => a.id)).toEqual([...all].sort(byDueAsc).map((a) => a.id));
    expect(items.at(-1)?.dueDate).toBeNull();
  });

  it('by dueDate descending, and by createdAt ascending', async () => {
    const due = await collect({ sort: 'dueDate', direction: 'desc', limit: 6 });
    expect(due.items.map((a) => a.id)).toEqual(
      [...all]
        .sort(byDueAsc)
        .reverse()
        .map((a) => a.id),
    );
    const created = await collect({ sort: 'createdAt', direction: 'asc', limit: 6 });
    expect(created.items.map((a) => a.id)).toEqual(
      [...all]
        .sort(byCreatedDesc)
        .reverse()
        .map((a) => a.id),
    );
  });

  it('with a filter, by dueDate', () =>
    expectListed({ sort: 'dueDate', appraiserId: appraisers[0] }, (a) => a.appraiser?.id === appraisers[0], byDueAsc));

  it('refuses a cursor made for another sort', async () => {
    const page = await server.admin.assignments.list.query({ limit: 2 });
    const error = await caught(() =>
      server.admin.assignments.list.query({ sort: 'dueDate', cursor: page.nextCursor ?? '' }),
    );
    expect(error.data).toMatchObject({ errorCode: 'INVALID_CURSOR' });
  });
});

describe('assignments.list q', () => {
  it('finds by city, case-insensitively', () =>
    expectListed({ q: 'BERGEN' }, (a) => a.property.address.city === 'Bergen'));
  it('finds by street words', () =>
    expectListed({ q: 'karl johans' }, (a) => a.property.address.street.startsWith('Karl Johans')));
  it('finds by client name', () => expectListed({ q: 'fjord megl' }, (a) => a.client.name === 'Fjord Megling AS'));
  it('finds by reference', async () => {
    const target = all[7] as Assignment;
    await expectListed({ q: target.reference }, (a) => a.reference === target.reference);
  });
  it('needs every word to match', () =>
    expectListed(
      { q: 'oslo nordbank' },
      (a) => a.property.address.city === 'Oslo' && a.client.name === 'Nordbank ASA',
    ));
  it('takes % and _ literally', async () => {
    await expectListed({ q: 'nordmann_100%' }, (a) => a.client.name === 'Kari Nordmann_100%');
    expect((await collect({ q: '1_0' })).items).toHaveLength(0);
  });
  it('combines with filters and the dueDate sort', () =>
    expectListed(
      { q: 'trondheim', status: ['received', 'delivered'], sort: 'dueDate' },
      (a) => a.property.address.city === 'Trondheim' && ['received', 'delivered'].includes(a.status),
      byDueAsc,
    ));
  it('refuses a one-letter query', async () => {
    const error = await caught(() => server.admin.assignments.list.query({ q: 'a' }));
    expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
  });
});
