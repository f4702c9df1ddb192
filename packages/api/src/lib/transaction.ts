import type { EntityManager } from '@takst/db';
import { adoptQueuedEvents } from '../events/publisher';

/**
 * Runs `work` in a transaction on `em`, or in a savepoint when `em` is already in one (a keyed
 * mutation runs its whole procedure in the transaction that also keeps its idempotency record).
 *
 * MikroORM runs commit hooks for the outermost transaction only, so the events a savepoint
 * queued are handed to the enclosing transaction once the savepoint is released; a savepoint
 * that rolls back takes its events with it.
 */
export async function inTransaction<T>(
  em: EntityManager,
  work: (tx: EntityManager) => Promise<T>,
  options: { clear?: boolean } = {},
): Promise<T> {
  let inner: EntityManager | undefined;
  const result = await em.transactional((tx) => {
    inner = tx;
    return work(tx);
  }, options);
  if (inner && em.isInTransaction()) adoptQueuedEvents(em, inner);
  return result;
}

interface AfterCommit {
  work: () => Promise<void>;
  /** Tidies up when the transaction rolls back instead. */
  rolledBack: () => void;
}

const afterCommitWork = new WeakMap<EntityManager, AfterCommit[]>();

/**
 * Runs `work` once the changes made on `em` are committed: at once when `em` is not inside a
 * transaction (its own transactions have committed), else when the transaction that holds it
 * has committed (`committed`), before the caller is answered. For waits that only make sense
 * after a commit, such as hearing the database's notification of it.
 */
export async function afterCommit(em: EntityManager, then: AfterCommit): Promise<void> {
  if (!em.isInTransaction()) return then.work();
  const queued = afterCommitWork.get(em);
  if (queued) queued.push(then);
  else afterCommitWork.set(em, [then]);
}

/** The transaction `em` ran in has ended: runs what waited for its commit, or tidies up after a rollback. */
export async function transactionEnded(em: EntityManager, outcome: 'committed' | 'rolled back'): Promise<void> {
  const queued = afterCommitWork.get(em) ?? [];
  afterCommitWork.delete(em);
  for (const then of queued) {
    if (outcome === 'committed') await then.work();
    else then.rolledBack();
  }
}
