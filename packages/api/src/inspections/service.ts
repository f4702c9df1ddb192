import type {
  AssignmentStatus,
  AssignmentType,
  AuditActionOf,
  BookInspectionInput,
  CancelInspectionInput,
  CompleteInspectionInput,
  ListInspectionsInput,
  RescheduleInspectionInput,
} from '@takst/contract';
import {
  type Assignment,
  AssignmentEntity,
  type EntityManager,
  type Inspection,
  InspectionEntity,
  LockMode,
} from '@takst/db';
import { assertCanTake, dayInOslo } from '../appraisers/certification';
import { loadAppraiser } from '../appraisers/service';
import { advanceIfAllowed, loadAssignmentForUpdate } from '../assignments/lifecycle';
import { recordAudit, type Snapshot, snapshot } from '../audit/record';
import { assertMayWorkOn } from '../auth/assignment-access';
import { DomainError, notFound, versionConflict } from '../errors';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import {
  appraiserUnavailable,
  assertAppraiserFree,
  lostOverlapRace,
  OPEN_INSPECTION_STATUSES,
  slotOf,
  type TimeSlot,
} from './availability';
import { findInspectionRow, type InspectionRow, listInspectionRows } from './read-model';

/** A written inspection and the name of its appraiser, which the DTO shows. */
export interface InspectionView {
  inspection: Inspection;
  appraiserName: string;
}

type Tx = EntityManager;

const BOOKABLE_ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = ['received', 'confirmed', 'inspection_booked'];

const inspectionNotFound = (id: string) => notFound('INSPECTION_NOT_FOUND', `No inspection with id ${id}`);

function assertBookable(assignment: Assignment): void {
  const status = assignment.status as AssignmentStatus;
  if (!BOOKABLE_ASSIGNMENT_STATUSES.includes(status)) {
    throw new DomainError(
      'BAD_REQUEST',
      'INVALID_TRANSITION',
      `Assignment ${assignment.reference} is ${status}; inspections are booked only while it is ${BOOKABLE_ASSIGNMENT_STATUSES.join(', ')}`,
      { status, allowed: BOOKABLE_ASSIGNMENT_STATUSES },
    );
  }
}

/** The appraiser must be able to take the assignment's type on the (Oslo) day the inspection starts. */
async function loadQualifiedAppraiser(tx: Tx, appraiserId: string, assignment: Assignment, slot: TimeSlot) {
  const appraiser = await loadAppraiser(tx, appraiserId);
  assertCanTake(appraiser, assignment.type as AssignmentType, dayInOslo(slot.startsAt));
  return appraiser;
}

const inspectionVersionConflict = (inspection: Inspection, expected: number) =>
  versionConflict(`Inspection ${inspection.id}`, inspection.version, expected);

/**
 * Loads an inspection that is still booked or rescheduled, at the version the caller read, and
 * locks it until commit (so the version check stays true until the write).
 */
async function loadOpenInspectionForUpdate(tx: Tx, id: string, expectedVersion: number): Promise<Inspection> {
  const inspection = await tx.findOne(InspectionEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!inspection) throw inspectionNotFound(id);
  if (!(OPEN_INSPECTION_STATUSES as readonly string[]).includes(inspection.status)) {
    throw new DomainError(
      'BAD_REQUEST',
      'INSPECTION_NOT_OPEN',
      `Inspection ${id} is ${inspection.status}; only a booked or rescheduled inspection can change`,
      { status: inspection.status },
    );
  }
  if (inspection.version !== expectedVersion) throw inspectionVersionConflict(inspection, expectedVersion);
  return inspection;
}

/** Flushes a write, turning a lost race for the time (overlap constraint or deadlock) into APPRAISER_UNAVAILABLE. */
async function flushRefusingOverlap(tx: Tx, appraiserId: string, slot: TimeSlot): Promise<void> {
  try {
    await tx.flush();
  } catch (error) {
    if (lostOverlapRace(error)) throw appraiserUnavailable(appraiserId, slot);
    throw error;
  }
}

function audit(
  tx: Tx,
  ctx: ServiceContext,
  inspection: Inspection,
  action: AuditActionOf<'inspection'>,
  before: Snapshot | null,
) {
  recordAudit(tx, ctx, {
    entityType: 'inspection',
    entityId: inspection.id,
    action,
    before,
    after: snapshot(inspection),
  });
}

/**
 * Books an inspection: the assignment must still be before its inspection, the appraiser able
 * to take its type on the day and free at that time. Moves the assignment to inspection_booked
 * (confirming it on the way from received).
 */
export async function bookInspection(ctx: ServiceContext, input: BookInspectionInput): Promise<InspectionView> {
  return inTransaction(ctx.em, (tx) => bookInspectionIn(tx, ctx, input));
}

/** `bookInspection` in the caller's transaction. */
export async function bookInspectionIn(
  tx: Tx,
  ctx: ServiceContext,
  input: BookInspectionInput,
): Promise<InspectionView> {
  const slot = slotOf(input);
  const assignment = await loadAssignmentForUpdate(tx, input.assignmentId);
  assertMayWorkOn(ctx, assignment);
  assertBookable(assignment);
  const appraiser = await loadQualifiedAppraiser(tx, input.appraiserId, assignment, slot);
  await assertAppraiserFree(tx, appraiser.id, slot);
  const now = new Date();
  const inspection = tx.create(InspectionEntity, {
    id: uuidv7(now.getTime()),
    assignmentId: assignment.id,
    appraiserId: appraiser.id,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    status: 'booked',
    sourceSystem: input.sourceSystem ?? null,
    externalId: input.externalId ?? null,
    cancelReason: null,
    previousTimes: [],
    completedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  audit(tx, ctx, inspection, 'booked', null);
  // The status guard counts booked inspections in the database, so this one must be there.
  await flushRefusingOverlap(tx, appraiser.id, slot);
  await advanceIfAllowed(tx, ctx, assignment, 'inspection_booked', `Inspection ${inspection.id} booked`);
  await tx.flush();
  return { inspection, appraiserName: appraiser.name };
}

export const sameSlot = (inspection: Inspection, slot: TimeSlot) =>
  inspection.startsAt.getTime() === slot.startsAt.getTime() && inspection.endsAt.getTime() === slot.endsAt.getTime();

/** Moves an open inspection to a new time, keeping the old one in previousTimes. */
export async function rescheduleInspection(
  ctx: ServiceContext,
  input: RescheduleInspectionInput,
): Promise<InspectionView> {
  return inTransaction(ctx.em, (tx) => rescheduleInspectionIn(tx, ctx, input));
}

/** `rescheduleInspection` in the caller's transaction. */
export async function rescheduleInspectionIn(
  tx: Tx,
  ctx: ServiceContext,
  input: RescheduleInspectionInput,
): Promise<InspectionView> {
  const slot = slotOf(input);
  const inspection = await loadOpenInspectionForUpdate(tx, input.id, input.expectedVersion);
  const assignment = await tx.findOneOrFail(AssignmentEntity, { id: inspection.assignmentId });
  assertMayWorkOn(ctx, assignment);
  if (sameSlot(inspection, slot)) return { inspection, appraiserName: await appraiserNameOf(tx, inspection) };
  const appraiser = await loadQualifiedAppraiser(tx, inspection.appraiserId, assignment, slot);
  await assertAppraiserFree(tx, appraiser.id, slot, inspection.id);
  const before = snapshot(inspection);
  const now = new Date();
  const previous = {
    startsAt: inspection.startsAt.toISOString(),
    endsAt: inspection.endsAt.toISOString(),
    changedAt: now.toISOString(),
  };
  tx.assign(inspection, {
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    status: 'rescheduled',
    previousTimes: [...inspection.previousTimes, previous],
    updatedAt: now,
  });
  audit(tx, ctx, inspection, 'rescheduled', before);
  await flushRefusingOverlap(tx, appraiser.id, slot);
  return { inspection, appraiserName: appraiser.name };
}

export async function appraiserNameOf(tx: Tx, inspection: Inspection): Promise<string> {
  return (await loadAppraiser(tx, inspection.appraiserId)).name;
}

/** Cancels an open inspection with a reason; the assignment keeps its status. */
export async function cancelInspection(ctx: ServiceContext, input: CancelInspectionInput): Promise<InspectionView> {
  return inTransaction(ctx.em, async (tx) => {
    const inspection = await loadOpenInspectionForUpdate(tx, input.id, input.expectedVersion);
    assertMayWorkOn(ctx, await tx.findOneOrFail(AssignmentEntity, { id: inspection.assignmentId }));
    const before = snapshot(inspection);
    tx.assign(inspection, { status: 'cancelled', cancelReason: input.reason, updatedAt: new Date() });
    audit(tx, ctx, inspection, 'cancelled', before);
    await tx.flush();
    return { inspection, appraiserName: await appraiserNameOf(tx, inspection) };
  });
}

/** Marks an open inspection done and moves its assignment to inspected when it awaits that. */
export async function completeInspection(ctx: ServiceContext, input: CompleteInspectionInput): Promise<InspectionView> {
  return inTransaction(ctx.em, async (tx) => {
    // The assignment is locked before the inspection, as booking does, so the two never deadlock.
    const assignment = await loadAssignmentForUpdate(tx, await assignmentIdOf(tx, input.id));
    assertMayWorkOn(ctx, assignment);
    const inspection = await loadOpenInspectionForUpdate(tx, input.id, input.expectedVersion);
    const before = snapshot(inspection);
    const now = new Date();
    tx.assign(inspection, { status: 'completed', completedAt: now, updatedAt: now });
    audit(tx, ctx, inspection, 'completed', before);
    // The status guard counts completed inspections in the database, so this one must be there.
    await tx.flush();
    await advanceIfAllowed(tx, ctx, assignment, 'inspected', `Inspection ${inspection.id} completed`);
    await tx.flush();
    return { inspection, appraiserName: await appraiserNameOf(tx, inspection) };
  });
}

async function assignmentIdOf(tx: Tx, inspectionId: string): Promise<string> {
  const row = await findInspectionRow(tx, inspectionId);
  if (!row) throw inspectionNotFound(inspectionId);
  return row.assignmentId;
}

export async function getInspection(em: EntityManager, id: string): Promise<InspectionRow> {
  const row = await findInspectionRow(em, id);
  if (!row) throw inspectionNotFound(id);
  return row;
}

export const listInspections = (em: EntityManager, input: ListInspectionsInput) => listInspectionRows(em, input);
