import { ASSIGNMENT_TYPES, type AssignmentType, containsNationalId, isValidOrganizationNumber } from '@takst/sdk';
import type { AssignmentInput, BulkUpsertItem, ItemKey } from '../bulk-api';
import type { FieldValues } from '../columns';

// Light checks mirroring packages/contract's schemas (which the CLI does not ship: they hold zod;
// the identifier checks come from the SDK and are the platform's own). They
// catch what most files get wrong, with the column named; the platform checks every item again
// and refuses the rest item by item.

const SYSTEM = /^[a-z0-9_.-]{1,100}$/;
const REFERENCE = /^\d{4}-\d{6,}$/;
const POSTAL_CODE = /^\d{4}$/;
const MUNICIPALITY = /^\d{4}$/;
const UNIT_NUMBER = /^[HUKL]\d{4}$/;
const SHARE_NUMBER = /^[0-9A-Za-z-]{1,20}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ()-]{3,32}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export type ItemOutcome = { ok: true; item: BulkUpsertItem } | { ok: false; errors: string[] };

/** Collects every problem of a row, each naming its column, before giving up on it. */
class RowCheck {
  readonly errors: string[] = [];

  constructor(readonly values: FieldValues) {}

  require(field: keyof FieldValues): string | undefined {
    const value = this.values[field];
    if (value === undefined) this.errors.push(`${field} is required`);
    return value;
  }

  text(field: keyof FieldValues, max: number, required: boolean): string | undefined {
    const value = required ? this.require(field) : this.values[field];
    if (value === undefined) return undefined;
    if (value.length > max) this.errors.push(`${field} is longer than ${max} characters`);
    else if (containsNationalId(value)) this.errors.push(`${field} looks like it holds a national identity number`);
    return value;
  }

  pattern(field: keyof FieldValues, pattern: RegExp, expected: string, required = false): string | undefined {
    const value = required ? this.require(field) : this.values[field];
    if (value !== undefined && !pattern.test(value)) this.errors.push(`${field} must be ${expected}, not "${value}"`);
    return value;
  }

  integer(field: keyof FieldValues, min: number): number | undefined {
    const value = this.values[field];
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d{1,5}$/.test(value) || n < min) {
      this.errors.push(`${field} must be a whole number from ${min} to 99999, not "${value}"`);
    }
    return n;
  }

  fail(message: string): void {
    this.errors.push(message);
  }
}

function keyOf(check: RowCheck): ItemKey | undefined {
  const system = check.pattern('external_system', SYSTEM, 'lower-case letters, digits, _ . or -');
  const externalId = check.text('external_id', 200, false);
  const reference = check.pattern('reference', REFERENCE, 'a reference like 2026-000123');
  if (system !== undefined && externalId !== undefined) return { externalRef: { system, externalId } };
  if (system !== undefined || externalId !== undefined) {
    check.fail('external_system and external_id go together: give both, or neither and a reference');
    return undefined;
  }
  if (reference !== undefined) return { reference };
  check.fail('external_system and external_id, or reference, is required');
  return undefined;
}

function propertyOf(check: RowCheck): AssignmentInput['property'] {
  const street = check.text('street', 200, true);
  const postalCode = check.pattern('postal_code', POSTAL_CODE, '4 digits', true);
  const city = check.text('city', 100, true);
  const unitNumber = check.pattern('unit_number', UNIT_NUMBER, 'a unit number like H0101');
  const v = check.values;
  const cadastreGiven = [v.municipality, v.gnr, v.bnr, v.fnr, v.snr].some((value) => value !== undefined);
  const shareGiven = v.share_org_number !== undefined || v.share_number !== undefined;
  if (cadastreGiven && shareGiven) check.fail('a property has cadastre numbers or a share, not both');
  const address = {
    street: street ?? '',
    postalCode: postalCode ?? '',
    city: city ?? '',
    ...(unitNumber ? { unitNumber } : {}),
  };
  if (cadastreGiven) {
    const municipality = check.pattern('municipality', MUNICIPALITY, '4 digits', true);
    const gnr = check.integer('gnr', 1);
    const bnr = check.integer('bnr', 1);
    if (gnr === undefined || bnr === undefined) check.fail('gnr and bnr are required with municipality');
    const fnr = check.integer('fnr', 0);
    const snr = check.integer('snr', 0);
    const cadastre = {
      municipality: municipality ?? '',
      gnr: gnr ?? 0,
      bnr: bnr ?? 0,
      ...(fnr !== undefined ? { fnr } : {}),
      ...(snr !== undefined ? { snr } : {}),
    };
    return { address, cadastre };
  }
  if (shareGiven) {
    const organizationNumber = check.require('share_org_number');
    const shareNumber = check.pattern('share_number', SHARE_NUMBER, 'up to 20 letters, digits or dashes', true);
    if (organizationNumber !== undefined && !isValidOrganizationNumber(organizationNumber)) {
      check.fail(`share_org_number "${organizationNumber}" is not a valid organisation number`);
    }
    return { address, share: { organizationNumber: organizationNumber ?? '', shareNumber: shareNumber ?? '' } };
  }
  return { address };
}

function clientOf(check: RowCheck): AssignmentInput['client'] {
  const name = check.text('client_name', 200, true);
  const email = check.pattern('client_email', EMAIL, 'an e-mail address');
  if (email !== undefined && email.length > 254) check.fail('client_email is longer than 254 characters');
  const phone = check.pattern('client_phone', PHONE, 'digits, spaces, ( ) - and a leading +');
  if (phone !== undefined && containsNationalId(phone))
    check.fail('client_phone looks like a national identity number');
  const organizationNumber = check.values.client_org_number;
  if (organizationNumber !== undefined && !isValidOrganizationNumber(organizationNumber)) {
    check.fail(`client_org_number "${organizationNumber}" is not a valid organisation number (9 digits, mod-11)`);
  }
  return {
    name: name ?? '',
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(organizationNumber ? { organizationNumber } : {}),
  };
}

/** A row's fields as a bulkUpsert item, or every reason it cannot be one. */
export function toItem(values: FieldValues): ItemOutcome {
  const check = new RowCheck(values);
  const key = keyOf(check);
  const type = check.require('type');
  if (type !== undefined && !ASSIGNMENT_TYPES.includes(type as AssignmentType)) {
    check.fail(`type must be one of ${ASSIGNMENT_TYPES.join(', ')}, not "${type}"`);
  }
  const property = propertyOf(check);
  const client = clientOf(check);
  const dueDate = values.due_date;
  if (dueDate !== undefined && !isCalendarDate(dueDate))
    check.fail(`due_date must be a date YYYY-MM-DD, not "${dueDate}"`);
  const notes = check.text('notes', 10_000, false);
  if (check.errors.length > 0 || key === undefined) return { ok: false, errors: check.errors };
  const assignment: AssignmentInput = {
    type: type as AssignmentType,
    property,
    client,
    ...(dueDate ? { dueDate } : {}),
    ...(notes ? { notes } : {}),
  };
  return { ok: true, item: { key, assignment } };
}

/** An NDJSON line that already is a bulkUpsert item: its key checked here, the rest by the platform. */
export function checkGivenItem(value: { key: unknown; assignment: unknown }): ItemOutcome {
  const key = value.key as Record<string, unknown> | null;
  const ref = key?.externalRef as Record<string, unknown> | undefined;
  const validKey =
    (typeof key?.reference === 'string' && REFERENCE.test(key.reference)) ||
    (typeof ref?.system === 'string' &&
      SYSTEM.test(ref.system) &&
      typeof ref.externalId === 'string' &&
      ref.externalId.trim() !== '');
  const errors: string[] = [];
  if (!validKey) errors.push('key must be { "externalRef": { "system", "externalId" } } or { "reference" }');
  if (typeof value.assignment !== 'object' || value.assignment === null) errors.push('assignment must be an object');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, item: value as BulkUpsertItem };
}

/** The identity of an item's key, to find two rows meaning the same assignment. */
export function keyIdentity(key: ItemKey): string {
  return 'reference' in key
    ? `reference:${key.reference}`
    : `ref:${key.externalRef.system}:${key.externalRef.externalId}`;
}
