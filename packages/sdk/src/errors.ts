import type { AppRouter } from '@takst/api/router-type';
import type { ErrorCode } from '@takst/contract/enums';
import type { TakstErrorData, ValidationIssue } from '@takst/contract/errors';
import { TRPCClientError } from '@trpc/client';
import { HttpAnswerError, NetworkError } from './transport';

/**
 * Codes the SDK gives failures that never got an answer from the platform: the network failed,
 * the attempt ran past `timeoutMs`, the caller's signal aborted, or what answered was not the
 * platform (a proxy's HTML page, say).
 */
export type TakstClientSideErrorCode = 'NETWORK_ERROR' | 'TIMEOUT' | 'ABORTED' | 'BAD_RESPONSE';

/** The platform's stable `errorCode`s, and the SDK's own codes for calls that got no answer. */
export type TakstErrorCode = ErrorCode | TakstClientSideErrorCode;

type TakstErrorShape = NonNullable<TRPCClientError<AppRouter>['shape']>;

interface TakstErrorInit<Code extends TakstErrorCode> {
  code: Code;
  attempts: number;
  shape?: TakstErrorShape | null | undefined;
  cause?: unknown;
  meta?: Record<string, unknown> | undefined;
  httpStatus?: number | null | undefined;
  requestId?: string | null | undefined;
  retryAfterMs?: number | null | undefined;
}

/**
 * Every failed call rejects with a `TakstError`. It extends tRPC's `TRPCClientError`, so
 * `error.data` is still the platform's error data and `instanceof TRPCClientError` still holds.
 */
export class TakstError<Code extends TakstErrorCode = TakstErrorCode> extends TRPCClientError<AppRouter> {
  /** The platform's `data.errorCode`, e.g. `VERSION_CONFLICT`, or the SDK's code when no answer came. */
  readonly code: Code;
  /** tRPC's code, e.g. `CONFLICT`; null when the platform did not answer. */
  readonly trpcCode: string | null;
  /** The HTTP status of the failed call, when there was an answer. */
  readonly httpStatus: number | null;
  /** The platform's request id: quote it to support. */
  readonly requestId: string | null;
  /** What was wrong with the input (`VALIDATION_FAILED`); empty otherwise. */
  readonly issues: readonly ValidationIssue[];
  /** How long the platform asked to wait before trying again (Retry-After), if it said. */
  readonly retryAfterMs: number | null;
  /** How many times the call was sent: 1, or more when it was retried. */
  readonly attempts: number;

  constructor(message: string, init: TakstErrorInit<Code>) {
    super(message, {
      result: init.shape ? { error: init.shape } : null,
      cause: init.cause as Error | undefined,
      meta: init.meta,
    });
    // TRPCClientError resets the prototype to its own, which would hide this class.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'TakstError';
    const data: TakstErrorData | undefined = init.shape?.data;
    this.code = init.code;
    this.trpcCode = data?.code ?? null;
    this.httpStatus = data?.httpStatus ?? init.httpStatus ?? null;
    this.requestId = data?.requestId ?? init.requestId ?? null;
    this.issues = data?.issues ?? [];
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.attempts = init.attempts;
  }
}

/**
 * True when `error` is a `TakstError`, and when `code` is given, one with that code:
 * `if (isTakstError(error, 'VERSION_CONFLICT')) error.code // 'VERSION_CONFLICT'`.
 */
export function isTakstError<Code extends TakstErrorCode = TakstErrorCode>(
  error: unknown,
  code?: Code,
): error is TakstError<Code> {
  return error instanceof TakstError && (code === undefined || error.code === code);
}

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Whether sending the call again may succeed: no answer, or "not now" (429, 502, 503, 504). */
export function isTransient(error: TakstError): boolean {
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') return true;
  return error.httpStatus !== null && RETRYABLE_STATUSES.has(error.httpStatus);
}

/** Retry-After as milliseconds from `now`: whole seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function codeForStatus(status: number | null): TakstErrorCode {
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503 || status === 504) return 'SERVICE_UNAVAILABLE';
  return 'BAD_RESPONSE';
}

interface ResponseLike {
  status: number;
  headers: { get(name: string): string | null };
}

function responseOf(meta: Record<string, unknown> | undefined): ResponseLike | undefined {
  const response = meta?.response as Partial<ResponseLike> | undefined;
  return typeof response?.status === 'number' && response.headers ? (response as ResponseLike) : undefined;
}

/** An `eventsource` ErrorEvent carries the status of a refused stream as `code`. */
function eventStatusOf(cause: unknown): number | null {
  if (typeof Event === 'undefined' || !(cause instanceof Event)) return null;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'number' ? code : null;
}

function fromAnswer(error: TRPCClientError<AppRouter>, attempts: number): TakstError {
  const response = responseOf(error.meta);
  const retryAfterSeconds = error.data?.retryAfterSeconds;
  return new TakstError(error.message, {
    code: error.data?.errorCode ?? 'BAD_RESPONSE',
    attempts,
    shape: error.shape,
    cause: error.cause,
    meta: error.meta,
    requestId: response?.headers.get('x-request-id'),
    retryAfterMs:
      parseRetryAfter(response?.headers.get('retry-after')) ??
      (retryAfterSeconds === undefined ? null : retryAfterSeconds * 1000),
  });
}

/** The error a call stopped by its signal fails with. */
export function abortedError(signal: AbortSignal | null | undefined, attempts: number): TakstError {
  return new TakstError('The call was aborted', { code: 'ABORTED', attempts, cause: signal?.reason });
}

/** A failed attempt as a `TakstError`: what the platform answered, or what went wrong on the way. */
export function toTakstError(error: unknown, attempts: number): TakstError {
  if (error instanceof TakstError) return error;
  const clientError = TRPCClientError.from<AppRouter>(error instanceof Error ? error : { message: String(error) });
  const cause = clientError.cause;
  if (cause instanceof NetworkError) {
    return new TakstError(cause.message, { code: 'NETWORK_ERROR', attempts, cause: cause.cause });
  }
  if (cause instanceof HttpAnswerError) {
    return new TakstError(cause.message, {
      code: codeForStatus(cause.status),
      attempts,
      meta: { response: cause.response },
      httpStatus: cause.status,
      requestId: cause.response.headers.get('x-request-id'),
      retryAfterMs: parseRetryAfter(cause.response.headers.get('retry-after')),
    });
  }
  if (clientError.data) return fromAnswer(clientError, attempts);
  const status = responseOf(clientError.meta)?.status ?? eventStatusOf(cause);
  return new TakstError(clientError.message, {
    code: codeForStatus(status),
    attempts,
    cause,
    meta: clientError.meta,
    httpStatus: status,
  });
}
