import { ERROR_CODES, type ErrorCode } from '@takst/contract/enums';
import { TRPCError } from '@trpc/server';
import { isBadValue, sqlStateOf } from './lib/sql-state';

type TrpcCode = TRPCError['code'];

/** A refusal the client can act on: tRPC's code for the transport, a stable domain code beside it. */
export class DomainError extends TRPCError {
  readonly errorCode: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: TrpcCode, errorCode: ErrorCode, message: string, details?: Record<string, unknown>) {
    super({ code, message });
    this.errorCode = errorCode;
    this.details = details;
  }
}

const defaultErrorCodes: Partial<Record<TrpcCode, ErrorCode>> = {
  BAD_REQUEST: 'BAD_REQUEST',
  PARSE_ERROR: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'MISSING_SCOPE',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/**
 * A failure PostgreSQL raised on a value the caller sent (a data exception, SQLSTATE class 22:
 * out of range, not a valid time, …) as the refusal it is, whatever the schemas let through;
 * null for any other error. The schemas should refuse such values first; this keeps one they miss
 * a 400 rather than a 500.
 */
export function refusalOfBadValue(error: unknown): DomainError | null {
  if (error instanceof DomainError) return null;
  const cause = error instanceof TRPCError ? error.code === 'INTERNAL_SERVER_ERROR' && error.cause : error;
  if (!isBadValue(sqlStateOf(cause))) return null;
  return new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', 'Invalid input: the database cannot take a value of it');
}

/** The error as the caller is told of it: a value the database refused is theirs to fix. */
export const publicErrorOf = (error: TRPCError): TRPCError => refusalOfBadValue(error) ?? error;

export function errorCodeOf(error: TRPCError): ErrorCode {
  const refused = refusalOfBadValue(error);
  if (refused) return refused.errorCode;
  if (error instanceof DomainError) return error.errorCode;
  // Output validation also fails with issues, but as INTERNAL_SERVER_ERROR: our fault, not theirs.
  if (error.code === 'BAD_REQUEST' && hasIssues(error.cause)) return sharedCodeOfIssues(error.cause.issues);
  return defaultErrorCodes[error.code] ?? 'INTERNAL';
}

/**
 * A schema may name a more telling code for its issue (`params.errorCode`, e.g. UNKNOWN_EVENT_TYPE);
 * it is the error's code when every issue names it, VALIDATION_FAILED otherwise.
 */
function sharedCodeOfIssues(issues: ReadonlyArray<IssueLike>): ErrorCode {
  const codes = new Set(issues.map((issue) => issue.params?.errorCode));
  const [only] = codes;
  return codes.size === 1 && isErrorCode(only) ? only : 'VALIDATION_FAILED';
}

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);

export function hasIssues(cause: unknown): cause is { issues: ReadonlyArray<IssueLike> } {
  return typeof cause === 'object' && cause !== null && Array.isArray((cause as { issues?: unknown }).issues);
}

interface IssueLike {
  message: string;
  code?: string;
  params?: { errorCode?: unknown } | undefined;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

export function toValidationIssues(issues: ReadonlyArray<IssueLike>) {
  return issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => {
      const key = typeof segment === 'object' ? segment.key : segment;
      return typeof key === 'number' ? key : String(key);
    }),
    message: issue.message,
    code: issue.code ?? 'invalid',
  }));
}

export const notFound = (errorCode: ErrorCode, message: string) => new DomainError('NOT_FOUND', errorCode, message);

export function describeIssues(issues: ReadonlyArray<{ path: (string | number)[]; message: string }>): string {
  const described = issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
  if (issues.length > 5) described.push(`and ${issues.length - 5} more`);
  return described.join('; ');
}

/** An update made at a version that is no longer current: nothing was written. */
export const versionConflict = (what: string, currentVersion: number | undefined, expectedVersion: number) =>
  new DomainError(
    'CONFLICT',
    'VERSION_CONFLICT',
    `${what} is at version ${currentVersion}, not ${expectedVersion}; fetch it again and reapply the change`,
    { currentVersion },
  );
