import type { Operation } from '@trpc/client';

/** The call options that send `key` as a call's `Idempotency-Key`. */
export interface IdempotentCallOptions {
  context: { idempotencyKey: string };
}

/**
 * Call options for `.mutate(input, withIdempotencyKey(key))`: the platform then does the work of
 * a key once, and answers a repeat with the first answer, so a retry is safe. The SDK gives every
 * mutation a key of its own, which covers its own retries; pass yours to cover retries across
 * runs of your program: one key per intended change, kept beside the work until it is done.
 */
export function withIdempotencyKey(key: string): IdempotentCallOptions {
  return { context: { idempotencyKey: key } };
}

/** The key a call was made with, if any. */
export function idempotencyKeyOf(op: Pick<Operation, 'context'>): string | undefined {
  const key = op.context.idempotencyKey;
  return typeof key === 'string' ? key : undefined;
}

/** A fresh random key (a UUIDv4) for one logical call. */
export function newIdempotencyKey(): string {
  // Browsers offer randomUUID only on HTTPS pages; getRandomValues works everywhere.
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
