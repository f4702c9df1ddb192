import type { DomainError } from '@takst/api';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Response } from 'express';

/** A refusal's status and flat JSON body, with the fields a tRPC error carries in `error.data`. */
export function refusalBody(error: DomainError, requestId: string | null) {
  const status = getHTTPStatusCodeFromError(error);
  const body = {
    error: {
      message: error.message,
      code: error.code,
      httpStatus: status,
      errorCode: error.errorCode,
      requestId,
      ...error.details,
    },
  };
  return { status, body };
}

/** A refusal as JSON, with the fields a tRPC error carries in `error.data`. */
export function refuse(res: Response, error: DomainError): void {
  const { status, body } = refusalBody(error, res.locals.requestId ?? null);
  if (error.errorCode === 'RATE_LIMITED' || error.errorCode === 'SIGN_IN_THROTTLED')
    res.setHeader('retry-after', String(error.details?.retryAfterSeconds ?? 1));
  res.status(status).json(body);
}
