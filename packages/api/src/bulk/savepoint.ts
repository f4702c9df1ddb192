import type { EntityManager } from '@takst/db';
import { inTransaction } from '../lib/transaction';

/**
 * Runs `work` in a savepoint of `tx` on an EntityManager of its own: when it throws, only its
 * writes are undone and the transaction goes on. Its audit entries are flushed with it; its
 * events join `tx`'s, to be written when `tx` commits.
 */
export async function inSavepoint<T>(tx: EntityManager, work: (inner: EntityManager) => Promise<T>): Promise<T> {
  // clear: the savepoint's unit of work starts empty, so each flush looks at this item's entities only.
  const result = await inTransaction(tx, work, { clear: true });
  // The savepoint's entities were merged into tx; nothing there is left to flush, so let them go.
  tx.clear();
  return result;
}

/** Thrown inside `inSavepoint` to undo work that went well (a dry run), and caught right outside it. */
export class DryRunRollback extends Error {
  constructor() {
    super('dry run: rolled back');
  }
}
