import {
  type AssignmentStatus,
  BULK_MAX_ITEMS,
  type BulkTransitionInput,
  type BulkTransitionResult,
  idSchema,
} from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { changeStatus, loadAssignmentForUpdate } from '../assignments/lifecycle';
import { chooseExportStrategy, matchingIdsInIdOrder } from '../assignments/read-model';
import { DomainError } from '../errors';
import { selectRows } from '../lib/read-model';
import { inTransaction } from '../lib/transaction';
import { itemErrorOf } from './item-errors';
import { DryRunRollback, inSavepoint } from './savepoint';
import type { BulkContext } from './upsert';

const PATH = 'assignments.bulkTransition';

interface Move {
  to: AssignmentStatus;
  reason: string;
  dryRun: boolean;
}

interface Selection {
  ids: string[];
  more: boolean;
  continuation: string | null;
}

function afterIdOf(continuation: string | undefined): string | undefined {
  if (continuation === undefined) return undefined;
  if (idSchema.safeParse(continuation).success) return continuation;
  throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'The continuation is not one bulkTransition returned');
}

/** The assignments a call handles: the ids given (each once), or the next ones matching the filter, in id order. */
async function select(em: EntityManager, input: BulkTransitionInput): Promise<Selection> {
  if (input.ids) return { ids: [...new Set(input.ids)], more: false, continuation: null };
  const filters = input.filter ?? {};
  const afterId = afterIdOf(input.continuation);
  const strategy = await chooseExportStrategy(em, filters);
  const query = matchingIdsInIdOrder(filters, strategy, afterId, BULK_MAX_ITEMS + 1);
  const rows = await selectRows<{ id: string }>(em, query.sql, query.params);
  const ids = rows.slice(0, BULK_MAX_ITEMS).map((row) => row.id);
  const more = rows.length > BULK_MAX_ITEMS;
  return { ids, more, continuation: more ? (ids.at(-1) ?? null) : null };
}

/**
 * Moves one assignment as `assignments.transition` does, without a version check, in a savepoint
 * of its own. A dry run checks the table and the guards, writes, and undoes it.
 */
async function moveOne(tx: EntityManager, ctx: BulkContext, id: string, move: Move): Promise<BulkTransitionResult> {
  const result: BulkTransitionResult = { id, status: move.dryRun ? 'would_move' : 'moved' };
  try {
    await inSavepoint(tx, async (inner) => {
      const assignment = await loadAssignmentForUpdate(inner, id);
      result.reference = assignment.reference;
      result.from = assignment.status as AssignmentStatus;
      await changeStatus(inner, { ...ctx, em: inner }, assignment, move.to, move.reason);
      await inner.flush();
      if (move.dryRun) throw new DryRunRollback();
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return result;
    return {
      ...result,
      status: 'error',
      error: itemErrorOf(error, { logger: ctx.logger, requestId: ctx.requestId, path: PATH, index: id }),
    };
  }
  return result;
}

/**
 * Moves many assignments to one status, each in its own savepoint with its own result, in id
 * order (two calls locking some of the same rows then cannot deadlock). Results come in the
 * order of the ids given, or in id order for a filter.
 */
export async function bulkTransitionAssignments(ctx: BulkContext, input: BulkTransitionInput) {
  const selection = await select(ctx.em, input);
  const move: Move = { to: input.to, reason: input.reason, dryRun: input.dryRun };
  const byId = await inTransaction(ctx.em, async (tx) => {
    const moved = new Map<string, BulkTransitionResult>();
    for (const id of [...selection.ids].sort()) moved.set(id, await moveOne(tx, ctx, id, move));
    return moved;
  });
  return {
    results: selection.ids.map((id) => byId.get(id) as BulkTransitionResult),
    more: selection.more,
    continuation: selection.continuation,
  };
}
