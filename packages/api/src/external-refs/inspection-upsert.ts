import type { UpsertInspectionByExternalRefInput } from '@takst/contract';
import { type EntityManager, type Inspection, InspectionEntity, LockMode } from '@takst/db';
import { notFound, versionConflict } from '../errors';
import { slotOf } from '../inspections/availability';
import {
  appraiserNameOf,
  bookInspectionIn,
  type InspectionView,
  rescheduleInspectionIn,
  sameSlot,
} from '../inspections/service';
import { inTransaction } from '../lib/transaction';
import type { ServiceContext } from '../platform';
import {
  addExternalRef,
  externalRefConflict,
  externalRefNotFound,
  findExternalRefs,
  lockAndFindExternalRef,
} from './store';

type Tx = EntityManager;
type Target = UpsertInspectionByExternalRefInput['inspection'];

async function assignmentIdOf(tx: Tx, target: Target): Promise<string> {
  if (target.assignmentId) return target.assignmentId;
  const assignmentRef = target.assignmentRef as NonNullable<Target['assignmentRef']>;
  const [ref] = await findExternalRefs(tx, assignmentRef, 'assignment');
  if (!ref) throw externalRefNotFound(assignmentRef, 'assignment');
  return ref.entityId;
}

/** The reference's inspection, locked; it stays with its assignment and appraiser once booked. */
async function loadReferenced(tx: Tx, id: string, assignmentId: string, target: Target): Promise<Inspection> {
  const inspection = await tx.findOne(InspectionEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!inspection) throw notFound('INSPECTION_NOT_FOUND', `No inspection with id ${id}`);
  if (inspection.assignmentId !== assignmentId || inspection.appraiserId !== target.appraiserId) {
    throw externalRefConflict(
      `The reference points to inspection ${id} of another assignment or appraiser; an inspection keeps both, so cancel it and book a new one`,
      { inspectionId: id, assignmentId: inspection.assignmentId, appraiserId: inspection.appraiserId },
    );
  }
  return inspection;
}

/** Moves the inspection to the target's time when it differs; the same time writes nothing. */
async function moveTo(
  tx: Tx,
  ctx: ServiceContext,
  inspection: Inspection,
  target: Target,
  expectedVersion: number | undefined,
): Promise<InspectionView & { changed: boolean }> {
  if (expectedVersion !== undefined && inspection.version !== expectedVersion) {
    throw versionConflict(`Inspection ${inspection.id}`, inspection.version, expectedVersion);
  }
  if (sameSlot(inspection, slotOf(target))) {
    return { inspection, appraiserName: await appraiserNameOf(tx, inspection), changed: false };
  }
  const { startsAt, endsAt } = target;
  const moved = await rescheduleInspectionIn(tx, ctx, {
    id: inspection.id,
    startsAt,
    endsAt,
    expectedVersion: inspection.version,
  });
  return { ...moved, changed: true };
}

export interface InspectionUpsert extends InspectionView {
  created: boolean;
  changed: boolean;
}

/**
 * Books the inspection a reference names (keeping the system and id on it as its source) and
 * registers the reference, or moves the one it names to the given time.
 */
export async function upsertInspectionByExternalRef(
  ctx: ServiceContext,
  input: UpsertInspectionByExternalRefInput,
): Promise<InspectionUpsert> {
  const target = input.inspection;
  return inTransaction(ctx.em, async (tx) => {
    const ref = await lockAndFindExternalRef(tx, 'inspection', input);
    const assignmentId = await assignmentIdOf(tx, target);
    if (ref) {
      const inspection = await loadReferenced(tx, ref.entityId, assignmentId, target);
      return { ...(await moveTo(tx, ctx, inspection, target, input.expectedVersion)), created: false };
    }
    const { appraiserId, startsAt, endsAt } = target;
    const booked = await bookInspectionIn(tx, ctx, {
      assignmentId,
      appraiserId,
      startsAt,
      endsAt,
      sourceSystem: input.system,
      externalId: input.externalId,
    });
    addExternalRef(tx, 'inspection', booked.inspection.id, input);
    return { ...booked, created: true, changed: true };
  });
}
