import { z } from 'zod';

/** UUIDv7 ids (time-ordered) as plain strings on the wire. */
export const idSchema = z.uuid({ version: 'v7', message: 'Expected a UUIDv7 id' });

/** ISO 8601 timestamp with offset, e.g. 2026-11-27T12:00:00.000Z. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso.date();

export const boundedText = (max: number) => z.string().trim().min(1).max(max);

/** Checks a Norwegian organisation number: 9 digits, last one a mod-11 check digit. */
export function isValidOrganizationNumber(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const digits = [...value].map(Number);
  const sum = weights.reduce((acc, weight, i) => acc + weight * (digits[i] ?? 0), 0);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  return check !== 10 && check === digits[8];
}

export const organizationNumberSchema = z
  .string()
  .trim()
  .regex(/^\d{9}$/, 'Organisation number must be 9 digits')
  .refine(isValidOrganizationNumber, 'Organisation number fails the mod-11 check');

const NATIONAL_ID = /(?<!\d)\d{6}\s?\d{5}(?!\d)/;

/**
 * Eleven digits in a row look like a national identity number (fødselsnummer), which the
 * platform never stores; text that holds one is refused.
 */
export const withoutNationalId = (schema: z.ZodString) =>
  schema.refine((value) => !NATIONAL_ID.test(value), 'Do not send national identity numbers');

export const emailSchema = z.email().max(254);

export const phoneSchema = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^\+?[0-9 ()-]+$/, 'Phone may hold digits, spaces, parentheses, dashes and a leading +')
  .refine((value) => !NATIONAL_ID.test(value), 'Do not send national identity numbers');

export const paginationInput = {
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(512).optional(),
};

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });
