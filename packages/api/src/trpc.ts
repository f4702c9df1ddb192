import type { Role } from '@takst/contract/enums';
import type { TakstErrorData } from '@takst/contract/errors';
import { initTRPC, type TRPC_ERROR_CODE_NUMBER } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { RequiredScope } from './auth/scopes';
import type { RootContext } from './context';
import { DomainError, describeIssues, errorCodeOf, hasIssues, publicErrorOf, toValidationIssues } from './errors';

/**
 * Every procedure names the scope it needs (or `AUTHENTICATED`, auth/scopes.ts: a working key
 * and nothing more); a test walks the router to enforce it.
 */
export interface ProcedureMeta {
  scope: RequiredScope;
  /**
   * Who among the firm's people may call it (a session, or an API client acting for a person):
   * a person needs one of these roles, besides the scope. API clients are held to the scope
   * alone. A test checks each role listed holds the scope, and calls every procedure as every role.
   */
  roles: readonly Role[];
  /**
   * A person whose only role listed here is `appraiser` works only on assignments assigned to
   * them; the procedure checks it once it knows the assignment (`assertMayWorkOn`).
   */
  ownAssignmentsForAppraisers?: boolean;
  /** One line for generated docs. */
  description?: string;
  /** The input's items are checked one by one by the procedure, so one bad item fails only itself. */
  checksItemsOneByOne?: boolean;
  /** Where the procedure answers under `/api/v1` (rest/routes.ts); every procedure has one. */
  rest: RestRoute;
}

/**
 * A procedure's REST route: `{name}` segments are input fields; a GET or DELETE takes the rest of
 * its input as query parameters, the other methods as a JSON body.
 */
export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  /** The status of a success: 201 for a call that makes something, else 200. */
  status?: 200 | 201;
}

/** The error shape on the wire; plain so it can travel in the SDK's types. */
export interface TakstErrorShape {
  message: string;
  code: TRPC_ERROR_CODE_NUMBER;
  data: TakstErrorData;
}

export const t = initTRPC
  .context<RootContext>()
  .meta<ProcedureMeta>()
  .create({
    // Stack traces stay in the logs, never in responses.
    isDev: false,
    sse: {
      // A ping now and then keeps proxies from closing a quiet event stream; a client that hears
      // nothing for much longer takes the connection for dead and reconnects from its last event.
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 45_000 },
    },
    errorFormatter({ shape, error: thrown, ctx }): TakstErrorShape {
      const error = publicErrorOf(thrown);
      const errorCode = errorCodeOf(error);
      const data: TakstErrorData = {
        code: error.code,
        httpStatus: getHTTPStatusCodeFromError(error),
        errorCode,
        requestId: ctx?.requestId ?? null,
      };
      if (shape.data.path) data.path = shape.data.path;
      if (error instanceof DomainError && error.details) Object.assign(data, error.details);
      let message = error === thrown ? shape.message : error.message;
      if (error.code === 'BAD_REQUEST' && hasIssues(error.cause)) {
        data.issues = toValidationIssues(error.cause.issues);
        message = `Invalid input: ${describeIssues(data.issues)}`;
      } else if (errorCode === 'INTERNAL') {
        message = 'Internal server error; the request id identifies it in the logs';
      }
      return { message, code: TRPC_ERROR_CODES_BY_KEY[error.code], data };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
