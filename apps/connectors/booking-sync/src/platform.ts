// What the connector reads of the platform's answers, and how it tells a refusal (the same
// answer however often asked: log it and move on) from a failure (try again later).
import { type Inspection, TakstError } from '@takst/sdk';
import type { Slot } from './slots';
import { ToolRequestError } from './tool';

export const OPEN_INSPECTION_STATUSES: readonly Inspection['status'][] = ['booked', 'rescheduled'];

export const isOpen = (inspection: Inspection) => OPEN_INSPECTION_STATUSES.includes(inspection.status);

export const currentSlotOf = (inspection: Inspection): Slot => ({
  startsAt: inspection.startsAt,
  endsAt: inspection.endsAt,
});

/** Every time the inspection has had, oldest first, the current one last. */
export const slotsOf = (inspection: Inspection): Slot[] => [
  ...inspection.previousTimes.map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
  currentSlotOf(inspection),
];

/** A change that cannot be carried over as it stands (missing data, a rule of the platform). */
export class SyncRefusal extends Error {}

const REFUSAL_STATUSES = new Set([400, 404, 409, 422]);

/**
 * True for answers that repeat however often the call is made: bad input, a rule, something
 * not there. Not for a stale version (read again), nor for a refused key or scope (a
 * configuration to fix, after which the same work must still be done), nor for outages.
 */
export function isRefusal(error: unknown): boolean {
  if (error instanceof SyncRefusal) return true;
  if (error instanceof TakstError) {
    if (error.code === 'VERSION_CONFLICT') return false;
    return error.httpStatus !== null && REFUSAL_STATUSES.has(error.httpStatus);
  }
  if (error instanceof ToolRequestError) return !error.transient;
  return false;
}
