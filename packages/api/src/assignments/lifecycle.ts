import { type AssignmentStatus, allowedTransitions } from '@takst/contract';
import {
  type Assignment,
  AssignmentEntity,
  type EntityManager,
  InspectionEntity,
  LockMode,
  ReportVersionEntity,
  StatusChangeEntity,
} from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { DomainError, notFound } from '../errors';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';

type Tx = EntityManager;

const guardFailed = (message: string) => new DomainError('BAD_REQUEST', 'TRANSITION_GUARD_FAILED', message);

/**
 * What must be true before an assignment may enter a status, beyond the transition table;
 * `delivered` also delivers the approved report.
 */
async function enforceGuards(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  to: AssignmentStatus,
  now: Date,
): Promise<void> {
  const assignmentId = assignment.id;
  if (to === 'inspection_booked') {
    const open = await tx.count(InspectionEntity, { assignmentId, status: { $in: ['booked', 'rescheduled'] } });
    if (open === 0) throw guardFailed('An assignment is inspection_booked only with a booked inspection');
  } else if (to === 'inspected') {
    const done = await tx.count(InspectionEntity, { assignmentId, status: 'completed' });
    if (done === 0) throw guardFailed('An assignment is inspected only after a completed inspection');
  } else if (to === 'in_review') {
    const ready = await tx.count(ReportVersionEntity, { assignmentId, status: { $in: ['submitted', 'approved'] } });
    if (ready === 0) throw guardFailed('An assignment goes to review only with a submitted report');
  } else if (to === 'delivered') {
    const approved = await tx.findOne(ReportVersionEntity, { assignmentId, status: 'approved' });
    if (!approved) throw guardFailed('An assignment is delivered only with an approved report');
    const before = snapshot(approved);
    approved.status = 'delivered';
    approved.deliveredAt = now;
    approved.updatedAt = now;
    recordAudit(tx, ctx, {
      entityType: 'report',
      entityId: approved.id,
      action: 'delivered',
      before,
      after: snapshot(approved),
    });
  }
}

/**
 * Moves an assignment to `to`: checks the transition table and the guards, records the change
 * (from, to, actor, reason, time) and an audit entry. Runs inside the caller's transaction.
 */
export async function changeStatus(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  to: AssignmentStatus,
  reason: string | null,
): Promise<void> {
  const from = assignment.status as AssignmentStatus;
  const heldFrom = (assignment.statusBeforeHold as AssignmentStatus | null) ?? null;
  const allowed = allowedTransitions(from, heldFrom);
  if (!allowed.includes(to)) {
    throw new DomainError(
      'BAD_REQUEST',
      'INVALID_TRANSITION',
      `An assignment cannot go from ${from} to ${to}; allowed: ${allowed.join(', ') || 'none'}`,
      { from, to, allowed },
    );
  }
  const now = new Date();
  await enforceGuards(tx, ctx, assignment, to, now);
  const before = snapshot(assignment);
  assignment.statusBeforeHold = to === 'on_hold' ? from : null;
  assignment.status = to;
  assignment.updatedAt = now;
  tx.create(StatusChangeEntity, {
    id: uuidv7(),
    assignmentId: assignment.id,
    fromStatus: from,
    toStatus: to,
    reason,
    actorId: ctx.actor.clientId,
    actorName: ctx.actor.name,
    userId: ctx.actor.user?.id ?? null,
    userName: ctx.actor.user?.name ?? null,
    requestId: ctx.requestId,
    changedAt: now,
  });
  recordAudit(tx, ctx, {
    entityType: 'assignment',
    entityId: assignment.id,
    action: 'status_changed',
    before,
    after: snapshot(assignment),
    reason,
  });
}

/** Loads an assignment for a write in `tx`, locked against concurrent writers until commit. */
export async function loadAssignmentForUpdate(tx: Tx, id: string): Promise<Assignment> {
  const assignment = await tx.findOne(AssignmentEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!assignment) throw notFound('ASSIGNMENT_NOT_FOUND', `No assignment with id ${id}`);
  return assignment;
}

/**
 * A status change that follows from something else (an inspection booked or completed): made
 * when the table allows it from where the assignment is, skipped otherwise. Returns whether it moved.
 */
export async function advanceIfAllowed(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  to: AssignmentStatus,
  reason: string,
): Promise<boolean> {
  const from = assignment.status as AssignmentStatus;
  // Booking straight from `received` confirms the assignment on the way.
  if (to === 'inspection_booked' && from === 'received') {
    await changeStatus(tx, ctx, assignment, 'confirmed', reason);
  }
  const current = assignment.status as AssignmentStatus;
  if (!allowedTransitions(current, null).includes(to) || current === 'on_hold') return false;
  await changeStatus(tx, ctx, assignment, to, reason);
  return true;
}
