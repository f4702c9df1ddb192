import { z } from 'zod';
import { containsNationalId, isValidOrganizationNumber } from './identifiers';

/** UUIDv7 ids (time-ordered) as plain strings on the wire. */
export const idSchema = z.uuid({ version: 'v7', message: 'Expected a UUIDv7 id' });

// ISO 8601 has a year 0000 and PostgreSQL does not: refused here, not as an error from the database.
const afterYearZero = (value: string) => !value.startsWith('0000');
const YEAR_ZERO = 'Years start at 0001';

// PostgreSQL refuses offsets of 16 hours or more (SQLSTATE 22009); the zones in use run from
// -12:00 to +14:00, so nothing real is lost.
const OFFSET = /[+-](\d{2}):\d{2}$/;
const MAX_OFFSET_HOURS = 15;
const offsetPostgresTakes = (value: string) => Number(OFFSET.exec(value)?.[1] ?? 0) <= MAX_OFFSET_HOURS;
const OFFSET_RANGE = 'The offset must lie between -15:59 and +15:59, e.g. +01:00 or Z';

// An offset can carry 0001-01-01 back into year 0 or 9999-12-31 on into 10000, which the API
// could not answer in this format.
const inUtcYears = (value: string) => {
  const year = new Date(value).getUTCFullYear();
  // Not a timestamp at all: the format check has said so already.
  return Number.isNaN(year) || (year >= 1 && year <= 9999);
};
const UTC_YEARS = 'The time, in UTC, must fall in the years 0001 to 9999';

/**
 * ISO 8601 timestamp with offset, e.g. 2026-11-27T12:00:00.000Z. Every timestamp the API takes or
 * gives goes through this one schema, so none reaches SQL that PostgreSQL would refuse.
 */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .refine(offsetPostgresTakes, OFFSET_RANGE)
  .refine(inUtcYears, UTC_YEARS);

/** Calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso.date().refine(afterYearZero, YEAR_ZERO);

export const boundedText = (max: number) => z.string().trim().min(1).max(max);

export const organizationNumberSchema = z
  .string()
  .trim()
  .regex(/^\d{9}$/, 'Organisation number must be 9 digits')
  .refine(isValidOrganizationNumber, 'Organisation number fails the mod-11 check');

/** The platform never stores a national identity number (fødselsnummer); text that holds one is refused. */
export const withoutNationalId = (schema: z.ZodString) =>
  schema.refine((value) => !containsNationalId(value), 'Do not send national identity numbers');

export const emailSchema = z.email().max(254);

export const phoneSchema = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^\+?[0-9 ()-]+$/, 'Phone may hold digits, spaces, parentheses, dashes and a leading +')
  .refine((value) => !containsNationalId(value), 'Do not send national identity numbers');

export const paginationInput = {
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
