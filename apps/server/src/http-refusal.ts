import type { DomainError } from '@takst/api';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Response } from 'express';

/** A refusal as JSON, with the fields a tRPC error carries in `error.data`. */
export function refuse(res: Response, error: DomainError): void {
  const status = getHTTPStatusCodeFromError(error);
  if (error.errorCode === 'RATE_LIMITED' || error.errorCode === 'SIGN_IN_THROTTLED')
    res.setHeader('retry-after', String(error.details?.retryAfterSeconds ?? 1));
  res.status(status).json({
    error: {
      message: error.message,
      code: error.code,
      httpStatus: status,
      errorCode: error.errorCode,
      requestId: res.locals.requestId ?? null,
      ...error.details,
    },
  });
}
