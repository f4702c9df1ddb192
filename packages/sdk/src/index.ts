import type { AppRouter } from '@takst/api/router-type';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { TakstError } from './errors';

export {
  ASSIGNMENT_STATUSES,
  ASSIGNMENT_TYPES,
  CERTIFICATION_AREAS,
  ERROR_CODES,
  INSPECTION_STATUSES,
  REPORT_KIND_BY_TYPE,
  REPORT_KINDS,
  REPORT_STATUSES,
  REQUIRED_CERTIFICATION,
  ROLE_SCOPES,
  ROLES,
  SCOPES,
} from '@takst/contract/enums';
export {
  EVENT_ENTITY_TYPES,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  type EventEntityType,
  type EventEntityTypeOf,
  type EventType,
  eventTypesOfPattern,
  isEventType,
} from '@takst/contract/event-types';
export { containsNationalId, isNationalIdNumber, isValidOrganizationNumber } from '@takst/contract/identifiers';
export { ASSIGNMENT_TRANSITIONS, allowedTransitions } from '@takst/contract/lifecycle';
export {
  type CheckpointStore,
  type PostgresCheckpoint,
  type PostgresCheckpointOptions,
  postgresCheckpoint,
  type SqlClient,
} from './checkpoints';
export { createTakstClient, type TakstClient, type TakstClientOptions, type TakstCredentials } from './client';
export type { ConsumeOptions, ConsumeSummary } from './consume';
export {
  isTakstError,
  type TakstClientSideErrorCode,
  TakstError,
  type TakstErrorCode,
} from './errors';
export type {
  EventData,
  EventHelpers,
  EventPage,
  IterateEventsOptions,
  TakstEvent,
  TakstWebhookPayload,
} from './events';
export { type IdempotentCallOptions, withIdempotencyKey } from './idempotency';
export type { CursorPage, CursorPageHelpers, PageCallOptions, ToArrayOptions, WithCursorHelpers } from './pagination';
export type { TakstCallContext } from './retry';
export {
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  type ExpressWebhookOptions,
  expressWebhookHandler,
  type NodeLikeRequest,
  type ReadBodyOptions,
  verifyNodeWebhook,
  verifyWebhookRequest,
  type WebhookHandler,
} from './webhook-receivers';
export {
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  verifyWebhookDelivery,
  type WebhookHeaders,
  type WebhookPayload,
  WebhookVerificationError,
  type WebhookVerificationFailure,
} from './webhooks';
export type { AppRouter };

/** Inputs of every procedure, e.g. `RouterInputs['assignments']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure, e.g. `RouterOutputs['assignments']['list']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type Assignment = RouterOutputs['assignments']['get'];
export type AssignmentType = Assignment['type'];
export type AssignmentStatus = Assignment['status'];
export type AssignmentPage = RouterOutputs['assignments']['list'];
export type TimelineEntry = RouterOutputs['assignments']['timeline']['items'][number];
export type Property = RouterOutputs['properties']['get'];
export type Party = RouterOutputs['parties']['get'];
export type Appraiser = RouterOutputs['appraisers']['get'];
export type Inspection = RouterOutputs['inspections']['get'];
export type InspectionStatus = Inspection['status'];
export type Report = RouterOutputs['reports']['get'];
export type ReportStatus = Report['status'];
export type Note = RouterOutputs['notes']['list']['items'][number];
export type AuditEntry = RouterOutputs['audit']['list']['items'][number];
export type ApiClient = RouterOutputs['apiClients']['list']['items'][number];
export type Scope = ApiClient['scopes'][number];
export type User = RouterOutputs['users']['get'];
export type Role = User['roles'][number];
export type InvitedUser = RouterOutputs['users']['create'];
export type Me = RouterOutputs['me']['get'];

/** The platform's `error.data`: `code`, `httpStatus`, `errorCode`, `requestId`, `issues`, details. */
export type { TakstErrorData, ValidationIssue } from '@takst/contract/errors';
/** @deprecated Use `TakstError`, which every failed call now rejects with. */
export type TakstClientError = TakstError;
