import { type EntityManager, InspectionEntity } from '@takst/db';
import { DomainError } from '../errors';
import { sqlStateOf } from '../lib/sql-state';

/** The statuses that hold an appraiser's time; the same as the database's exclusion constraint. */
export const OPEN_INSPECTION_STATUSES = ['booked', 'rescheduled'] as const;

const OVERLAP_CONSTRAINT = 'inspections_no_overlap';
const EXCLUSION_VIOLATION = '23P01';
const DEADLOCK_DETECTED = '40P01';

export interface TimeSlot {
  startsAt: Date;
  endsAt: Date;
}

export const slotOf = (input: { startsAt: string; endsAt: string }): TimeSlot => ({
  startsAt: new Date(input.startsAt),
  endsAt: new Date(input.endsAt),
});

export function appraiserUnavailable(appraiserId: string, slot: TimeSlot): DomainError {
  const from = slot.startsAt.toISOString();
  const to = slot.endsAt.toISOString();
  return new DomainError(
    'CONFLICT',
    'APPRAISER_UNAVAILABLE',
    `The appraiser already has an open inspection overlapping ${from} – ${to}`,
    { appraiserId, startsAt: from, endsAt: to },
  );
}

/**
 * Refuses a slot that overlaps another open inspection of the appraiser (touching ends are
 * fine). A courtesy check for a clear answer; under concurrency the exclusion constraint decides.
 */
export async function assertAppraiserFree(
  tx: EntityManager,
  appraiserId: string,
  slot: TimeSlot,
  exceptInspectionId?: string,
): Promise<void> {
  const clashes = await tx.count(InspectionEntity, {
    appraiserId,
    status: { $in: [...OPEN_INSPECTION_STATUSES] },
    startsAt: { $lt: slot.endsAt },
    endsAt: { $gt: slot.startsAt },
    ...(exceptInspectionId ? { id: { $ne: exceptInspectionId } } : {}),
  });
  if (clashes > 0) throw appraiserUnavailable(appraiserId, slot);
}

/**
 * Whether writing an open inspection lost the race for the appraiser's time: on
 * `inspections_no_overlap`, or as PostgreSQL's deadlock victim. Two transactions inserting
 * overlapping rows at once can each find the other's uncommitted row in the constraint's check
 * and wait for it; PostgreSQL then cancels one (40P01) and the other books the time.
 */
export function lostOverlapRace(error: unknown): boolean {
  const state = sqlStateOf(error);
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return (state === EXCLUSION_VIOLATION && constraint === OVERLAP_CONSTRAINT) || state === DEADLOCK_DETECTED;
}
