import { hash, parseOptions, verify } from '@node-rs/argon2';
import { DomainError } from '../errors';

/**
 * argon2id at OWASP's recommended minimum: 19 MiB, two passes, one lane. Measured on the
 * 2-core development machine: ~16 ms to hash and ~18 ms to verify, 19 MiB per hash in flight
 * (libuv's pool runs four at a time). argon2id is the library's default algorithm; a test checks
 * that the stored hashes say `$argon2id$`.
 */
export const PASSWORD_HASH_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

// The same password typed on two systems may arrive composed differently (å as one code point or
// as a + ring); both must match the one hash.
const normalized = (password: string) => password.normalize('NFC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalized(password), PASSWORD_HASH_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Whether `password` matches `passwordHash`. Without a hash (no password set yet) the answer is
 * false only after as long as a real check takes, so the timing does not tell who has a password.
 */
export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummyHash ??= hashPassword('no password is set for this person');
    await verify(await dummyHash, normalized(password));
    return false;
  }
  return verify(passwordHash, normalized(password));
}

/** Whether a stored hash was made with weaker (or other) settings than today's, and should be remade at sign-in. */
export function needsRehash(passwordHash: string): boolean {
  const used = parseOptions(passwordHash);
  return (
    used.memoryCost < PASSWORD_HASH_OPTIONS.memoryCost ||
    used.timeCost < PASSWORD_HASH_OPTIONS.timeCost ||
    used.parallelism !== PASSWORD_HASH_OPTIONS.parallelism
  );
}

/** Why this password may not be used by this person, or null when it may. */
export function passwordWeakness(password: string, person: { email: string; name?: string }): string | null {
  const length = [...normalized(password)].length;
  if (length < PASSWORD_MIN_LENGTH) return `A password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `A password has at most ${PASSWORD_MAX_LENGTH} characters`;
  const folded = password.trim().toLowerCase();
  const email = person.email.toLowerCase();
  const guessable = [email, email.split('@')[0], person.name?.toLowerCase()];
  if (guessable.includes(folded)) return 'A password may not be your email address or your name';
  if (new Set(folded).size === 1) return 'A password may not be one character repeated';
  return null;
}

/** PASSWORD_TOO_WEAK unless the policy (`passwordWeakness`) allows the password for this person. */
export function assertPasswordAllowed(password: string, person: { email: string; name?: string }): void {
  const weakness = passwordWeakness(password, person);
  if (weakness === null) return;
  throw new DomainError('BAD_REQUEST', 'PASSWORD_TOO_WEAK', weakness, {
    issues: [{ path: ['password'], message: weakness, code: 'custom' }],
  });
}
