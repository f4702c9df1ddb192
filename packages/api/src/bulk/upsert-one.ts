import type { BulkUpsertItem, CreateAssignmentInput } from '@takst/contract';
import type { Assignment, EntityManager } from '@takst/db';
import {
  assignAppraiserIn,
  assignmentNotFound,
  createAssignmentIn,
  loadAtVersion,
  patchAssignmentIn,
} from '../assignments/service';
import { addExternalRef, lockAndFindExternalRef } from '../external-refs/store';
import type { ServiceContext } from '../platform';
import { type ExistingAssignment, lockExistingAssignments, patchFromCreateInput } from './existing';
import { sql } from './sql';

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

/**
 * Updates as `assignments.update` does, then gives it another appraiser as `assignments.assign`
 * does: what `upsertByExternalRef` does to an assignment that exists.
 */
export async function updateFromCreateInput(
  tx: EntityManager,
  ctx: ServiceContext,
  assignment: Assignment,
  existing: ExistingAssignment,
  input: CreateAssignmentInput,
): Promise<boolean> {
  const patched = await patchAssignmentIn(tx, ctx, assignment, patchFromCreateInput(input, existing));
  const newAppraiser = input.appraiserId !== undefined && input.appraiserId !== assignment.appraiserId;
  const assigned = newAppraiser && (await assignAppraiserIn(tx, ctx, assignment, input.appraiserId as string));
  return patched || assigned;
}

async function idOfReference(tx: EntityManager, reference: string): Promise<string> {
  const [row] = await sql<{ id: string }>(tx, 'select id from assignments where reference = ?', [reference]);
  if (!row) throw assignmentNotFound(`reference ${reference}`);
  return row.id;
}

/**
 * One item the way a single call would do it, in the caller's transaction (run it in a
 * savepoint): by external reference as `upsertByExternalRef`, by reference as an update of the
 * assignment that has it.
 */
export async function upsertOne(
  tx: EntityManager,
  ctx: ServiceContext,
  item: BulkUpsertItem,
): Promise<{ status: UpsertStatus; id: string }> {
  let id: string;
  if ('externalRef' in item.key) {
    const ref = await lockAndFindExternalRef(tx, 'assignment', item.key.externalRef);
    if (!ref) {
      id = await createAssignmentIn(tx, ctx, item.assignment);
      addExternalRef(tx, 'assignment', id, item.key.externalRef);
      return { status: 'created', id };
    }
    id = ref.entityId;
  } else {
    id = await idOfReference(tx, item.key.reference);
  }
  const assignment = await loadAtVersion(tx, id, undefined);
  const existing = (await lockExistingAssignments(tx, [id])).get(id) as ExistingAssignment;
  const changed = await updateFromCreateInput(tx, ctx, assignment, existing, item.assignment);
  return { status: changed ? 'updated' : 'unchanged', id };
}
