import { DomainError } from '../errors';
import type { Actor, Platform } from '../platform';
import { parseBearer } from './api-keys';
import { hasScope, type RequiredScope } from './scopes';

/** The API client of an `Authorization: Bearer tk_…` header; UNAUTHORIZED without a working key. */
export async function authenticate(platform: Platform, authorization: string | null): Promise<Actor> {
  const key = parseBearer(authorization);
  if (!key) {
    throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer tk_..."');
  }
  const actor = await platform.apiKeys.resolve(key);
  if (!actor) throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Unknown or revoked API key');
  return actor;
}

/** FORBIDDEN, naming the scope, unless the client holds it (`admin` holds every scope). */
export function authorize(actor: Actor, scope: RequiredScope): void {
  if (!hasScope(actor.scopes, scope)) {
    throw new DomainError('FORBIDDEN', 'MISSING_SCOPE', `This API key lacks the scope '${scope}'`, {
      requiredScope: scope,
    });
  }
}
