import type { Scope } from '@takst/contract';
import { authenticate, authorize } from '../auth/caller';
import { type Actor, ownerOf, type Platform } from '../platform';

/**
 * The caller of a plain HTTP endpoint beside tRPC (the NDJSON export, /metrics), checked as the procedure
 * middleware checks a procedure's: its API key resolved, its rate limit charged once, the scope
 * required. Throws the same refusals.
 */
export async function authorizeHttpCall(
  platform: Platform,
  authorization: string | null,
  scope: Scope,
): Promise<Actor & { clientId: string }> {
  // Only an API key is looked at here: these endpoints take no session cookie.
  const actor = await authenticate(platform, { authorization });
  if (actor.clientId === null) throw new Error('A key resolved to no API client');
  await platform.rateLimiter.charge(ownerOf(actor));
  authorize(actor, scope);
  return { ...actor, clientId: actor.clientId };
}
