import { dateSchema, timestampSchema } from '@takst/contract';
import { z } from 'zod';
import { DomainError } from '../errors';

// A forged cursor must fail here, as INVALID_CURSOR, not later in SQL as an internal error.
const sortValueSchema = z.union([timestampSchema, dateSchema, z.literal('infinity')]);
const keysetSchema = z.tuple([sortValueSchema, z.uuid(), z.string().max(32).optional()]);

/**
 * Where a page ended: the sort value and the id of its last row (and which sort it was, so a
 * cursor from one sort is not used with another). Opaque to clients.
 */
export interface Keyset {
  at: string;
  id: string;
  sort?: string;
}

export function encodeCursor(keyset: Keyset): string {
  const parts = keyset.sort ? [keyset.at, keyset.id, keyset.sort] : [keyset.at, keyset.id];
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const invalidCursor = () =>
  new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'The cursor is not one this API returned for this query');

export function decodeCursor(cursor: string, expectedSort?: string): Keyset {
  let parts: z.output<typeof keysetSchema>;
  try {
    parts = keysetSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw invalidCursor();
  }
  const [at, id, sort] = parts;
  if (sort !== expectedSort) throw invalidCursor();
  return sort ? { at, id, sort } : { at, id };
}
