import type { ErrorCode } from './enums';

/** One problem with the input, as zod found it, in a form that survives JSON. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/**
 * `error.data` of every error the platform returns, over tRPC and REST alike.
 * A plain interface on purpose: it is part of the SDK's public types.
 */
export interface TakstErrorData {
  /** tRPC's code, e.g. `NOT_FOUND`, `CONFLICT`. */
  code: string;
  httpStatus: number;
  path?: string;
  /** Stable domain code, e.g. `ASSIGNMENT_NOT_FOUND`, `VERSION_CONFLICT`. */
  errorCode: ErrorCode;
  requestId: string | null;
  /** Present when the input failed validation. */
  issues?: ValidationIssue[];
  /** MISSING_SCOPE: the scope the procedure needs. */
  requiredScope?: string;
  /** VERSION_CONFLICT: the version the thing is at now. */
  currentVersion?: number;
  /** INVALID_TRANSITION: where the assignment was, where it was asked to go, and where it may go. */
  from?: string;
  to?: string;
  allowed?: string[];
  /** APPRAISER_NOT_CERTIFIED: the certification area missing, and the day it was checked for. */
  requiredCertification?: string;
  on?: string;
  /** A replayed webhooks.create / rotateSecret: the endpoint the first call made (its secret is not shown again). */
  webhookEndpointId?: string;
  /** DUPLICATE_ORGANIZATION_NUMBER: the party that already has the number. */
  existingPartyId?: string;
  /** RATE_LIMITED: whole seconds until the next call is allowed (also the Retry-After header). */
  retryAfterSeconds?: number;
  /** CONFLICT on an idempotent retry of a call that issued an API key: the client it made. */
  apiClientId?: string;
  /** EMAIL_TAKEN, APPRAISER_ALREADY_LINKED: the user who has the email or the appraiser already. */
  existingUserId?: string;
  /** CONFLICT on an idempotent retry of a call that issued a set-password link: the user it was for. */
  userId?: string;
}
