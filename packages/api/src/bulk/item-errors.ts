import type { BulkItemError } from '@takst/contract';
import type { z } from 'zod';
import { DomainError, describeIssues, toValidationIssues } from '../errors';
import type { Logger } from '../lib/logger';
import { isBadValue, isConflict, sqlStateOf } from '../lib/sql-state';

/** An item that failed its schema, answered as a single call's VALIDATION_FAILED would be. */
export function validationError(error: z.ZodError): BulkItemError {
  const issues = toValidationIssues(error.issues);
  return { errorCode: 'VALIDATION_FAILED', message: `Invalid input: ${describeIssues(issues)}`, issues };
}

/** A domain refusal of one item: its code, message and details, as a single call's `error.data` carries them. */
export function domainError(error: DomainError): BulkItemError {
  const { issues, ...details } = error.details ?? {};
  const itemError: BulkItemError = { errorCode: error.errorCode, message: error.message };
  if (Array.isArray(issues)) itemError.issues = issues as BulkItemError['issues'];
  if (Object.keys(details).length > 0) itemError.details = details;
  return itemError;
}

/** Where the error came from, for the log line of an item that failed unexpectedly. */
export interface ItemContext {
  logger: Logger;
  requestId: string;
  path: string;
  index: number | string;
}

/**
 * What one item answers when its work threw. Domain refusals keep their code; a value the
 * database cannot store fails validation; a constraint or a lost race with a concurrent writer is
 * a CONFLICT; anything else is logged and answered as INTERNAL, as a single call would be.
 */
export function itemErrorOf(error: unknown, where: ItemContext): BulkItemError {
  if (error instanceof DomainError) return domainError(error);
  const state = sqlStateOf(error);
  if (isBadValue(state)) {
    return {
      errorCode: 'VALIDATION_FAILED',
      message: 'The database cannot store a value of this item (e.g. text holding a NUL character)',
    };
  }
  if (isConflict(state)) {
    return {
      errorCode: 'CONFLICT',
      message: 'The database refused this item: it conflicts with existing data or with a concurrent change',
    };
  }
  where.logger.error(
    { err: error, requestId: where.requestId, path: where.path, item: where.index },
    'bulk item failed',
  );
  return { errorCode: 'INTERNAL', message: 'Internal server error; the request id identifies it in the logs' };
}
