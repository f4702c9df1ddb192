import type { EntityManager } from '@takst/db';
import { afterCommit } from '../lib/transaction';
import type { ChangeSync } from './api-client-listener';

/** A cache that a LISTEN channel keeps honest: ApiKeyCache (clients), SessionCache (people). */
export interface AnnouncedCache {
  forget(id: string): void;
}

// Bounded, so a process that does not answer never hangs the admin's call; the change is in
// force in this process either way, and in the others as soon as they hear of it.
const CONFIRMATION_TIMEOUT_MS = 1_000;

/**
 * Makes a change to an API client or a person and answers only once every server process on the
 * database has confirmed it has caught up with the change (`ChangeSync`): by the time the caller
 * holds the answer, no process still accepts the old key or session. Under an Idempotency-Key
 * the change commits with the call's record, after the procedure returns, so the wait is deferred
 * until then. A change that changed nothing (`changed: false`) announces nothing and is not
 * waited for.
 */
export async function announced<T extends object>(
  ctx: { em: EntityManager; changeSync: ChangeSync },
  cache: AnnouncedCache,
  id: string,
  change: () => Promise<T>,
): Promise<T> {
  const result = await change();
  cache.forget(id);
  if ((result as { changed?: boolean }).changed !== false) {
    await afterCommit(ctx.em, {
      work: async () => {
        // Forgotten again: a request may have cached the old state before the commit.
        cache.forget(id);
        await ctx.changeSync.everyProcessCaughtUp(CONFIRMATION_TIMEOUT_MS);
      },
      rolledBack: () => {},
    });
  }
  return result;
}
