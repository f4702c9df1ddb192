import type { AssignmentStatus } from './enums';

/**
 * Where an assignment may go from each status. `on_hold` is left only back to the status it was
 * put on hold from (or to `cancelled`); that target is checked against the assignment itself.
 */
export const ASSIGNMENT_TRANSITIONS: Record<AssignmentStatus, readonly AssignmentStatus[]> = {
  received: ['confirmed', 'on_hold', 'cancelled'],
  confirmed: ['inspection_booked', 'on_hold', 'cancelled'],
  inspection_booked: ['confirmed', 'inspected', 'on_hold', 'cancelled'],
  inspected: ['drafting', 'on_hold', 'cancelled'],
  drafting: ['in_review', 'on_hold', 'cancelled'],
  in_review: ['drafting', 'delivered', 'on_hold', 'cancelled'],
  delivered: ['invoiced'],
  invoiced: ['closed'],
  closed: [],
  on_hold: [],
  cancelled: [],
};

/** Statuses an assignment can be put on hold from, and so return to. */
export const HOLDABLE_STATUSES: readonly AssignmentStatus[] = [
  'received',
  'confirmed',
  'inspection_booked',
  'inspected',
  'drafting',
  'in_review',
];

/** The targets allowed from `from`; `heldFrom` is the status an on-hold assignment left. */
export function allowedTransitions(from: AssignmentStatus, heldFrom: AssignmentStatus | null): AssignmentStatus[] {
  if (from === 'on_hold') return heldFrom ? [heldFrom, 'cancelled'] : ['cancelled'];
  return [...ASSIGNMENT_TRANSITIONS[from]];
}
