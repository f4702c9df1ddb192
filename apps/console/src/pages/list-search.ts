import {
  ASSIGNMENT_STATUSES,
  ASSIGNMENT_TYPES,
  type AssignmentStatus,
  type AssignmentType,
  type RouterInputs,
} from '@takst/sdk';
import { addDays, isDay, startOfOsloDay } from '../ui/list-dates';

export type ListSort = 'createdAt' | 'dueDate';
export type ListDirection = 'asc' | 'desc';

/**
 * The list's filters as they stand in the URL, so a link shows the same list to a colleague and
 * the back button steps through the filters. Days are whole Oslo days, inclusive both ends.
 */
export interface AssignmentListSearch {
  q?: string;
  status?: AssignmentStatus[];
  type?: AssignmentType[];
  appraiserId?: string;
  clientId?: string;
  municipality?: string;
  createdFrom?: string;
  createdUntil?: string;
  dueBy?: string;
  updatedSince?: string;
  sort?: ListSort;
  direction?: ListDirection;
}

export const PAGE_SIZE = 50;

export const MIN_SEARCH_LENGTH = 2;
const MAX_SEARCH_LENGTH = 200;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** The values of `value` (one or a list) that are among `allowed`, each once, in `allowed`'s order. */
function someOf<T extends string>(value: unknown, allowed: readonly T[]): T[] | undefined {
  const given = Array.isArray(value) ? value : [value];
  const chosen = allowed.filter((item) => given.includes(item));
  return chosen.length > 0 ? chosen : undefined;
}

const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  allowed.find((item) => item === value);

const idOf = (value: unknown) => (typeof value === 'string' && UUID_V7.test(value) ? value.toLowerCase() : undefined);
const dayOf = (value: unknown) => (isDay(value) ? value : undefined);

export function searchTextOf(value: unknown): string | undefined {
  // A number-looking search (a postal code) comes back from the URL as a number.
  const typed = typeof value === 'number' ? String(value) : value;
  if (typeof typed !== 'string') return undefined;
  const trimmed = typed.trim();
  return trimmed.length >= MIN_SEARCH_LENGTH && trimmed.length <= MAX_SEARCH_LENGTH ? trimmed : undefined;
}

/** Keeps only keys with a value, so the URL holds no `status=[]` or `q=` leftovers. */
export function withoutEmpty(search: AssignmentListSearch): AssignmentListSearch {
  return Object.fromEntries(
    Object.entries(search).filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  ) as AssignmentListSearch;
}

/**
 * Parses the URL's search; a value that is not valid is dropped, not shown as an error. Every
 * key is returned, undefined when dropped: the router lays this over the parent routes' search
 * (the raw URL), so a key left out would let the raw value through.
 */
export function validateAssignmentListSearch(search: Record<string, unknown>): AssignmentListSearch {
  const municipality = typeof search.municipality === 'number' ? String(search.municipality) : search.municipality;
  return {
    q: searchTextOf(search.q),
    status: someOf(search.status, ASSIGNMENT_STATUSES),
    type: someOf(search.type, ASSIGNMENT_TYPES),
    appraiserId: idOf(search.appraiserId),
    clientId: idOf(search.clientId),
    municipality: typeof municipality === 'string' && /^\d{4}$/.test(municipality) ? municipality : undefined,
    createdFrom: dayOf(search.createdFrom),
    createdUntil: dayOf(search.createdUntil),
    dueBy: dayOf(search.dueBy),
    updatedSince: dayOf(search.updatedSince),
    sort: oneOf(search.sort, ['createdAt', 'dueDate'] as const),
    direction: oneOf(search.direction, ['asc', 'desc'] as const),
  };
}

type ListInput = Exclude<RouterInputs['assignments']['list'], undefined>;

/** The API's input for the filters: inclusive days become the half-open ranges it takes. */
export function listInputOf(search: AssignmentListSearch): Omit<ListInput, 'cursor'> {
  const input: Omit<ListInput, 'cursor'> = {
    limit: PAGE_SIZE,
    sort: search.sort ?? 'createdAt',
    ...(search.direction ? { direction: search.direction } : {}),
    ...(search.q ? { q: search.q } : {}),
    ...(search.status ? { status: search.status } : {}),
    ...(search.type ? { type: search.type } : {}),
    ...(search.appraiserId ? { appraiserId: search.appraiserId } : {}),
    ...(search.clientId ? { clientId: search.clientId } : {}),
    ...(search.municipality ? { municipality: search.municipality } : {}),
    ...(search.createdFrom ? { createdFrom: startOfOsloDay(search.createdFrom) } : {}),
    ...(search.createdUntil ? { createdTo: startOfOsloDay(addDays(search.createdUntil, 1)) } : {}),
    ...(search.dueBy ? { dueBefore: addDays(search.dueBy, 1) } : {}),
    ...(search.updatedSince ? { updatedSince: startOfOsloDay(search.updatedSince) } : {}),
  };
  return input;
}

export const hasFilters = (search: AssignmentListSearch): boolean =>
  Object.keys(withoutEmpty({ ...search, sort: undefined, direction: undefined })).length > 0;
