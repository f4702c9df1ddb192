import type { Role } from '@takst/contract';
import type { EntityManager, User } from '@takst/db';
import { DomainError } from '../errors';
import { inTransaction } from '../lib/transaction';
import type { Actor, Platform } from '../platform';
import { findUserRowByEmail } from '../users/read-model';
import { explainUniqueViolation } from '../users/rules';
import { inRoleOrder, insertUser } from '../users/service';
import { openSession, type SignedIn } from './open-session';
import { scopesOfRoles } from './session-cache';
import { signInFailed } from './sign-in';

/** A person as an OpenID provider vouched for them, once the server has checked the ID token. */
export interface OidcSignInAttempt {
  /** Verified by the provider, in an allowed domain. */
  email: string;
  /** The `name` claim, if the provider sent one. */
  name: string | null;
  /** Platform roles the provider's roles claim maps to; used only to create an unknown person. */
  roles: readonly Role[];
  address: string;
  userAgent: string | null;
  requestId: string;
}

const noAccount = () =>
  new DomainError(
    'FORBIDDEN',
    'OIDC_NO_ACCOUNT',
    'No user has this email, and the identity provider gave no role that would make one',
  );

const NAME_MAX_LENGTH = 200;

/** The name to create a person with: the provider's, else the part of the email before `@`. */
function nameOf(attempt: OidcSignInAttempt): string {
  const name = attempt.name?.trim() || attempt.email.slice(0, attempt.email.indexOf('@'));
  return [...name].slice(0, NAME_MAX_LENGTH).join('');
}

/**
 * Creates the person the provider vouched for, with the mapped roles. The person is the actor of
 * the audit entry and the `user.created` event (no API client or admin was involved; the
 * provider's word is why they exist). The roles never include `appraiser`: that role needs a
 * link to an appraiser record, which only an admin makes (the rules refuse it otherwise).
 */
async function createFromProvider(em: EntityManager, attempt: OidcSignInAttempt): Promise<string> {
  const shape = { email: attempt.email, roles: inRoleOrder(attempt.roles), appraiserId: null };
  const asThemselves = (user: User): Actor => ({
    clientId: null,
    name: user.name,
    scopes: scopesOfRoles(user.roles),
    user: { id: user.id, name: user.name, roles: [...user.roles], appraiserId: null },
    sessionId: null,
  });
  try {
    return await inTransaction(em, async (tx) => {
      const creator = { requestId: attempt.requestId, actorFor: asThemselves };
      return (await insertUser(tx, creator, shape, nameOf(attempt))).id;
    });
  } catch (error) {
    throw await explainUniqueViolation(em, error, shape);
  }
}

/** The person to sign in: the user with the email, or one created from the mapped roles. */
async function userIdFor(em: EntityManager, attempt: OidcSignInAttempt, lostRace = false): Promise<string> {
  const existing = await findUserRowByEmail(em, attempt.email);
  if (existing) {
    if (!existing.active) throw signInFailed();
    return existing.id;
  }
  if (attempt.roles.length === 0) throw noAccount();
  try {
    return await createFromProvider(em, attempt);
  } catch (error) {
    // Two first sign-ins at once: the other created the person, who is simply signed in.
    if (!lostRace && error instanceof DomainError && error.errorCode === 'EMAIL_TAKEN') {
      return userIdFor(em, attempt, true);
    }
    throw error;
  }
}

/**
 * Signs in the person an OpenID provider vouched for and opens a session, as password sign-in
 * does. A user with the email (in any case) signs in with the roles an admin gave them, whatever
 * the provider says of roles now; an inactive one gets SIGN_IN_FAILED, as with a password. An
 * unknown email is created as a new user when the provider's roles map to at least one role,
 * else refused with OIDC_NO_ACCOUNT.
 */
export async function signInWithOidc(platform: Platform, attempt: OidcSignInAttempt): Promise<SignedIn> {
  const em = platform.orm.em.fork();
  const userId = await userIdFor(em, attempt);
  const opened = await openSession(em, platform.sessions.lifetimes, {
    userId,
    method: 'oidc',
    address: attempt.address,
    userAgent: attempt.userAgent,
  });
  if (!opened) throw signInFailed();
  return opened;
}
