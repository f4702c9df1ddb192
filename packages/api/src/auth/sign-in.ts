import type { EntityManager } from '@takst/db';
import { sql } from '../bulk/sql';
import { DomainError } from '../errors';
import { hashToken, isWellFormedToken } from '../lib/tokens';
import type { Platform } from '../platform';
import { hashPassword, needsRehash, verifyPassword } from '../users/passwords';
import { openSession, type SignedIn } from './open-session';

export type { SignedIn } from './open-session';

/** Failures a key may have before each further try waits; then 1 s, doubling, up to 15 min. */
export const SIGN_IN_FREE_FAILURES = 5;
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;

export interface SignInAttempt {
  email: string;
  password: string;
  /** The client's address, throttled as a whole beside each account. */
  address: string;
  userAgent: string | null;
}

/** How long a key with this many failures must wait after its last one. */
export function throttleDelayMs(failures: number): number {
  if (failures < SIGN_IN_FREE_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** Math.min(failures - SIGN_IN_FREE_FAILURES, 30), MAX_DELAY_MS);
}

export const signInFailed = () => new DomainError('UNAUTHORIZED', 'SIGN_IN_FAILED', 'Wrong email or password');

const throttleKeys = (attempt: SignInAttempt) => [
  `account:${attempt.email.trim().toLowerCase()}`,
  `address:${attempt.address}`,
];

async function assertNotThrottled(em: EntityManager, keys: string[], now: number): Promise<void> {
  const rows = await sql<{ failures: number; lastFailureAt: Date }>(
    em,
    `select failures, last_failure_at as "lastFailureAt" from sign_in_failures
     where key in (select json_array_elements_text(?::json))`,
    [JSON.stringify(keys)],
  );
  let waitMs = 0;
  for (const row of rows) {
    waitMs = Math.max(waitMs, new Date(row.lastFailureAt).getTime() + throttleDelayMs(row.failures) - now);
  }
  if (waitMs <= 0) return;
  const retryAfterSeconds = Math.ceil(waitMs / 1000);
  throw new DomainError(
    'TOO_MANY_REQUESTS',
    'SIGN_IN_THROTTLED',
    `Too many failed sign-ins; try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

async function recordFailure(em: EntityManager, keys: string[], at: Date): Promise<void> {
  await sql(
    em,
    `insert into sign_in_failures (key, failures, last_failure_at)
     select key, 1, ?::timestamptz from json_array_elements_text(?::json) as k(key)
     on conflict (key) do update set failures = sign_in_failures.failures + 1, last_failure_at = excluded.last_failure_at`,
    [at.toISOString(), JSON.stringify(keys)],
  );
}

/**
 * Signs a person in with email and password and opens a session. A wrong email, a wrong
 * password, a person without a password and an inactive person all get the same SIGN_IN_FAILED
 * after about the same time (an unknown email is checked against a dummy hash). Each failure
 * counts against the account and the client's address; past `SIGN_IN_FREE_FAILURES`, tries
 * within the growing delay are refused with SIGN_IN_THROTTLED before the password is looked at.
 */
export async function signIn(platform: Platform, attempt: SignInAttempt): Promise<SignedIn> {
  const em = platform.orm.em.fork();
  const keys = throttleKeys(attempt);
  await assertNotThrottled(em, keys, Date.now());
  const found = await sql<{ id: string; passwordHash: string | null; active: boolean }>(
    em,
    'select id, password_hash as "passwordHash", active from users where lower(email) = lower(?)',
    [attempt.email.trim()],
  );
  const person = found[0];
  const matches = await verifyPassword(person?.passwordHash ?? null, attempt.password);
  if (!person || !matches || !person.active) {
    await recordFailure(em, keys, new Date());
    throw signInFailed();
  }
  await sql(em, 'delete from sign_in_failures where key = ?', [keys[0] as string]);
  if (person.passwordHash && needsRehash(person.passwordHash)) {
    const rehashed = await hashPassword(attempt.password);
    await sql(em, 'update users set password_hash = ? where id = ? and password_hash = ?', [
      rehashed,
      person.id,
      person.passwordHash,
    ]);
  }
  const opened = await openSession(em, platform.sessions.lifetimes, {
    userId: person.id,
    method: 'password',
    address: attempt.address,
    userAgent: attempt.userAgent,
  });
  if (!opened) throw signInFailed();
  return opened;
}

/** Ends the session of this token, if it is open; a trigger tells every process. */
export async function signOut(platform: Platform, token: string): Promise<boolean> {
  if (!isWellFormedToken(token)) return false;
  const ended = await sql<{ id: string }>(
    platform.orm.em.fork(),
    `update sessions set ended_at = ?, ended_reason = 'signed_out' where token_hash = ? and ended_at is null
     returning id`,
    [new Date().toISOString(), hashToken(token)],
  );
  return ended.length > 0;
}
