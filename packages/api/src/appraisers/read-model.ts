import type { ListAppraisersInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { selectListFor, selectRows } from '../lib/read-model';
import { todayInOslo } from './certification';
import type { AppraiserRecord } from './mapper';

/** An appraiser row as the read model returns it: the entity's fields, timestamps as ISO strings. */
export type AppraiserRow = Omit<AppraiserRecord, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Appraiser', 'a');
  return selectList;
};

export async function findAppraiserRow(em: EntityManager, id: string): Promise<AppraiserRow | undefined> {
  const rows = await selectRows<AppraiserRow>(em, `select ${columns(em)} from appraisers a where a.id = ?`, [id]);
  return rows[0];
}

// Dates are YYYY-MM-DD strings, so comparing them as text compares them as days.
const HOLDS_CERTIFICATION = `exists (
  select 1 from jsonb_array_elements(a.certifications) c
  where c->>'area' = ? and c->>'validFrom' <= ? and (c->>'validTo' is null or c->>'validTo' >= ?))`;

function filtersOf(input: ListAppraisersInput): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    conditions.push('(a.created_at, a.id) < (?, ?)');
    params.push(after.at, after.id);
  }
  if (input.active !== undefined) {
    conditions.push('a.active = ?');
    params.push(input.active);
  }
  if (input.certifiedFor) {
    const day = input.on ?? todayInOslo();
    conditions.push(HOLDS_CERTIFICATION);
    params.push(input.certifiedFor, day, day);
  }
  return { conditions, params };
}

/** Newest first, keyset-paginated on (created_at desc, id desc). */
export async function listAppraiserRows(
  em: EntityManager,
  input: ListAppraisersInput,
): Promise<{ items: AppraiserRow[]; nextCursor: string | null }> {
  const { conditions, params } = filtersOf(input);
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const rows = await selectRows<AppraiserRow>(
    em,
    `select ${columns(em)} from appraisers a ${where} order by a.created_at desc, a.id desc limit ?`,
    [...params, input.limit + 1],
  );
  // One row more than asked tells whether another page exists, without a COUNT.
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}
