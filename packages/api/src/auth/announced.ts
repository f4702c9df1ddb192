import type { EntityManager } from '@takst/db';
import { afterCommit } from '../lib/transaction';
import type { ChangeWatch } from './heard-changes';

/** A cache that a LISTEN channel keeps honest: ApiKeyCache (clients), SessionCache (people). */
export interface AnnouncedCache {
  watchChange(id: string): ChangeWatch;
  forget(id: string): void;
}

// Bounded, so a slow notification never hangs the answer; the change is in force in this
// process either way.
const ANNOUNCEMENT_TIMEOUT_MS = 1_000;

/**
 * Makes a change to an API client or a person and answers only once this process has heard the
 * database's notification of it. PostgreSQL signals every listening process at the same moment,
 * so by the time the caller holds the answer the other servers have, in practice, dropped the old
 * key or session too; without the wait, a quick caller could reach another server a few
 * milliseconds before its notification. Under an Idempotency-Key the change commits with the
 * call's record, after the procedure returns, so the wait is deferred until then. A change that
 * changed nothing (`changed: false`) announces nothing and is not waited for.
 */
export async function announced<T extends object>(
  em: EntityManager,
  cache: AnnouncedCache,
  id: string,
  change: () => Promise<T>,
): Promise<T> {
  const watch = cache.watchChange(id);
  let handedOver = false;
  try {
    const result = await change();
    cache.forget(id);
    if ((result as { changed?: boolean }).changed !== false) {
      handedOver = true;
      await afterCommit(em, {
        work: async () => {
          // Forgotten again: a request may have cached the old state before the commit.
          cache.forget(id);
          await watch.untilHeard(ANNOUNCEMENT_TIMEOUT_MS);
          watch.cancel();
        },
        rolledBack: watch.cancel,
      });
    }
    return result;
  } finally {
    if (!handedOver) watch.cancel();
  }
}
