import { idSchema, type ListNotesInput, timestampSchema } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { DomainError } from '../errors';
import { decodeCursor, encodeCursor, type Keyset } from '../lib/cursor';
import { selectListFor, selectRows } from '../lib/read-model';
import type { NoteRecord } from './mapper';

type NoteRow = NoteRecord & { createdAt: string };

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Note', 'n');
  return selectList;
};

/** A cursor that decodes but holds no timestamp and id would fail in SQL; refuse it here. */
function keysetOf(cursor: string): Keyset {
  const keyset = decodeCursor(cursor);
  if (!timestampSchema.safeParse(keyset.at).success || !idSchema.safeParse(keyset.id).success) {
    throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'The cursor is not one this API returned for this query');
  }
  return keyset;
}

/** Oldest first, on the (assignment_id, created_at, id) index. */
export async function listNoteRows(
  em: EntityManager,
  input: ListNotesInput,
): Promise<{ items: NoteRow[]; nextCursor: string | null }> {
  const params: unknown[] = [input.assignmentId];
  let after = '';
  if (input.cursor) {
    const keyset = keysetOf(input.cursor);
    after = 'and (n.created_at, n.id) > (?, ?)';
    params.push(keyset.at, keyset.id);
  }
  params.push(input.limit + 1);
  const rows = await selectRows<NoteRow>(
    em,
    `select ${columns(em)} from notes n where n.assignment_id = ? ${after} order by n.created_at, n.id limit ?`,
    params,
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}
