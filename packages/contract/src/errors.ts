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
  /** Present on MISSING_SCOPE. */
  requiredScope?: string;
  stack?: string;
}
