import type { ListAssignmentsInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { ISO_MS, placeholders, selectRows } from '../lib/read-model';
import type { AssignmentRow } from './mapper';

const party = (alias: string) => `json_build_object('id', ${alias}.id, 'kind', ${alias}.kind, 'name', ${alias}.name,
  'email', ${alias}.email, 'phone', ${alias}.phone, 'organizationNumber', ${alias}.organization_number)`;

// One row per assignment with the summaries the DTO shows; relations are primary-key lookups.
const SELECT = `
  select a.id, a.reference, a.type, a.status, a.status_before_hold as "statusBeforeHold", a.version,
    a.due_date as "dueDate", a.notes,
    to_char(a.created_at at time zone 'UTC', ${ISO_MS}) as "createdAt",
    to_char(a.updated_at at time zone 'UTC', ${ISO_MS}) as "updatedAt",
    json_build_object('id', p.id, 'street', p.street, 'postalCode', p.postal_code, 'city', p.city,
      'unitNumber', p.unit_number, 'municipality', p.municipality, 'gnr', p.gnr, 'bnr', p.bnr, 'fnr', p.fnr,
      'snr', p.snr, 'cadastreId', p.cadastre_id, 'cooperativeOrganizationNumber', p.cooperative_organization_number,
      'shareNumber', p.share_number) as property,
    ${party('c')} as client,
    ${party('pay')} as payer,
    case when b.id is null then null else ${party('b')} end as broker,
    case when ap.id is null then null else json_build_object('id', ap.id, 'name', ap.name) end as appraiser
  from assignments a
  join properties p on p.id = a.property_id
  join parties c on c.id = a.client_id
  join parties pay on pay.id = a.payer_id
  left join parties b on b.id = a.broker_id
  left join appraisers ap on ap.id = a.appraiser_id`;

export async function findAssignmentRow(
  em: EntityManager,
  by: { id: string } | { reference: string },
): Promise<AssignmentRow | undefined> {
  const [column, value] = 'id' in by ? ['id', by.id] : ['reference', by.reference];
  const rows = await selectRows<AssignmentRow>(em, `${SELECT} where a.${column} = ?`, [value]);
  return rows[0];
}

/** The sort key as SQL, and how a row's value of it goes into a cursor. */
const SORTS = {
  createdAt: { expression: 'a.created_at', cursorValue: (row: AssignmentRow) => row.createdAt },
  // Undated assignments sort after every dated one, in both directions' keyset alike.
  dueDate: {
    expression: "coalesce(a.due_date, 'infinity'::date)",
    cursorValue: (row: AssignmentRow) => row.dueDate ?? 'infinity',
  },
} as const;

/** `like` patterns for each word of a search; the trigram index on search_text serves them. */
export function searchPatterns(q: string): string[] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
}

function filterConditions(input: ListAssignmentsInput): { conditions: string[]; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    conditions.push(sql);
    params.push(...values);
  };
  if (input.status) add(`a.status in (${placeholders(input.status)})`, ...input.status);
  if (input.type) add(`a.type in (${placeholders(input.type)})`, ...input.type);
  if (input.appraiserId) add('a.appraiser_id = ?', input.appraiserId);
  if (input.clientId) add('a.client_id = ?', input.clientId);
  if (input.municipality) add('a.municipality = ?', input.municipality);
  if (input.createdFrom) add('a.created_at >= ?', input.createdFrom);
  if (input.createdTo) add('a.created_at < ?', input.createdTo);
  if (input.dueBefore) add('a.due_date < ?', input.dueBefore);
  if (input.updatedSince) add('a.updated_at >= ?', input.updatedSince);
  if (input.q) for (const pattern of searchPatterns(input.q)) add('a.search_text like ?', pattern);
  return { conditions, params };
}

export async function listAssignmentRows(
  em: EntityManager,
  input: ListAssignmentsInput,
): Promise<{ items: AssignmentRow[]; nextCursor: string | null }> {
  const sort = SORTS[input.sort];
  const direction = input.direction ?? (input.sort === 'createdAt' ? 'desc' : 'asc');
  const sortTag = `${input.sort}:${direction}`;
  const { conditions, params } = filterConditions(input);
  if (input.cursor) {
    const after = decodeCursor(input.cursor, sortTag);
    // A row-value comparison walks one range of the (sort key, id) index.
    conditions.push(`(${sort.expression}, a.id) ${direction === 'desc' ? '<' : '>'} (?, ?)`);
    params.push(after.at, after.id);
  }
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  params.push(input.limit + 1);
  const rows = await selectRows<AssignmentRow>(
    em,
    `${SELECT} ${where} order by ${sort.expression} ${direction}, a.id ${direction} limit ?`,
    params,
  );
  // One row more than asked tells whether another page exists, without a COUNT.
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > input.limit && last ? encodeCursor({ at: sort.cursorValue(last), id: last.id, sort: sortTag }) : null;
  return { items, nextCursor };
}
