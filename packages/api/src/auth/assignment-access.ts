import { DomainError } from '../errors';
import type { ServiceContext } from '../platform';

/**
 * FORBIDDEN (NOT_ASSIGNED_TO_YOU) when the caller is a person held to their own assignments in
 * this call (`ownAssignmentsOf`, set by the procedure middleware for an appraiser) and the
 * assignment is given to someone else, or to no one.
 */
export function assertMayWorkOn(
  ctx: Pick<ServiceContext, 'ownAssignmentsOf'>,
  assignment: { id: string; reference: string; appraiserId?: string | null | undefined },
): void {
  const own = ctx.ownAssignmentsOf;
  if (own === undefined) return;
  if (own !== null && (assignment.appraiserId ?? null) === own) return;
  throw new DomainError(
    'FORBIDDEN',
    'NOT_ASSIGNED_TO_YOU',
    `Assignment ${assignment.reference} is not assigned to you; an appraiser works only on their own assignments`,
    { assignmentId: assignment.id },
  );
}
