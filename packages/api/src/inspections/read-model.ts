import type { ListInspectionsInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { placeholders, selectListFor, selectRows } from '../lib/read-model';
import type { InspectionRecord } from './mapper';

type Timestamps = 'startsAt' | 'endsAt' | 'completedAt' | 'createdAt' | 'updatedAt';

/** An inspection row with its appraiser's name; timestamps as ISO strings. */
export type InspectionRow = Omit<InspectionRecord, Timestamps> & {
  startsAt: string;
  endsAt: string;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
  appraiserName: string;
};

let selectList: string | undefined;
const selectFrom = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'Inspection', 'i');
  return `select ${selectList}, ap.name as "appraiserName" from inspections i join appraisers ap on ap.id = i.appraiser_id`;
};

export async function findInspectionRow(em: EntityManager, id: string): Promise<InspectionRow | undefined> {
  const rows = await selectRows<InspectionRow>(em, `${selectFrom(em)} where i.id = ?`, [id]);
  return rows[0];
}

function filtersOf(input: ListInspectionsInput): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (input.assignmentId) {
    conditions.push('i.assignment_id = ?');
    params.push(input.assignmentId);
  }
  if (input.appraiserId) {
    conditions.push('i.appraiser_id = ?');
    params.push(input.appraiserId);
  }
  if (input.from && input.to) {
    // Overlapping [from, to): a visit that began before `from` and still runs is in the range.
    conditions.push('i.starts_at < ? and i.ends_at > ?');
    params.push(input.to, input.from);
  }
  if (input.status) {
    conditions.push(`i.status in (${placeholders(input.status)})`);
    params.push(...input.status);
  }
  if (input.cursor) {
    const after = decodeCursor(input.cursor, 'startsAt');
    conditions.push('(i.starts_at, i.id) > (?, ?)');
    params.push(after.at, after.id);
  }
  return { conditions, params };
}

/** Soonest first, keyset-paginated on (starts_at, id). */
export async function listInspectionRows(
  em: EntityManager,
  input: ListInspectionsInput,
): Promise<{ items: InspectionRow[]; nextCursor: string | null }> {
  const { conditions, params } = filtersOf(input);
  const rows = await selectRows<InspectionRow>(
    em,
    `${selectFrom(em)} where ${conditions.join(' and ')} order by i.starts_at, i.id limit ?`,
    [...params, input.limit + 1],
  );
  // One row more than asked tells whether another page exists, without a COUNT.
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > input.limit && last ? encodeCursor({ at: last.startsAt, id: last.id, sort: 'startsAt' }) : null;
  return { items, nextCursor };
}
