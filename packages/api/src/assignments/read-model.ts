import type { ListAssignmentsInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { placeholders, selectListFor, selectRows } from '../lib/read-model';
import type { AssignmentRecord } from './mapper';

/** An assignment row as the read model returns it: the entity's fields, timestamps as ISO strings. */
export type AssignmentRow = Omit<AssignmentRecord, 'createdAt' | 'updatedAt'> & {
  createdAt: string;
  updatedAt: string;
};

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Assignment', 'a');
  return selectList;
};

export async function findAssignmentRow(
  em: EntityManager,
  by: { id: string } | { reference: string },
): Promise<AssignmentRow | undefined> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['reference', by.reference];
  const rows = await selectRows<AssignmentRow>(em, `select ${columns(em)} from assignments a where a.${column} = ?`, [
    value,
  ]);
  return rows[0];
}

export async function listAssignmentRows(
  em: EntityManager,
  input: ListAssignmentsInput,
): Promise<{ items: AssignmentRow[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    // A row-value comparison walks one range of the (created_at desc, id desc) index.
    conditions.push('(a.created_at, a.id) < (?, ?)');
    params.push(after.at, after.id);
  }
  if (input.status) {
    conditions.push(`a.status in (${placeholders(input.status)})`);
    params.push(...input.status);
  }
  if (input.type) {
    conditions.push(`a.type in (${placeholders(input.type)})`);
    params.push(...input.type);
  }
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  params.push(input.limit + 1);
  const rows = await selectRows<AssignmentRow>(
    em,
    `select ${columns(em)} from assignments a ${where} order by a.created_at desc, a.id desc limit ?`,
    params,
  );
  // One row more than asked tells whether another page exists, without a COUNT.
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}
