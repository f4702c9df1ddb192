import { createHash } from 'node:crypto';
import { DomainError } from '../errors';

const WELL_FORMED_KEY = /^[\x20-\x7e]{1,255}$/;

/**
 * The `Idempotency-Key` of a mutation, checked: 1–255 printable ASCII characters, and one call
 * per key. A batch that carries one key for several mutations cannot say which call the key
 * names, so every call in it is refused rather than guessing.
 */
export function checkIdempotencyKey(raw: string, callsInRequest: number): string {
  if (!WELL_FORMED_KEY.test(raw)) {
    throw new DomainError(
      'BAD_REQUEST',
      'IDEMPOTENCY_KEY_INVALID',
      'The Idempotency-Key header must be 1 to 255 printable ASCII characters',
    );
  }
  if (callsInRequest > 1) {
    throw new DomainError(
      'BAD_REQUEST',
      'IDEMPOTENCY_KEY_INVALID',
      `One Idempotency-Key stands for one call, and this request batches ${callsInRequest}; send each keyed mutation in a request of its own`,
    );
  }
  return raw;
}

/** JSON with every object's keys sorted, so two inputs that mean the same serialise the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** What a key was first used for: the procedure and its input as the client sent it. */
export function fingerprintOf(path: string, rawInput: unknown): string {
  // Recursive, but only over input the procedure middleware has found shallow (lib/raw-input.ts).
  return createHash('sha256').update(path).update('\n').update(canonicalJson(rawInput)).digest('hex');
}
