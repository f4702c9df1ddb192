import { z } from 'zod';
import { containsNationalId, isValidOrganizationNumber } from './identifiers';

/** UUIDv7 ids (time-ordered) as plain strings on the wire. */
export const idSchema = z.uuid({ version: 'v7', message: 'Expected a UUIDv7 id' });

// ISO 8601 has a year 0000 and PostgreSQL does not: refused here, not as an error from the database.
const afterYearZero = (value: string) => !value.startsWith('0000');
const YEAR_ZERO = 'Years start at 0001';

/** ISO 8601 timestamp with offset, e.g. 2026-11-27T12:00:00.000Z. */
export const timestampSchema = z.iso.datetime({ offset: true }).refine(afterYearZero, YEAR_ZERO);

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
