import { appRouter, createRootContext, type Logger, type Platform } from '@takst/api';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { pendingMigrations } from './migrate';
import { requestIdOf } from './request-id';

export interface AppState {
  shuttingDown: boolean;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}

async function readiness(platform: Platform, state: AppState) {
  if (state.shuttingDown) return { ready: false, checks: { shuttingDown: true } };
  try {
    await platform.orm.em.getConnection().execute('select 1');
  } catch (error) {
    return { ready: false, checks: { database: `unreachable: ${(error as Error).message}` } };
  }
  const pending = await pendingMigrations(platform.orm);
  if (pending.length > 0) return { ready: false, checks: { database: 'ok', pendingMigrations: pending } };
  return { ready: true, checks: { database: 'ok', migrations: 'applied' } };
}

export function createApp(platform: Platform, state: AppState): express.Express {
  const { logger } = platform;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness(platform, state);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      maxBodySize: MAX_BODY_BYTES,
      createContext: ({ req, res }) =>
        createRootContext(platform, {
          requestId: res.locals.requestId as string,
          authorization: req.headers.authorization ?? null,
        }),
      onError: ({ error, path, ctx }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          logger.error({ err: error.cause ?? error, path, requestId: ctx?.requestId }, 'procedure failed');
        }
      },
    }),
  );

  app.use((req, res) => {
    res.status(404).json({
      error: { code: 'NOT_FOUND', message: `No route for ${req.method} ${req.path}`, requestId: res.locals.requestId },
    });
  });

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    logger.error({ err: error, requestId: res.locals.requestId }, 'unhandled error');
    res.status(500).json({
      error: { code: 'INTERNAL', message: 'Internal server error', requestId: res.locals.requestId },
    });
  };
  app.use(onError);
  return app;
}
