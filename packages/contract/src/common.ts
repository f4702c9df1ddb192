import { z } from 'zod';
import { containsNationalId, isValidOrganizationNumber } from './identifiers';

/** UUIDv7 ids (time-ordered) as plain strings on the wire. */
export const idSchema = z.uuid({ version: 'v7', message: 'Expected a UUIDv7 id' }).meta({
  description: 'An id: a UUIDv7 (time-ordered UUID) as a string.',
  examples: ['0193a5e4-7c1d-7b3a-9f2e-4d5c6b7a8e91'],
});

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
  .refine(inUtcYears, UTC_YEARS)
  .meta({
    description:
      'A timestamp, ISO 8601 with a UTC offset (`Z` or `±hh:mm`, under 16 hours), e.g. 2026-03-02T09:30:00.000Z; in UTC it must fall in the years 0001–9999.',
    examples: ['2026-03-02T09:30:00.000Z'],
  });

/** Calendar date, YYYY-MM-DD. */
export const dateSchema = z.iso
  .date()
  .refine(afterYearZero, YEAR_ZERO)
  .meta({ description: 'A calendar date, YYYY-MM-DD (years from 0001).', examples: ['2026-03-20'] });

export const boundedText = (max: number) => z.string().trim().min(1).max(max);

export const organizationNumberSchema = z
  .string()
  .trim()
  .regex(/^\d{9}$/, 'Organisation number must be 9 digits')
  .refine(isValidOrganizationNumber, 'Organisation number fails the mod-11 check')
  .meta({
    description: 'A Norwegian organisation number (organisasjonsnummer): 9 digits, the last a mod-11 check digit.',
    examples: ['987654325'],
  });

/** The platform never stores a national identity number (fødselsnummer); text that holds one is refused. */
export const withoutNationalId = (schema: z.ZodString) =>
  schema.refine((value) => !containsNationalId(value), 'Do not send national identity numbers');

export const emailSchema = z
  .email()
  .max(254)
  .meta({ description: 'An e-mail address, up to 254 characters.', examples: ['kari.nordmann@example.no'] });

export const phoneSchema = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^\+?[0-9 ()-]+$/, 'Phone may hold digits, spaces, parentheses, dashes and a leading +')
  .refine((value) => !containsNationalId(value), 'Do not send national identity numbers')
  .meta({
    description: 'A phone number, 3–32 characters: digits, spaces, parentheses, dashes and a leading +.',
    examples: ['+47 912 34 567'],
  });

/**
 * The version a change expects the record to be at (optimistic concurrency): the `version` last
 * read. A record that has moved on refuses the change with VERSION_CONFLICT.
 */
export const expectedVersionSchema = z
  .number()
  .int()
  .min(1)
  .meta({
    description:
      'The `version` of the record as you last read it. If it has changed since, the call is refused with VERSION_CONFLICT (409, `currentVersion` in the error): read it again and retry.',
    examples: [3],
  });

/** A record's version: 1 when made, one more on each change. */
export const versionSchema = z
  .number()
  .int()
  .min(1)
  .meta({
    description:
      'The version of the record: 1 when it was made, one more on each change. Send it back as `expectedVersion` to change the record.',
    examples: [3],
  });

/** Fields every keyset-paginated list takes. */
export const paginationInput = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .describe('Page size: at most this many items, 1–200; default 50.'),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .describe('Where to go on from: the `nextCursor` of the previous page (opaque). Leave out for the first page.'),
};

/** One page of a keyset-paginated list. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item).describe("This page's items, in the list's order."),
    nextCursor: z
      .string()
      .nullable()
      .describe('Pass it as `cursor` to get the next page; null on the last page. Opaque: do not parse it.'),
  });

/** Free text for a search, trimmed, 2–200 characters. */
export const searchTextSchema = z.string().trim().min(2).max(200);

// Who made a change and from which call: the same in the event log and the audit log.
export const changeActorSchema = z
  .object({
    id: idSchema.nullable().describe('The API client; null for a signed-in person.'),
    name: z.string().meta({ description: "The API client's or the person's name.", examples: ['Kari Nordmann'] }),
  })
  .describe('The API client that made the change (`id`), or the signed-in person (`id` null, their name).');

export const changeUserSchema = z
  .object({
    id: idSchema.describe("The person's user id."),
    name: z.string().meta({ description: "The person's name.", examples: ['Kari Nordmann'] }),
  })
  .nullable()
  .describe('The person who made it: signed in, or acted for by the API client; null for an API client alone.');

export const changeRequestIdSchema = z
  .string()
  .nullable()
  .describe('The `X-Request-Id` of the call that made the change; null when unknown.');

export const fieldChangesSchema = z
  .record(
    z.string(),
    z.object({
      from: z.unknown().describe('The value before.'),
      to: z.unknown().describe('The value after.'),
    }),
  )
  .meta({
    description: 'Field by field, `{ from, to }`, of what the change did.',
    examples: [{ status: { from: 'confirmed', to: 'inspection_booked' } }],
  });
