import type { CreateAssignmentInput, UpsertAssignmentByExternalRefInput } from '@takst/contract';
import type { Assignment, EntityManager } from '@takst/db';
import type { AssignmentRow } from '../assignments/mapper';
import {
  assignAppraiserIn,
  createAssignmentIn,
  getAssignment,
  loadAtVersion,
  patchAssignmentIn,
} from '../assignments/service';
import { lockExistingAssignments, patchFromCreateInput } from '../bulk/existing';
import { inTransaction } from '../lib/transaction';
import type { ServiceContext } from '../platform';
import { addExternalRef, lockAndFindExternalRef } from './store';

type Tx = EntityManager;

/**
 * Updates as `assignments.update` does, with the input made a patch as `bulkUpsert` makes it (an
 * inline property or party that describes the current one keeps it), then gives it a different
 * appraiser as `assignments.assign` does.
 */
async function updateFromCreateInput(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  input: CreateAssignmentInput,
): Promise<boolean> {
  const existing = (await lockExistingAssignments(tx, [assignment.id])).get(assignment.id);
  if (!existing) throw new Error(`assignment ${assignment.id} vanished inside its own transaction`);
  const patched = await patchAssignmentIn(tx, ctx, assignment, patchFromCreateInput(input, existing));
  const newAppraiser = input.appraiserId !== undefined && input.appraiserId !== assignment.appraiserId;
  const assigned = newAppraiser && (await assignAppraiserIn(tx, ctx, assignment, input.appraiserId as string));
  return patched || assigned;
}

export interface AssignmentUpsert {
  assignment: AssignmentRow;
  created: boolean;
  changed: boolean;
}

/** Creates the assignment a reference names and registers the reference, or updates the one it names. */
export async function upsertAssignmentByExternalRef(
  ctx: ServiceContext,
  input: UpsertAssignmentByExternalRefInput,
): Promise<AssignmentUpsert> {
  const outcome = await inTransaction(ctx.em, async (tx) => {
    const ref = await lockAndFindExternalRef(tx, 'assignment', input);
    if (!ref) {
      const id = await createAssignmentIn(tx, ctx, input.assignment);
      addExternalRef(tx, 'assignment', id, input);
      return { id, created: true, changed: true };
    }
    const assignment = await loadAtVersion(tx, ref.entityId, input.expectedVersion);
    const changed = await updateFromCreateInput(tx, ctx, assignment, input.assignment);
    return { id: assignment.id, created: false, changed };
  });
  return { assignment: await getAssignment(ctx.em, outcome.id), created: outcome.created, changed: outcome.changed };
}
