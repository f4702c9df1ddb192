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

/**
 * `admin` grants every other scope. Inspections, reports and notes hang off assignments and
 * share their scopes.
 */
export const SCOPES = [
  'assignments:read',
  'assignments:write',
  'properties:read',
  'properties:write',
  'parties:read',
  'parties:write',
  'appraisers:read',
  'appraisers:write',
  'audit:read',
  'events:read',
  'webhooks:manage',
  'metrics:read',
  'users:act_for',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What a person does in the firm. Each role grants scopes (ROLE_SCOPES) and some rules go
 * further than scopes: see docs/identity.md.
 */
export const ROLES = ['appraiser', 'reviewer', 'support', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The scopes a signed-in person holds through each of their roles; a person holds the union. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  appraiser: [
    'assignments:read',
    'assignments:write',
    'properties:read',
    'properties:write',
    'parties:read',
    'appraisers:read',
    'audit:read',
    'events:read',
  ],
  reviewer: [
    'assignments:read',
    'assignments:write',
    'properties:read',
    'parties:read',
    'appraisers:read',
    'audit:read',
    'events:read',
  ],
  support: [
    'assignments:read',
    'assignments:write',
    'properties:read',
    'properties:write',
    'parties:read',
    'parties:write',
    'appraisers:read',
    'audit:read',
    'events:read',
  ],
  admin: ['admin'],
};

/** Stable domain error codes, carried in `error.data.errorCode` beside tRPC's own `data.code`. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'MISSING_SCOPE',
  'NOT_FOUND',
  'ASSIGNMENT_NOT_FOUND',
  'VERSION_CONFLICT',
  'INVALID_TRANSITION',
  'TRANSITION_GUARD_FAILED',
  'INVALID_CURSOR',
  'PROPERTY_NOT_FOUND',
  'PARTY_NOT_FOUND',
  'APPRAISER_NOT_FOUND',
  'APPRAISER_INACTIVE',
  'APPRAISER_NOT_CERTIFIED',
  'APPRAISER_UNAVAILABLE',
  'INSPECTION_NOT_FOUND',
  'INSPECTION_NOT_OPEN',
  'REPORT_NOT_FOUND',
  'REPORT_LOCKED',
  'REPORT_WRONG_STATE',
  'REPORT_KIND_MISMATCH',
  'REVIEWER_IS_AUTHOR',
  'PROPERTY_IDENTITY_CONFLICT',
  'DUPLICATE_ORGANIZATION_NUMBER',
  'API_CLIENT_NOT_FOUND',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_INVALID',
  'EXTERNAL_REF_NOT_FOUND',
  'EXTERNAL_REF_CONFLICT',
  'EXTERNAL_REF_AMBIGUOUS',
  'WEBHOOK_NOT_FOUND',
  'WEBHOOK_URL_REFUSED',
  'DELIVERY_NOT_FOUND',
  'WEBHOOK_SECRET_UNREADABLE',
  'UNKNOWN_EVENT_TYPE',
  'RATE_LIMITED',
  'CONFLICT',
  'BAD_REQUEST',
  'METHOD_NOT_SUPPORTED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'USER_NOT_FOUND',
  'EMAIL_TAKEN',
  'APPRAISER_ALREADY_LINKED',
  'USER_INACTIVE',
  'SIGN_IN_FAILED',
  'SIGN_IN_THROTTLED',
  'OIDC_NOT_CONFIGURED',
  'OIDC_STATE_INVALID',
  'OIDC_EMAIL_NOT_ALLOWED',
  'OIDC_NO_ACCOUNT',
  'SET_PASSWORD_LINK_INVALID',
  'PASSWORD_TOO_WEAK',
  'CSRF_REFUSED',
  'CORS_ORIGIN_REFUSED',
  'ROLE_NOT_ALLOWED',
  'NOT_ASSIGNED_TO_YOU',
  'ACTING_FOR_REFUSED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const CERTIFICATION_AREAS = ['condition', 'valuation', 'damage', 'energy', 'area_measurement'] as const;
export type CertificationArea = (typeof CERTIFICATION_AREAS)[number];

/** The certification an appraiser must hold, on the day, to take an assignment of each type. */
export const REQUIRED_CERTIFICATION: Record<AssignmentType, CertificationArea | null> = {
  condition_report: 'condition',
  valuation: 'valuation',
  value_assessment: 'valuation',
  damage_assessment: 'damage',
  complaint_report: 'damage',
  energy_certificate: 'energy',
  area_measurement: 'area_measurement',
  pre_completion_valuation: 'valuation',
  handover_inspection: null,
};

export const INSPECTION_STATUSES = ['booked', 'rescheduled', 'cancelled', 'completed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

export const REPORT_STATUSES = ['draft', 'submitted', 'approved', 'delivered'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** What a report holds depends on the assignment type. */
export const REPORT_KINDS = ['condition', 'valuation', 'energy', 'area'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_KIND_BY_TYPE: Record<AssignmentType, ReportKind> = {
  condition_report: 'condition',
  damage_assessment: 'condition',
  complaint_report: 'condition',
  handover_inspection: 'condition',
  valuation: 'valuation',
  value_assessment: 'valuation',
  pre_completion_valuation: 'valuation',
  energy_certificate: 'energy',
  area_measurement: 'area',
};

export const PARTY_KINDS = ['person', 'organization'] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];
