import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from './cursor';
import { selectRows } from './read-model';

/** A SQL condition with its positional (`?`) parameters. */
export interface Condition {
  sql: string;
  params: unknown[];
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * `expression` contains every word of `q`, case-insensitively, as `lower(...) like '%word%'`
 * so a trigram index on `lower(expression)` serves it. The words are lowered by PostgreSQL as
 * well, so both sides fold letters such as Æ, Ø and Å the same way whatever the locale.
 */
export function containsEveryWord(expression: string, q: string): Condition | null {
  const words = q.split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return null;
  return {
    sql: words.map(() => `lower(${expression}) like lower(?) escape '\\'`).join(' and '),
    params: words.map((word) => `%${escapeLike(word)}%`),
  };
}

export interface KeysetQuery {
  /** The SELECT list; it must yield `id` and `createdAt` (an ISO string) for the cursor. */
  select: string;
  table: string;
  alias: string;
  conditions: Condition[];
  limit: number;
  cursor: string | undefined;
}

export interface Page<Row> {
  items: Row[];
  nextCursor: string | null;
}

/** One page newest first, keyset on (created_at desc, id desc); never OFFSET, never COUNT. */
export async function selectKeysetPage<Row extends { id: string; createdAt: string }>(
  em: EntityManager,
  query: KeysetQuery,
): Promise<Page<Row>> {
  const { alias } = query;
  const conditions = [...query.conditions];
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    // A row-value comparison walks one range of the (created_at desc, id desc) index.
    conditions.push({ sql: `(${alias}.created_at, ${alias}.id) < (?, ?)`, params: [after.at, after.id] });
  }
  const where = conditions.length > 0 ? `where ${conditions.map((c) => `(${c.sql})`).join(' and ')}` : '';
  const rows = await selectRows<Row>(
    em,
    `select ${query.select} from ${query.table} ${alias} ${where}
     order by ${alias}.created_at desc, ${alias}.id desc limit ?`,
    [...conditions.flatMap((c) => c.params), query.limit + 1],
  );
  // One row more than asked tells whether another page exists.
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}
