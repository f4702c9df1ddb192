import { type EntityManager, UserTokenEntity } from '@takst/db';
import { sql } from '../bulk/sql';
import { DomainError } from '../errors';
import { selectRows } from '../lib/read-model';
import { hashToken, isWellFormedToken, newToken } from '../lib/tokens';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import { assertPasswordAllowed, hashPassword } from './passwords';
import { endOpenSessions } from './sessions';

/** How long a set-password link works: 72 hours, long enough to span a weekend. */
export const SET_PASSWORD_LINK_TTL_MS = 72 * 60 * 60 * 1000;

export interface SetPasswordLink {
  token: string;
  expiresAt: Date;
}

/**
 * A new one-time link for the user, written with `tx`'s next flush; the user's unused links stop
 * working. Only the token's hash is kept: the token itself is in the answer, once.
 */
/** The user's unused set-password links stop working. */
export async function dropUnusedLinks(tx: EntityManager, userId: string): Promise<void> {
  await sql(tx, `delete from user_tokens where user_id = ? and purpose = 'set_password' and used_at is null`, [userId]);
}

export async function issueSetPasswordLink(tx: EntityManager, userId: string, now: Date): Promise<SetPasswordLink> {
  await dropUnusedLinks(tx, userId);
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SET_PASSWORD_LINK_TTL_MS);
  tx.create(UserTokenEntity, {
    id: uuidv7(now.getTime()),
    userId,
    tokenHash: hashToken(token),
    purpose: 'set_password',
    createdAt: now,
    expiresAt,
    usedAt: null,
  });
  return { token, expiresAt };
}

// One answer for every way a link fails (unknown, used, expired, a deactivated person), so a
// guess learns nothing from which.
const linkInvalid = () =>
  new DomainError(
    'BAD_REQUEST',
    'SET_PASSWORD_LINK_INVALID',
    'This set-password link is not valid: it was used, has expired or was replaced. Ask an administrator for a new one.',
  );

interface LinkHolder {
  userId: string;
  email: string;
  name: string;
}

async function holderOfLink(em: EntityManager, tokenHash: string, now: Date): Promise<LinkHolder | undefined> {
  const rows = await selectRows<LinkHolder>(
    em,
    `select u.id as "userId", u.email, u.name from user_tokens t join users u on u.id = t.user_id
     where t.token_hash = ? and t.purpose = 'set_password' and t.used_at is null and t.expires_at > ? and u.active`,
    [tokenHash, now],
  );
  return rows[0];
}

/**
 * Sets the password of the person a set-password link was issued to, and uses the link up: in
 * one transaction the link is marked used, the argon2id hash stored, and the person's open
 * sessions ended (whoever held one may have known the old password). A link works once, before
 * it expires, for an active person; SET_PASSWORD_LINK_INVALID otherwise. A password the policy
 * refuses (PASSWORD_TOO_WEAK) leaves the link usable.
 */
export async function setPasswordWithToken(
  em: EntityManager,
  token: string,
  password: string,
): Promise<{ userId: string }> {
  if (!isWellFormedToken(token)) throw linkInvalid();
  const tokenHash = hashToken(token);
  const holder = await holderOfLink(em, tokenHash, new Date());
  if (!holder) throw linkInvalid();
  assertPasswordAllowed(password, holder);
  // Hashed before the transaction, so no row stays locked while argon2 works.
  const passwordHash = await hashPassword(password);
  return inTransaction(em, async (tx) => {
    const now = new Date();
    // Conditional on the link being unused still: of two uses at once, one finds it so.
    const used = await sql<{ userId: string }>(
      tx,
      `update user_tokens set used_at = ? where token_hash = ? and used_at is null and expires_at > ?
       returning user_id as "userId"`,
      [now.toISOString(), tokenHash, now.toISOString()],
    );
    const userId = used[0]?.userId;
    if (!userId) throw linkInvalid();
    const updated = await sql<{ id: string }>(
      tx,
      `update users set password_hash = ?, updated_at = ?, version = version + 1 where id = ? and active returning id`,
      [passwordHash, now.toISOString(), userId],
    );
    if (updated.length === 0) throw linkInvalid();
    await endOpenSessions(tx, userId, 'password_set', now);
    return { userId };
  });
}
