// Runtime constants without zod, so the SDK can ship them without bundling a validator.

export const ASSIGNMENT_TYPES = [
  'condition_report',
  'valuation',
  'value_assessment',
  'damage_assessment',
  'complaint_report',
  'energy_certificate',
  'area_measurement',
  'pre_completion_valuation',
  'handover_inspection',
] as const;
export type AssignmentType = (typeof ASSIGNMENT_TYPES)[number];

export const ASSIGNMENT_STATUSES = [
  'received',
  'confirmed',
  'inspection_booked',
  'inspected',
  'drafting',
  'in_review',
  'delivered',
  'invoiced',
  'closed',
  'on_hold',
  'cancelled',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** `admin` grants every other scope. */
export const SCOPES = ['assignments:read', 'assignments:write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Stable domain error codes, carried in `error.data.errorCode` beside tRPC's own `data.code`. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'MISSING_SCOPE',
  'NOT_FOUND',
  'ASSIGNMENT_NOT_FOUND',
  'VERSION_CONFLICT',
  'INVALID_TRANSITION',
  'INVALID_CURSOR',
  'RATE_LIMITED',
  'CONFLICT',
  'BAD_REQUEST',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
