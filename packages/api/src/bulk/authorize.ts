import type { Scope } from '@takst/contract';
import { authenticate, authorize } from '../auth/caller';
import type { Actor, Platform } from '../platform';

/**
 * The caller of a plain HTTP endpoint beside tRPC (the NDJSON export, /metrics), checked as the procedure
 * middleware checks a procedure's: its API key resolved, its rate limit charged once, the scope
 * required. Throws the same refusals.
 */
export async function authorizeHttpCall(
  platform: Platform,
  authorization: string | null,
  scope: Scope,
): Promise<Actor> {
  const actor = await authenticate(platform, authorization);
  platform.rateLimiter.charge(actor.clientId);
  authorize(actor, scope);
  return actor;
}
