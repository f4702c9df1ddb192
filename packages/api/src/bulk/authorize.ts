import type { Scope } from '@takst/contract';
import { parseBearer } from '../auth/api-keys';
import { hasScope } from '../auth/scopes';
import { DomainError } from '../errors';
import type { Actor, Platform } from '../platform';

/**
 * The caller of a plain HTTP endpoint beside tRPC (the NDJSON export), checked as the procedure
 * middleware checks a procedure's: its API key resolved, its rate limit charged once, the scope
 * required. Throws the same refusals.
 */
export async function authorizeHttpCall(
  platform: Platform,
  authorization: string | null,
  scope: Scope,
): Promise<Actor> {
  const key = parseBearer(authorization);
  if (!key) {
    throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer tk_..."');
  }
  const actor = await platform.apiKeys.resolve(key);
  if (!actor) throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Unknown or revoked API key');
  platform.rateLimiter.charge(actor.clientId);
  if (!hasScope(actor.scopes, scope)) {
    throw new DomainError('FORBIDDEN', 'MISSING_SCOPE', `This API key lacks the scope '${scope}'`, {
      requiredScope: scope,
    });
  }
  return actor;
}
