import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { DomainError } from '@takst/api';
import type { TakstErrorData } from '@takst/contract/errors';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Response } from 'express';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An error as RFC 9457 problem details, the one shape every answer outside `/trpc` refuses in:
 * the REST API, the NDJSON export, sign-in, metrics and unknown routes. `type` names the stable
 * `errorCode` (docs/errors.md), `title` the HTTP status; beside the standard members stand the
 * platform's own: `errorCode`, tRPC's `code`, `requestId`, and whatever the error tells
 * (`issues`, `currentVersion`, `retryAfterSeconds`, …).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errorCode: string;
  code: string;
  requestId: string | null;
  [member: string]: unknown;
}

export const problemType = (errorCode: string) => `urn:takst:error:${errorCode}`;

/** A problem from the fields a tRPC error carries in `error.data`, and its message. */
export function problemOf(data: TakstErrorData, detail: string, instance?: string): Problem {
  const { code, httpStatus, errorCode, requestId, path: _procedure, ...told } = data;
  return {
    type: problemType(errorCode),
    title: STATUS_CODES[httpStatus] ?? 'Error',
    status: httpStatus,
    detail,
    ...(instance ? { instance } : {}),
    errorCode,
    code,
    requestId,
    ...told,
  };
}

/** The headers a refusal's members call for: Retry-After when it says when to come back. */
export function problemHeaders(problem: Problem): Record<string, string> {
  const retryAfter = problem.retryAfterSeconds;
  return typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {};
}

/** Writes a problem answer; `send` sends the body and ends the answer (a refused upload reads on first). */
export function writeProblem(
  res: ServerResponse,
  problem: Problem,
  headers: Record<string, string> = {},
  send: (text: string) => void = (text) => res.end(text),
): void {
  const text = JSON.stringify(problem);
  res.writeHead(problem.status, {
    ...problemHeaders(problem),
    ...headers,
    'content-type': PROBLEM_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
  });
  send(text);
}

/** A refusal's status and problem body. */
export function refusalBody(error: DomainError, requestId: string | null, instance?: string) {
  const status = getHTTPStatusCodeFromError(error);
  const data = {
    ...error.details,
    code: error.code,
    httpStatus: status,
    errorCode: error.errorCode,
    requestId,
  } as TakstErrorData;
  return { status, body: problemOf(data, error.message, instance) };
}

/** A refusal as problem details. */
export function refuse(res: Response, error: DomainError): void {
  const { body } = refusalBody(error, res.locals.requestId ?? null, res.req?.originalUrl?.split('?', 1)[0]);
  const saysWhenToComeBack = error.errorCode === 'SIGN_IN_THROTTLED' || error.errorCode === 'RATE_LIMITED';
  if (saysWhenToComeBack && body.retryAfterSeconds === undefined) body.retryAfterSeconds = 1;
  writeProblem(res, body);
}
