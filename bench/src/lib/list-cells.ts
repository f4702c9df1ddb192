import type pg from 'pg';
import type { ListFilters, Shape, Sort } from './list-catalog';

/**
 * What one measurement asks for (a shape, a sort, a page) and what the answer must be, worked
 * out in plain SQL apart from the server: the oracle for every page the bench requests.
 */
export interface Cell {
  shape: Shape;
  sort: Sort;
  /** "first", or the share of the matching rows that lie before the page, e.g. "50 %". */
  page: string;
  matching: number;
  cursor: string | undefined;
  expectedFirstId: string | null;
  expectedItems: number;
}

export const PAGE_SIZE = 50;
const DEEP_SHARES = [0.5, 0.9];
/** Below this many matching rows a deep page is a second page at most: not worth measuring. */
const DEEP_MINIMUM = 2 * PAGE_SIZE;

const SORT_SQL: Record<Sort, { order: string; value: string; tag: string }> = {
  createdAt: {
    order: 'a.created_at desc, a.id desc',
    value: `to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    tag: 'createdAt:desc',
  },
  dueDate: {
    order: `coalesce(a.due_date, 'infinity'::date), a.id`,
    value: `coalesce(a.due_date::text, 'infinity')`,
    tag: 'dueDate:asc',
  },
};

/** The cursor the API issues after a row: base64url JSON [sort value, id, "sort:direction"]. */
export function encodeCursor(value: string, id: string, sort: Sort): string {
  return Buffer.from(JSON.stringify([value, id, SORT_SQL[sort].tag])).toString('base64url');
}

/** `like` patterns of `q`: every whitespace-separated word, lower-cased, as a substring. */
function likePatterns(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

/** The filters as SQL over `assignments a`, with their bind values. */
export function whereClause(filters: ListFilters): { sql: string; values: unknown[] } {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const add = (template: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(template(`$${values.length}`));
  };
  if (filters.status) add((p) => `a.status = any(${p}::text[])`, filters.status);
  if (filters.type) add((p) => `a.type = any(${p}::text[])`, filters.type);
  if (filters.appraiserId) add((p) => `a.appraiser_id = ${p}::uuid`, filters.appraiserId);
  if (filters.clientId) add((p) => `a.client_id = ${p}::uuid`, filters.clientId);
  if (filters.municipality) add((p) => `a.municipality = ${p}`, filters.municipality);
  if (filters.createdFrom) add((p) => `a.created_at >= ${p}::timestamptz`, filters.createdFrom);
  if (filters.createdTo) add((p) => `a.created_at < ${p}::timestamptz`, filters.createdTo);
  if (filters.dueBefore) add((p) => `a.due_date < ${p}::date`, filters.dueBefore);
  if (filters.updatedSince) add((p) => `a.updated_at >= ${p}::timestamptz`, filters.updatedSince);
  for (const pattern of filters.q ? likePatterns(filters.q) : []) add((p) => `a.search_text like ${p}`, pattern);
  return { sql: conditions.length > 0 ? `where ${conditions.join(' and ')}` : '', values };
}

export async function countMatching(client: pg.Client, filters: ListFilters): Promise<number> {
  const { sql, values } = whereClause(filters);
  const result = await client.query<{ count: string }>(`select count(*) from assignments a ${sql}`, values);
  return Number(result.rows[0]?.count);
}

interface Positioned {
  value: string;
  id: string;
}

/** The rows at `offset` and after it, in the order the list sorts. */
async function rowsAt(client: pg.Client, filters: ListFilters, sort: Sort, offset: number, count: number) {
  const { sql, values } = whereClause(filters);
  const result = await client.query<Positioned>(
    `select ${SORT_SQL[sort].value} as value, a.id::text as id from assignments a ${sql}
     order by ${SORT_SQL[sort].order} offset ${offset} limit ${count}`,
    values,
  );
  return result.rows;
}

async function firstPage(client: pg.Client, shape: Shape, sort: Sort, matching: number): Promise<Cell> {
  const [first] = await rowsAt(client, shape.filters, sort, 0, 1);
  return {
    shape,
    sort,
    page: 'first',
    matching,
    cursor: undefined,
    expectedFirstId: first?.id ?? null,
    expectedItems: Math.min(PAGE_SIZE, matching),
  };
}

/** A page starting at row `start` (0-based): its cursor is made from the row before. */
async function deepPage(client: pg.Client, shape: Shape, sort: Sort, matching: number, share: number): Promise<Cell> {
  const start = Math.floor(matching * share);
  const [before, first] = await rowsAt(client, shape.filters, sort, start - 1, 2);
  if (!before || !first) throw new Error(`${shape.name}: no rows at ${start}`);
  return {
    shape,
    sort,
    page: `${Math.round(share * 100)} %`,
    matching,
    cursor: encodeCursor(before.value, before.id, sort),
    expectedFirstId: first.id,
    expectedItems: Math.min(PAGE_SIZE, matching - start),
  };
}

export async function cellsFor(client: pg.Client, shape: Shape, sorts: readonly Sort[]): Promise<Cell[]> {
  const matching = await countMatching(client, shape.filters);
  const cells: Cell[] = [];
  for (const sort of sorts) {
    cells.push(await firstPage(client, shape, sort, matching));
    if (matching < DEEP_MINIMUM) continue;
    for (const share of DEEP_SHARES) cells.push(await deepPage(client, shape, sort, matching, share));
  }
  return cells;
}
