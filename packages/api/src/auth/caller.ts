import type { Role } from '@takst/contract/enums';
import { DomainError } from '../errors';
import type { Actor, Platform } from '../platform';
import { actingFor } from './acting-for';
import { parseBearer } from './api-keys';
import { hasScope, type RequiredScope } from './scopes';

/** What a request offers to prove who sends it. */
export interface Credentials {
  authorization: string | null;
  /** The `takst_session` cookie's token; only looked at when no Authorization header was sent. */
  sessionToken?: string | null;
  /** The `X-Takst-Acting-For` header: the id of the person an API client acts for. */
  actingFor?: string | null;
}

const unauthenticated = (message: string) => new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', message);

/**
 * The caller: the API client of an `Authorization: Bearer tk_…` header, or else the person of a
 * session cookie. UNAUTHORIZED without a working key or session.
 */
export async function authenticate(platform: Platform, credentials: Credentials): Promise<Actor> {
  const { authorization, sessionToken } = credentials;
  if (authorization === null && sessionToken) {
    const actor = await platform.sessions.resolve(sessionToken);
    if (!actor) throw unauthenticated('Your session has ended; sign in again');
    return actor;
  }
  const key = parseBearer(authorization);
  if (!key) throw unauthenticated('Send an API key as "Authorization: Bearer tk_..." or sign in');
  const actor = await platform.apiKeys.resolve(key);
  if (!actor) throw unauthenticated('Unknown or revoked API key');
  return credentials.actingFor ? actingFor(platform, actor, credentials.actingFor) : actor;
}

/** FORBIDDEN, naming the scope, unless the caller holds it (`admin` holds every scope). */
export function authorize(actor: Actor, scope: RequiredScope): void {
  if (!hasScope(actor.scopes, scope)) {
    const who = actor.user ? 'Your roles do not grant' : 'This API key lacks';
    throw new DomainError('FORBIDDEN', 'MISSING_SCOPE', `${who} the scope '${scope}'`, {
      requiredScope: scope,
    });
  }
}

/**
 * FORBIDDEN (ROLE_NOT_ALLOWED) unless a person — signed in, or named by an API client acting for
 * them — holds one of the roles the procedure names. API clients on their own answer to scopes only.
 */
export function authorizePerson(actor: Actor, roles: readonly Role[], path: string): void {
  const user = actor.user;
  if (!user || user.roles.some((role) => roles.includes(role as Role))) return;
  throw new DomainError('FORBIDDEN', 'ROLE_NOT_ALLOWED', `${path} is for the roles ${roles.join(', ')}`, {
    allowedRoles: roles,
  });
}

/**
 * Whose assignments a person may work on in this call: the appraiser record of a person whose
 * only role among those the procedure names is `appraiser` (null if they have none: then no
 * assignment is theirs); undefined when the call is not held to own assignments.
 */
export function ownAssignmentsOf(
  actor: Actor,
  roles: readonly Role[],
  appliesToAppraisers: boolean,
): string | null | undefined {
  const user = actor.user;
  if (!user || !appliesToAppraisers) return undefined;
  const broader = user.roles.some((role) => role !== 'appraiser' && roles.includes(role as Role));
  return broader ? undefined : user.appraiserId;
}

/**
 * A change asked for with a session cookie must come from a page of ours: FORBIDDEN
 * (CSRF_REFUSED) without the `x-takst-csrf: 1` header (which another site's page cannot send
 * without CORS's consent) or with an Origin that is neither the server's own nor allow-listed.
 * API keys are never sent by browsers on their own, so they need neither.
 */
export function checkCsrf(actor: Actor, request: { csrfHeader: boolean; originAllowed: boolean }): void {
  if (actor.sessionId === null) return;
  if (!request.csrfHeader) {
    throw new DomainError(
      'FORBIDDEN',
      'CSRF_REFUSED',
      'A change made with a session cookie needs the header x-takst-csrf: 1',
    );
  }
  if (!request.originAllowed) {
    throw new DomainError(
      'FORBIDDEN',
      'CSRF_REFUSED',
      'Changes with a session cookie are not accepted from this origin',
    );
  }
}
