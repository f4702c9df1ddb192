import type { ErrorCode } from '@takst/contract/enums';
import { TRPCError } from '@trpc/server';

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
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

export function errorCodeOf(error: TRPCError): ErrorCode {
  if (error instanceof DomainError) return error.errorCode;
  // Output validation also fails with issues, but as INTERNAL_SERVER_ERROR: our fault, not theirs.
  if (error.code === 'BAD_REQUEST' && hasIssues(error.cause)) return 'VALIDATION_FAILED';
  return defaultErrorCodes[error.code] ?? 'INTERNAL';
}

export function hasIssues(cause: unknown): cause is { issues: ReadonlyArray<IssueLike> } {
  return typeof cause === 'object' && cause !== null && Array.isArray((cause as { issues?: unknown }).issues);
}

interface IssueLike {
  message: string;
  code?: string;
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
