import { z } from 'zod';
import { DomainError } from '../errors';

const keysetSchema = z.tuple([z.iso.datetime(), z.string().min(1).max(64)]);

/** Where a page ended: the sort value and the id of its last row, opaque to clients. */
export interface Keyset {
  at: string;
  id: string;
}

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.at, keyset.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Keyset {
  try {
    const [at, id] = keysetSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at, id };
  } catch {
    throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'The cursor is not one this API returned');
  }
}
