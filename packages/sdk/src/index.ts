import type { AppRouter } from '@takst/api/router-type';
import { TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

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
  SCOPES,
} from '@takst/contract/enums';
export { ASSIGNMENT_TRANSITIONS, allowedTransitions } from '@takst/contract/lifecycle';
export { createTakstClient, type TakstClient, type TakstClientOptions } from './client';
export type { EventHelpers, EventPage, IterateEventsOptions, TakstEvent } from './events';
export { type IdempotentCallOptions, withIdempotencyKey } from './idempotency';
export {
  type VerifyWebhookOptions,
  verifyWebhook,
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

/** An error the platform answered with; `error.data` carries `errorCode`, `requestId` and `issues`. */
export type TakstClientError = TRPCClientError<AppRouter>;
export type TakstErrorCode = NonNullable<TakstClientError['data']>['errorCode'];

/** True when `error` came from the platform, and when given, carries that domain error code. */
export function isTakstError(error: unknown, errorCode?: TakstErrorCode): error is TakstClientError {
  if (!(error instanceof TRPCClientError)) return false;
  return errorCode === undefined || (error as TakstClientError).data?.errorCode === errorCode;
}
