import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import {
  appRouter,
  closeEventStreams,
  createPlatform,
  DomainError,
  type Platform,
  ReadReplica,
  refusalOfJsonText,
} from '@takst/api';
import { createOrmConfig, MikroORM } from '@takst/db';
import type { Logger } from 'pino';
import { createApp, logProcedureError, MAX_BODY_BYTES, rateLimitHeaders, trpcContextFor } from './app';
import { bootstrapAdmin } from './bootstrap';
import { bootstrapAdminUser, type StartupNotice } from './bootstrap-user';
import type { Config } from './config';
import { DEFAULT_CONSOLE_DIR, serveConsole } from './console';
import { createCors } from './cors';
import { warnAboutDatabaseSettings } from './database-settings';
import { demoUsersNotice, reportDemoNotAdded, seedDemoData } from './demo/seed';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './embedded-postgres';
import { refusalBody, writeProblem } from './http-refusal';
import { Metrics } from './metrics';
import { runMigrations, withStartupLock } from './migrate';
import { oidcSettingsOf } from './oidc-settings';
import { answerClientError } from './request-body';
import { beginRequest, requestIdOf } from './request-id';
import { sealPlainSecrets, secretBoxFor } from './secrets-key';
import { createTrpcFastPath } from './trpc-fast-path';
import { configureApiWebhooks, startConfiguredWebhookWorker, type WebhookWorker } from './webhooks/index';

/** V8's heap limit in MB: the old generation's (`--max-old-space-size`, which `npm start` sets) plus the young one's. */
const heapLimitMb = () => Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);

export interface RunningServer {
  url: string;
  port: number;
  databaseUrl: string;
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  /** Where the one-time admin key goes; stderr by default. */
  printOnce?: (message: string) => void;
  /** Fill an empty database with demo data before serving (also TAKST_DEMO_DATA). */
  demoData?: boolean;
}

export interface Database {
  url: string;
  embedded: EmbeddedDatabase | null;
}

export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres(path.join(config.TAKST_DATA_DIR, 'postgres'), logger);
  return { url: embedded.url, embedded };
}

export async function startServer({ config, logger, printOnce, demoData }: StartOptions): Promise<RunningServer> {
  const database = await openDatabase(config, logger);
  let orm: MikroORM | undefined;
  let platform: Platform | undefined;
  let webhooks: WebhookWorker | undefined;
  let readReplica: ReadReplica | undefined;
  // Secrets made at start-up (a first admin's link, demo passwords), printed once the address is known.
  const notices: NonNullable<StartupNotice>[] = [];
  const metrics = new Metrics();
  try {
    const secrets = await secretBoxFor(config, logger);
    orm = await MikroORM.init(
      createOrmConfig({
        databaseUrl: database.url,
        poolMax: config.DATABASE_POOL_MAX,
        log: (message) => logger.debug({ component: 'mikro-orm' }, message),
      }),
    );
    metrics.observeDatabase(orm);
    readReplica = await openReadReplica(config, orm, logger);
    platform = createPlatform(orm, logger, {
      readReplica,
      rateLimit: { perSecond: config.TAKST_RATE_LIMIT_PER_SECOND, burst: config.TAKST_RATE_LIMIT_BURST },
      rateLimitStore: config.TAKST_RATE_LIMIT_STORE,
      listenForApiClientChanges: true,
      onProcedureCall: metrics.observeCall,
      sessions: {
        maxMs: config.TAKST_SESSION_MAX_HOURS * 60 * 60_000,
        idleMs: config.TAKST_SESSION_IDLE_MINUTES * 60_000,
      },
    });
    const ready = platform;
    await withStartupLock(database.url, async () => {
      await runMigrations(ready.orm, logger);
      await warnAboutDatabaseSettings(ready.orm, logger);
      await sealPlainSecrets(ready.orm, secrets, logger);
      await bootstrapAdmin(
        ready.orm,
        logger,
        config.TAKST_BOOTSTRAP_ADMIN_KEY,
        printOnce ?? ((m) => process.stderr.write(`${m}\n`)),
      );
      if (demoData || config.TAKST_DEMO_DATA) {
        const demo = await seedDemoData(ready, logger);
        if (demo.seeded) notices.push(demoUsersNotice(demo.users));
        else reportDemoNotAdded(logger, config);
      }
      // After the demo data, whose people include an admin.
      const firstAdmin = await bootstrapAdminUser(ready.orm, logger, config.TAKST_BOOTSTRAP_ADMIN_EMAIL);
      if (firstAdmin) notices.push(firstAdmin);
    });
    configureApiWebhooks(orm, config, secrets);
    if (config.TAKST_WEBHOOK_WORKER) {
      webhooks = await startConfiguredWebhookWorker(config, database.url, logger, secrets);
    }
  } catch (error) {
    if (platform) await platform.close().catch(() => undefined);
    else await readReplica?.close().catch(() => undefined);
    await orm?.close().catch(() => undefined);
    await database.embedded?.stop().catch(() => undefined);
    throw error;
  }

  const running = platform;
  const state = { shuttingDown: false };
  const consoleDir = config.TAKST_CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR;
  const consolePages = serveConsole(consoleDir);
  if (!consolePages) {
    logger.warn({ consoleDir }, 'the console is not built (npm run build -w @takst/console): / answers 404');
  }
  const app = createApp(running, state, metrics, {
    corsOrigins: config.TAKST_CORS_ORIGINS,
    oidc: oidcSettingsOf(config),
    console: consolePages,
    ...(config.TAKST_TRUST_PROXY === undefined ? {} : { trustProxy: config.TAKST_TRUST_PROXY }),
  });
  // Before the fast path, which never reaches Express: one place grants CORS for every route.
  const cors = createCors(config.TAKST_CORS_ORIGINS);
  const fastPath = config.TAKST_TRPC_FAST_PATH
    ? createTrpcFastPath({
        router: appRouter,
        prefix: '/trpc/',
        maxBodyBytes: MAX_BODY_BYTES,
        refuseBody: refusalOfJsonText,
        createContext: (req, request) => trpcContextFor(running, req, request.calls, config.TAKST_CORS_ORIGINS),
        onError: ({ error, path, ctx }) => logProcedureError(logger, error, path, ctx?.requestId),
        responseHeaders: rateLimitHeaders,
      })
    : undefined;
  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    const requestId = requestIdOf(req);
    logger.error({ err: error, requestId }, 'request failed outside any handler');
    if (res.headersSent) {
      res.end();
      return;
    }
    const internal = new DomainError('INTERNAL_SERVER_ERROR', 'INTERNAL', 'Internal server error');
    writeProblem(res, refusalBody(internal, requestId, req.url?.split('?', 1)[0]).body);
  };
  const server = createServer((req, res) => {
    // Whatever a request does, it must never take the process down with it.
    try {
      beginRequest(req, res, logger);
      metrics.observeRequest(req, res);
      if (cors(req, res)) return;
      const calls = fastPath && req.url?.startsWith('/trpc/') ? fastPath.accepts(req) : null;
      if (fastPath && calls) {
        fastPath.handle(req, res, calls).catch((error: unknown) => failed(req, res, error));
        return;
      }
      app(req, res);
    } catch (error) {
      failed(req, res, error);
    }
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);
  await listen(server, config.PORT, config.HOST);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  logger.info(
    { url, embeddedDatabase: database.embedded !== null, heapLimitMb: heapLimitMb() },
    'takst server listening',
  );
  for (const notice of notices) (printOnce ?? ((m) => process.stderr.write(`${m}\n`)))(notice(url));

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      state.shuttingDown = true;
      // Live event streams never finish on their own: end them so draining does not wait for them.
      await closeEventStreams(running);
      await Promise.all([
        drain(server, config.SHUTDOWN_TIMEOUT_MS, logger),
        webhooks?.stop(config.SHUTDOWN_TIMEOUT_MS),
      ]);
      await running.close();
      await orm.close();
      await database.embedded?.stop();
      logger.info({}, 'takst server stopped');
    })();
    return closing;
  };
  return { url, port, databaseUrl: database.url, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Refuses new connections, lets in-flight requests finish, and gives up on them after the timeout. */
function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs }, 'in-flight requests still open at the shutdown deadline; closing them');
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The read replica of DATABASE_READ_URL, its lag measured once before the server answers; none without it. */
async function openReadReplica(config: Config, primary: MikroORM, logger: Logger): Promise<ReadReplica | undefined> {
  if (!config.DATABASE_READ_URL) return undefined;
  const replicaOrm = await MikroORM.init(
    createOrmConfig({
      databaseUrl: config.DATABASE_READ_URL,
      poolMax: config.DATABASE_POOL_MAX,
      log: (message) => logger.debug({ component: 'mikro-orm', database: 'replica' }, message),
    }),
  );
  const replica = new ReadReplica(primary, replicaOrm, logger, {
    stickyMs: config.TAKST_READ_REPLICA_STICKY_MS,
    maxLagMs: config.TAKST_READ_REPLICA_MAX_LAG_MS,
    checkEveryMs: 1_000,
  });
  await replica.start();
  logger.info({ lagMs: replica.lagMs }, 'list and export reads may go to the read replica');
  return replica;
}
