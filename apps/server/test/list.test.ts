import type { Assignment } from '@takst/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, assignmentInput, caught } from './support/fixtures';
import { startTestServer, type TestServer } from './support/server';

let server: TestServer;
const created: Assignment[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const types = ['condition_report', 'valuation', 'energy_certificate'] as const;
  // Sequential, so createdAt differs (or ties, which the id breaks) in a known order.
  for (let i = 0; i < 23; i++) {
    created.push(await server.admin.assignments.create.mutate(assignmentInput({ type: types[i % 3] })));
  }
});
afterAll(() => server?.close());

async function collect(filters: { status?: Assignment['status'][]; type?: Assignment['type'][] }, limit: number) {
  const { items, pages, pageSizes } = await allPages((cursor) =>
    server.admin.assignments.list.query({ ...filters, limit, cursor }),
  );
  for (const size of pageSizes) expect(size).toBeLessThanOrEqual(limit);
  return { seen: items, pages };
}

const newestFirst = (items: Assignment[]) =>
  [...items].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
  );

describe('assignments.list', () => {
  it('walks every assignment newest first across pages, with no duplicate and no gap', async () => {
    const { seen, pages } = await collect({}, 5);
    expect(pages).toBe(5);
    expect(seen.map((a) => a.id)).toEqual(newestFirst(created).map((a) => a.id));
    expect(new Set(seen.map((a) => a.id)).size).toBe(created.length);
  });

  it('ends with nextCursor null on the last page, also when it is exactly full', async () => {
    const { seen, pages } = await collect({}, created.length);
    expect(seen).toHaveLength(created.length);
    expect(pages).toBe(1);
  });

  it('defaults to 50 items when no limit is given, and lists with no argument at all', async () => {
    const page = await server.admin.assignments.list.query();
    expect(page.items).toHaveLength(created.length);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by type across pages', async () => {
    const { seen } = await collect({ type: ['valuation', 'energy_certificate'] }, 4);
    const expected = newestFirst(created.filter((a) => a.type !== 'condition_report'));
    expect(seen.map((a) => a.id)).toEqual(expected.map((a) => a.id));
  });

  it('filters by status', async () => {
    expect((await collect({ status: ['received'] }, 10)).seen).toHaveLength(created.length);
    expect((await collect({ status: ['delivered', 'closed'] }, 10)).seen).toHaveLength(0);
  });

  it('refuses a limit outside 1–200 and a cursor it did not issue', async () => {
    for (const limit of [0, 201]) {
      const error = await caught(() => server.admin.assignments.list.query({ limit }));
      expect(error.data).toMatchObject({ errorCode: 'VALIDATION_FAILED' });
    }
    const error = await caught(() => server.admin.assignments.list.query({ cursor: 'bm90LWEtY3Vyc29y' }));
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', errorCode: 'INVALID_CURSOR' });
  });
});
