import type { Operation } from '@trpc/client';

/** The call options that send `key` as a call's `Idempotency-Key`. */
export interface IdempotentCallOptions {
  context: { idempotencyKey: string };
}

/**
 * Call options for `.mutate(input, withIdempotencyKey(key))`: the platform then does the work of
 * a key once, and answers a repeat with the first answer, so a retry is safe. Use one key per
 * intended change, e.g. `crypto.randomUUID()` kept beside the work until it is done.
 */
export function withIdempotencyKey(key: string): IdempotentCallOptions {
  return { context: { idempotencyKey: key } };
}

/** The key a call was made with, if any. */
export function idempotencyKeyOf(op: Pick<Operation, 'context'>): string | undefined {
  const key = op.context.idempotencyKey;
  return typeof key === 'string' ? key : undefined;
}
