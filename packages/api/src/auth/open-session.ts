import type { UserDto } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { sql } from '../bulk/sql';
import { hashToken, newToken } from '../lib/tokens';
import { uuidv7 } from '../lib/uuid';
import { toUserDto } from '../users/mapper';
import { findUserRow } from '../users/read-model';
import type { SessionLifetimes } from './session-cache';

export interface SignedIn {
  /** The session's secret, for the cookie; only its SHA-256 is stored. */
  token: string;
  sessionId: string;
  user: UserDto;
  expiresAt: Date;
}

/** How the person proved who they are: their password, or an OpenID provider. */
export type SignInMethod = 'password' | 'oidc';

export interface SessionOpening {
  userId: string;
  method: SignInMethod;
  /** The client's address and user agent, kept with the session. */
  address: string;
  userAgent: string | null;
}

/**
 * Opens a session for a person who has proved who they are (the caller checked that they are
 * active), lasting `lifetimes.maxMs` at most; null if the user cannot be read back.
 */
export async function openSession(
  em: EntityManager,
  lifetimes: SessionLifetimes,
  opening: SessionOpening,
): Promise<SignedIn | null> {
  const token = newToken();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + lifetimes.maxMs);
  const sessionId = uuidv7(now.getTime());
  await sql(
    em,
    `insert into sessions (id, user_id, token_hash, method, created_at, last_seen_at, expires_at, user_agent, address)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      sessionId,
      opening.userId,
      hashToken(token),
      opening.method,
      now.toISOString(),
      now.toISOString(),
      expiresAt.toISOString(),
      opening.userAgent?.slice(0, 500) ?? null,
      opening.address,
    ],
  );
  const user = await findUserRow(em, opening.userId);
  if (!user) return null;
  return { token, sessionId, user: toUserDto(user), expiresAt };
}
