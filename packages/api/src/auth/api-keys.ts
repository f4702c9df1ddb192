import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'tk_';
const API_KEY_PATTERN = /^tk_[A-Za-z0-9_-]{43,128}$/;

/** 32 random bytes, base64url, behind `tk_` so a leaked key is easy to recognise and scan for. */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function isWellFormedApiKey(key: string): boolean {
  return API_KEY_PATTERN.test(key);
}

/** Keys carry 256 random bits, so a fast hash is enough; no password-style stretching needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Enough of the key to tell keys apart in a listing, too little to guess the rest. */
export function keyPrefixOf(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + 6);
}

export function parseBearer(authorization: string | null): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}

export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
