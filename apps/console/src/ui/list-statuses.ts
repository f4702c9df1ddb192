import type { AssignmentStatus } from '@takst/sdk';

/** The statuses in which there is still work to do on an assignment, and its due date matters. */
export const OPEN_STATUSES: readonly AssignmentStatus[] = [
  'received',
  'confirmed',
  'inspection_booked',
  'inspected',
  'drafting',
  'in_review',
  'on_hold',
];

/** Done and delivered: what the firm has finished, invoiced or not. */
export const FINISHED_STATUSES: readonly AssignmentStatus[] = ['delivered', 'invoiced', 'closed'];
