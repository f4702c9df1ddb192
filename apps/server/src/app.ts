import type { IncomingMessage } from 'node:http';
import {
  appRouter,
  createRootContext,
  DomainError,
  type Logger,
  openApiDocument,
  type Platform,
  refusalOfBadValue,
} from '@takst/api';
import type { TRPCError } from '@trpc/server';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { API_REFERENCE_PATH, apiReference } from './api-reference';
import { authRoutes } from './auth-routes';
import { EXPORT_NDJSON_PATH, EXPORT_NDJSON_REST_PATH, exportNdjson } from './export-ndjson';
import { refuse } from './http-refusal';
import { type Metrics, serveMetrics } from './metrics';
import { pendingMigrations } from './migrate';
import { oidcRoutes } from './oidc-routes';
import type { OidcSettings } from './oidc-settings';
import { METRICS_PATH, OPENAPI_PATH } from './paths';
import { requestIdOf } from './request-id';
import { createRestApi, REST_PREFIX } from './rest-api';
import { originAllowed, sentCsrfHeader, sessionTokenOf } from './session-cookie';
import { createTrpcGate } from './trpc-gate';

export interface AppState {
  shuttingDown: boolean;
}

const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function readiness(platform: Platform, state: AppState) {
  if (state.shuttingDown) return { ready: false, checks: { shuttingDown: true } };
  try {
    const pending = await withTimeout(pendingMigrations(platform.orm), READINESS_TIMEOUT_MS);
    if (pending.length > 0) return { ready: false, checks: { database: 'ok', pendingMigrations: pending } };
  } catch (error) {
    // The details stay in the log: /readyz answers anyone, and needs only say what is wrong.
    platform.logger.warn({ err: error }, 'readiness: the database did not answer');
    return { ready: false, checks: { database: 'unreachable' } };
  }
  return { ready: true, checks: { database: 'ok', migrations: 'applied' } };
}

/** Enough for a bulk call of a few hundred items; more is refused before it is parsed. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : (value ?? null);
}

/**
 * Creates the root tRPC context of a request: its id, its Authorization and Idempotency-Key
 * headers, its session cookie with what CSRF protection needs to know, and how many procedure
 * calls it carries (the rate limit and idempotency need both).
 */
export const trpcContextFor = (
  platform: Platform,
  req: IncomingMessage,
  calls: number,
  corsOrigins: readonly string[],
) =>
  createRootContext(
    platform,
    {
      requestId: requestIdOf(req),
      authorization: req.headers.authorization ?? null,
      idempotencyKey: headerOf(req, 'idempotency-key'),
      sessionToken: sessionTokenOf(req),
      actingFor: headerOf(req, 'x-takst-acting-for'),
      csrfHeader: sentCsrfHeader(req),
      originAllowed: originAllowed(req, corsOrigins),
    },
    { calls },
  );

/**
 * `Retry-After` when a call was rate-limited: the longest wait any call in the request was told,
 * so a client that honours the header retries the whole batch once it would be let through.
 */
export function rateLimitHeaders(errors: ReadonlyArray<TRPCError | undefined>): Record<string, string> {
  let seconds = 0;
  for (const error of errors) {
    if (!(error instanceof DomainError) || error.errorCode !== 'RATE_LIMITED') continue;
    const retryAfter = error.details?.retryAfterSeconds;
    if (typeof retryAfter === 'number') seconds = Math.max(seconds, retryAfter);
  }
  return seconds > 0 ? { 'retry-after': String(seconds) } : {};
}

/**
 * Logs what went wrong inside a procedure; refusals (4xx) are the caller's business, not ours.
 * A value the database refused is answered as bad input, but logged (by SQLSTATE, without the
 * values) in case it was ours after all.
 */
export function logProcedureError(logger: Logger, error: TRPCError, path: string | undefined, requestId?: string) {
  if (error.code !== 'INTERNAL_SERVER_ERROR') return;
  if (refusalOfBadValue(error)) logger.warn({ err: error.cause, path, requestId }, 'the database refused a value');
  else logger.error({ err: error.cause ?? error, path, requestId }, 'procedure failed');
}

/** A path served for GET (and HEAD) only. */
const getOnly: RequestHandler = (req, res) => {
  res.setHeader('allow', 'GET, HEAD');
  refuse(
    res,
    new DomainError('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', `${req.method} is not supported here; use GET`),
  );
};

export interface AppOptions {
  /** Origins besides the server's own whose pages may make changes with a session cookie (CORS: cors.ts). */
  corsOrigins: readonly string[];
  /** Single sign-on with OpenID Connect; off when null or absent. */
  oidc?: OidcSettings | null;
  /** The built console, served at `/` (console.ts); absent when it is not built. */
  console?: RequestHandler | null;
  /** Proxies whose X-Forwarded-For is believed (TAKST_TRUST_PROXY); none when absent. */
  trustProxy?: number | string;
}

/** Everything but the tRPC fast path: health, readiness, sign-in, tRPC's own adapter, 404s. */
export function createApp(
  platform: Platform,
  state: AppState,
  metrics: Metrics,
  options: AppOptions = { corsOrigins: [] },
): express.Express {
  const { logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Sign-in throttling counts failures per caller address: behind a proxy that must be the
  // caller's, not the proxy's, or one person's mistakes would slow everyone's sign-in.
  app.set('trust proxy', options.trustProxy ?? false);
  app.use((req, res, next) => {
    res.locals.requestId = requestIdOf(req);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness(platform, state);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get([EXPORT_NDJSON_PATH, EXPORT_NDJSON_REST_PATH], exportNdjson(platform));

  app.get(METRICS_PATH, serveMetrics(platform, metrics));

  // Public, like the SDK's types: it says what the API takes, nothing of what it holds.
  app.get(OPENAPI_PATH, (_req, res) => {
    res.json(openApiDocument());
  });

  app.all(['/healthz', '/readyz', EXPORT_NDJSON_PATH, EXPORT_NDJSON_REST_PATH, METRICS_PATH, OPENAPI_PATH], getOnly);
  app.use(API_REFERENCE_PATH, apiReference());

  app.use('/auth', authRoutes(platform, options.corsOrigins));
  app.use('/auth', oidcRoutes(platform, options.oidc ?? null));

  app.use(
    '/trpc',
    createTrpcGate({
      platform,
      maxBodyBytes: MAX_BODY_BYTES,
      contextOf: (req, calls) => trpcContextFor(platform, req, calls, options.corsOrigins),
      responseHeaders: rateLimitHeaders,
    }),
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: MAX_BODY_BYTES,
      createContext: ({ req, info }) => trpcContextFor(platform, req, info.calls.length, options.corsOrigins),
      onError: ({ error, path, ctx }) => logProcedureError(logger, error, path, ctx?.requestId),
      // The adapter sets Vary itself, replacing the `Vary: Origin` CORS gave the answer; an
      // array is appended to the adapter's instead.
      responseMeta: ({ errors }) => ({
        headers: { ...rateLimitHeaders(errors), ...(options.corsOrigins.length > 0 ? { vary: ['Origin'] } : {}) },
      }),
    }),
  );

  const restApi = createRestApi({
    maxBodyBytes: MAX_BODY_BYTES,
    contextOf: (req) => trpcContextFor(platform, req, 1, options.corsOrigins),
    logError: (error, procedure, requestId) => logProcedureError(logger, error, procedure, requestId),
    logger,
  });
  app.use(REST_PREFIX, (req, res, next) => {
    restApi(req, res).catch(next);
  });

  if (options.console) app.use(options.console);

  app.use((req, res) => {
    refuse(res, new DomainError('NOT_FOUND', 'NOT_FOUND', `No route for ${req.method} ${req.path}`));
  });

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    logger.error({ err: error, requestId: res.locals.requestId }, 'unhandled error');
    refuse(res, new DomainError('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error'));
  };
  app.use(onError);
  return app;
}
