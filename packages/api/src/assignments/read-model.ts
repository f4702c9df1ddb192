import type { ExportFilters, ListAssignmentsInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor, type Keyset } from '../lib/cursor';
import { ISO_MS, placeholders, selectPrepared, selectRows } from '../lib/read-model';
import type { AssignmentRow } from './mapper';

const party = (alias: string) => `json_build_object('id', ${alias}.id, 'kind', ${alias}.kind, 'name', ${alias}.name,
  'email', ${alias}.email, 'phone', ${alias}.phone, 'organizationNumber', ${alias}.organization_number)`;

// One row per assignment with the summaries the DTO shows; relations are primary-key lookups.
const COLUMNS = `
  a.id, a.reference, a.type, a.status, a.status_before_hold as "statusBeforeHold", a.version,
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
    case when ap.id is null then null else json_build_object('id', ap.id, 'name', ap.name) end as appraiser`;
export const ASSIGNMENT_RELATIONS = `
  join properties p on p.id = a.property_id
  join parties c on c.id = a.client_id
  join parties pay on pay.id = a.payer_id
  left join parties b on b.id = a.broker_id
  left join appraisers ap on ap.id = a.appraiser_id`;

const BY_ID = `select ${COLUMNS} from assignments a ${ASSIGNMENT_RELATIONS} where a.id = ?`;
const BY_REFERENCE = `select ${COLUMNS} from assignments a ${ASSIGNMENT_RELATIONS} where a.reference = ?`;

export async function findAssignmentRow(
  em: EntityManager,
  by: { id: string } | { reference: string },
): Promise<AssignmentRow | undefined> {
  const [sql, value] = 'id' in by ? [BY_ID, by.id] : [BY_REFERENCE, by.reference];
  const rows = await selectPrepared<AssignmentRow>(em, sql, [value]);
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

interface Conditions {
  sql: string[];
  params: unknown[];
}

const condition = (sql: string, ...params: unknown[]): Conditions => ({ sql: [sql], params });
const combine = (parts: readonly Conditions[]): Conditions => ({
  sql: parts.flatMap((part) => part.sql),
  params: parts.flatMap((part) => part.params),
});
const whereClause = ({ sql }: Conditions) => (sql.length > 0 ? `where ${sql.join(' and ')}` : '');

/** The words of a search, lower-cased like search_text; every one must occur in it. */
const searchWords = (q: string) => q.toLowerCase().split(/\s+/).filter(Boolean);

const likePattern = (word: string) => `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** `like` patterns for each word of a search; the trigram index on search_text serves them. */
export function searchPatterns(q: string): string[] {
  return searchWords(q).map(likePattern);
}

/** The word through the trigram index (`like`), or tested on each row a walk reaches (`strpos`, same meaning). */
const wordCondition = (word: string, onRow: boolean) =>
  onRow ? condition('strpos(a.search_text, ?) > 0', word) : condition('a.search_text like ?', likePattern(word));

/** The statuses in the partial indexes of Migration20261127150000_list_indexes: keep both lists alike. */
const ACTIVE_STATUSES: readonly string[] = [
  'received',
  'confirmed',
  'inspection_booked',
  'inspected',
  'drafting',
  'in_review',
  'on_hold',
];

interface Filters {
  /** Every filter but `q`, as conditions on `assignments a`. */
  all: Conditions;
  /** Those that lead an index of their own, each alone: walking it passes only their rows. */
  indexed: Conditions[];
}

/** The conditions `make` gives for a filter's value, or none when the filter is not given. */
const given = <T>(value: T | undefined, make: (value: T) => Conditions) =>
  value === undefined ? undefined : make(value);

function filterConditions(input: ExportFilters): Filters {
  const status = given(input.status, (values) => condition(`a.status in (${placeholders(values)})`, ...values));
  const appraiser = given(input.appraiserId, (id) => condition('a.appraiser_id = ?', id));
  const client = given(input.clientId, (id) => condition('a.client_id = ?', id));
  const municipality = given(input.municipality, (code) => condition('a.municipality = ?', code));
  const rest = [
    given(input.type, (values) => condition(`a.type in (${placeholders(values)})`, ...values)),
    given(input.createdFrom, (at) => condition('a.created_at >= ?', at)),
    given(input.createdTo, (at) => condition('a.created_at < ?', at)),
    // Means `due_date < ?` (undated never matches, and the bound is a calendar date), written on
    // the key the due-date indexes hold, so it bounds their range instead of filtering a walk.
    given(input.dueBefore, (date) => condition(`${SORTS.dueDate.expression} < ?`, date)),
    given(input.updatedSince, (at) => condition('a.updated_at >= ?', at)),
  ];
  const activeOnly = input.status?.every((value) => ACTIVE_STATUSES.includes(value)) ? status : undefined;
  return {
    all: combine([status, appraiser, client, municipality, ...rest].filter((part) => part !== undefined)),
    indexed: [appraiser, client, municipality, activeOnly].filter((part) => part !== undefined),
  };
}

/** Rows after the cursor's row, in the list's order. */
function keysetConditions(sort: ListAssignmentsInput['sort'], direction: string, after: Keyset): Conditions {
  const { expression } = SORTS[sort];
  // Past the last dated row only undated ones remain. A row comparison with 'infinity' reads to
  // the planner as "beyond the highest key" (about no rows), which made it pick plans that then
  // filtered every undated row; an equality on 'infinity' is estimated from its real frequency.
  if (sort === 'dueDate' && direction === 'asc' && after.at === 'infinity') {
    return { sql: [`${expression} = 'infinity'::date`, 'a.id > ?'], params: [after.id] };
  }
  // A row-value comparison walks one range of the (sort key, id) index.
  return condition(`(${expression}, a.id) ${direction === 'desc' ? '<' : '>'} (?, ?)`, after.at, after.id);
}

/**
 * Up to this many estimated matches, fetching them all through the filters' indexes and sorting
 * them beats walking a sort index past non-matches. Each match costs a table row read from
 * anywhere in the table (~2 µs), so this stays small.
 */
const GATHER_AT_MOST = 10_000;
/**
 * With only time filters (created, due, updated), every match and its sort key is read from one
 * covering index (migration 150000) at ~0.15 µs a row, so gathering pays off for many more.
 */
const GATHER_FROM_ONE_INDEX_AT_MOST = 150_000;
/** A walk of a narrow filter's own index reads at most this many rows (~0.5 µs each, in order). */
const WALK_OWN_INDEX_AT_MOST = 50_000;

/** Created, due and updated are in every sort index and in the updated-at index. */
const onlyTimeFilters = (input: ListAssignmentsInput) =>
  !(input.q || input.status || input.type || input.appraiserId || input.clientId || input.municipality);

/**
 * Time filters whose matches can bunch at one end of the sort, so that a walk of the sort index
 * passes many rows that do not match: `updatedSince` (recent rows, and the odd old one), a
 * created-at range under the due-date sort, `dueBefore` under the created-at sort (each picks a
 * stretch of the other key). The other filters keep about their share of rows all along a sort
 * (type; the finished statuses, which are most rows) or lead an index of their own that a walk
 * follows (appraiser, client, municipality; the active statuses' partial indexes).
 */
function bunchedAlongSort(input: ListAssignmentsInput): boolean {
  const otherKeyRange =
    input.sort === 'createdAt' ? input.dueBefore !== undefined : Boolean(input.createdFrom || input.createdTo);
  return input.updatedSince !== undefined || otherKeyRange;
}

/** The planner's estimate of the rows matching `conditions`. */
async function plannedRows(em: EntityManager, conditions: Conditions): Promise<number> {
  const [row] = await selectRows<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    em,
    `explain (format json) select 1 from assignments a ${whereClause(conditions)}`,
    conditions.params,
  );
  return row?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? Number.POSITIVE_INFINITY;
}

/** The smallest estimate among several condition sets (one at a time: no extra pool connections). */
async function smallestEstimate(em: EntityManager, sets: readonly Conditions[]): Promise<number> {
  let smallest = Number.POSITIVE_INFINITY;
  for (const conditions of sets) smallest = Math.min(smallest, await plannedRows(em, conditions));
  return smallest;
}

/**
 * walk: the planner's plan for `order by … limit`, which follows an index in sort order and skips
 * non-matches; gather: fetch every match through the filters' indexes, then sort; walkOwnIndex: a
 * walk where the search words cannot use the trigram index, so a narrow filter's index is walked.
 */
type Strategy = 'walk' | 'gather' | 'walkOwnIndex';
/** Search words estimated one by one (a round trip each), longest first. */
const ESTIMATED_WORDS = 3;

/**
 * The planner prices a walk as if matches were spread evenly along the index. That holds for
 * most filters; it fails when matches are few (a rare word) or bunched (time filters), where a
 * walk can pass most of the table. Then, if the matches are estimated few, gathering them is
 * bounded by their number.
 */
async function chooseStrategy(
  em: EntityManager,
  input: ListAssignmentsInput,
  filters: Filters,
  words: string[],
): Promise<Strategy> {
  // A rare search word is the other way matches get few; any word may be rare.
  if (!bunchedAlongSort(input) && words.length === 0) return 'walk';
  // The words of one name or address come together, while the planner multiplies their shares
  // as if not: the rarest word alone bounds the matches better. Longer words are the rarer ones;
  // a few are enough, and each costs a round trip.
  const estimated = [...words]
    .sort((a, b) => b.length - a.length)
    .slice(0, ESTIMATED_WORDS)
    .map((word) => wordCondition(word, false));
  const matches = await smallestEstimate(
    em,
    estimated.length > 0 ? estimated.map((word) => combine([filters.all, word])) : [filters.all],
  );
  const limit = onlyTimeFilters(input) ? GATHER_FROM_ONE_INDEX_AT_MOST : GATHER_AT_MOST;
  if (matches > limit) return 'walk';
  if (bunchedAlongSort(input) || filters.indexed.length === 0) return 'gather';
  // Only the words make the matches few. If every word is common and another filter's own index
  // holds few rows, walking that index and testing the words stops at the first page. Gathering
  // would read the trigram index's long posting lists of the common words (~13 ms for a word in
  // one row of ten), which the planner prices cheap: the words are tested with strpos() instead.
  const rarestWord = await smallestEstimate(em, estimated);
  const smallestRange = await smallestEstimate(em, filters.indexed);
  return rarestWord > GATHER_AT_MOST && smallestRange <= WALK_OWN_INDEX_AT_MOST ? 'walkOwnIndex' : 'gather';
}

/** The ids of one page (and one more row), found without joining anything. */
function pageIdsQuery(strategy: Strategy, key: string, direction: string, where: string): string {
  const order = (sortKey: string, id: string) => `order by ${sortKey} ${direction}, ${id} ${direction} limit ?`;
  if (strategy !== 'gather') return `select a.id from assignments a ${where} ${order(key, 'a.id')}`;
  // `offset 0` keeps the subquery from being merged into the ordered query, so the planner fetches
  // its rows the cheapest way (bitmap scans of the filters' indexes) rather than walking a sort index.
  return `select m.id from (select a.id, ${key} as sort_key from assignments a ${where} offset 0) m ${order('m.sort_key', 'm.id')}`;
}

export async function listAssignmentRows(
  em: EntityManager,
  input: ListAssignmentsInput,
): Promise<{ items: AssignmentRow[]; nextCursor: string | null }> {
  const sort = SORTS[input.sort];
  const direction = input.direction ?? (input.sort === 'createdAt' ? 'desc' : 'asc');
  const sortTag = `${input.sort}:${direction}`;
  const after = input.cursor ? decodeCursor(input.cursor, sortTag) : undefined;
  const filters = filterConditions(input);
  const words = input.q ? searchWords(input.q) : [];
  const strategy = await chooseStrategy(em, input, filters, words);
  const keyset = after ? [keysetConditions(input.sort, direction, after)] : [];
  const wordConditions = words.map((word) => wordCondition(word, strategy === 'walkOwnIndex'));
  const conditions = combine([filters.all, ...wordConditions, ...keyset]);
  // The page's ids come first, from assignments alone; only those rows are joined to their relations.
  const rows = await selectRows<AssignmentRow>(
    em,
    `select ${COLUMNS} from (${pageIdsQuery(strategy, sort.expression, direction, whereClause(conditions))}) page
     join assignments a on a.id = page.id ${ASSIGNMENT_RELATIONS}
     order by ${sort.expression} ${direction}, a.id ${direction}`,
    [...conditions.params, input.limit + 1],
  );
  // One row more than asked tells whether another page exists, without a COUNT.
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > input.limit && last ? encodeCursor({ at: sort.cursorValue(last), id: last.id, sort: sortTag }) : null;
  return { items, nextCursor };
}

/** SQL with `?` placeholders and its parameters. */
export interface SqlQuery {
  sql: string;
  params: unknown[];
}

/** gather: fetch every match and sort them; walk: follow the (updated_at, id) index and filter. */
export type ExportStrategy = 'walk' | 'gather';

/**
 * Walks the change-order index unless filters other than `updatedSince` are estimated to leave
 * few rows: then gathering them through their own indexes and sorting beats walking past the rest.
 * An export's filters stay the same from page to page, so a stream decides this once.
 */
export async function chooseExportStrategy(em: EntityManager, filters: ExportFilters): Promise<ExportStrategy> {
  const { updatedSince: _, ...narrowing } = filters;
  if (Object.values(narrowing).every((value) => value === undefined)) return 'walk';
  const words = filters.q ? searchWords(filters.q).map((word) => wordCondition(word, false)) : [];
  const matches = await plannedRows(em, combine([filterConditions(filters).all, ...words]));
  return matches > GATHER_AT_MOST ? 'walk' : 'gather';
}

/**
 * The ids of the assignments matching `filters` after `keyset`, `limit` of them in the order of
 * `orderBy` (columns of `a`): the walk follows that order's index; gathering fetches every match
 * through the filters' own indexes and sorts them.
 */
function matchingIdsQuery(
  filters: ExportFilters,
  strategy: ExportStrategy,
  keyset: Conditions[],
  orderBy: string,
  limit: number,
): SqlQuery {
  const words = filters.q ? searchWords(filters.q).map((word) => wordCondition(word, false)) : [];
  const conditions = combine([filterConditions(filters).all, ...words, ...keyset]);
  const where = whereClause(conditions);
  const sql =
    strategy === 'walk'
      ? `select a.id from assignments a ${where} order by ${orderBy} limit ?`
      : // `offset 0` keeps the planner from merging the subquery into the ordered walk (see pageIdsQuery).
        `select a.id from (select a.id, a.updated_at from assignments a ${where} offset 0) a order by ${orderBy} limit ?`;
  return { sql, params: [...conditions.params, limit] };
}

/** The ids of one export page: matching `filters`, in change order (updated_at, id), after `after`. */
export function exportPageIdsQuery(
  filters: ExportFilters,
  strategy: ExportStrategy,
  after: { at: string; id: string } | undefined,
  limit: number,
): SqlQuery {
  const keyset = after ? [condition('(a.updated_at, a.id) > (?::timestamptz, ?::uuid)', after.at, after.id)] : [];
  return matchingIdsQuery(filters, strategy, keyset, 'a.updated_at, a.id', limit);
}

/** The ids of assignments matching `filters` in id order after `afterId`: an order no write changes. */
export function matchingIdsInIdOrder(
  filters: ExportFilters,
  strategy: ExportStrategy,
  afterId: string | undefined,
  limit: number,
): SqlQuery {
  const keyset = afterId ? [condition('a.id > ?::uuid', afterId)] : [];
  return matchingIdsQuery(filters, strategy, keyset, 'a.id', limit);
}

/** The assignments of one export page as the API shows them, in change order. */
export function exportAssignmentRows(em: EntityManager, page: SqlQuery): Promise<AssignmentRow[]> {
  return selectRows<AssignmentRow>(
    em,
    `select ${COLUMNS} from (${page.sql}) page join assignments a on a.id = page.id ${ASSIGNMENT_RELATIONS}
     order by a.updated_at, a.id`,
    page.params,
  );
}
