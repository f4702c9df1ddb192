import { createPlatform, resealWebhookSecrets } from '@takst/api';
import { createOrmConfig, MikroORM } from '@takst/db';
import { type Config, ConfigError, loadConfig } from './config';
import { warnAboutDatabaseSettings } from './database-settings';
import { demoUsersNotice, reportDemoNotAdded, seedDemoData } from './demo/seed';
import { StartupError } from './embedded-postgres';
import { createLogger } from './logger';
import { runMigrations, withStartupLock } from './migrate';
import { secretBoxFor } from './secrets-key';
import { openDatabase, type RunningServer, startServer } from './server';
import { startConfiguredWebhookWorker, type WebhookWorker } from './webhooks/index';

const USAGE = `usage: takst-server [serve|migrate|demo|worker|secrets:reencrypt] [--demo]

  serve    apply pending migrations, then serve HTTP (the default)
           --demo  first fill an empty database with demo data (as TAKST_DEMO_DATA=true)
  migrate  apply pending migrations and exit
  demo     apply pending migrations, fill an empty database with demo data, and exit
  worker   apply pending migrations, then deliver webhooks until SIGTERM, without serving HTTP
           (needs DATABASE_URL; run the server with TAKST_WEBHOOK_WORKER=false to leave it to these)
  secrets:reencrypt
           apply pending migrations, seal every webhook secret again with TAKST_SECRETS_KEY
           (opening old ones with TAKST_SECRETS_KEY_PREVIOUS), and exit`;

type Logger = ReturnType<typeof createLogger>;

/** Opens the database (embedded when no DATABASE_URL), migrates, runs `work`, closes everything. */
async function withMigratedDatabase(config: Config, logger: Logger, work: (orm: MikroORM) => Promise<void>) {
  const database = await openDatabase(config, logger);
  try {
    const orm = await MikroORM.init(
      createOrmConfig({
        databaseUrl: database.url,
        poolMax: 2,
        log: (message) => logger.debug({ component: 'mikro-orm' }, message),
      }),
    );
    try {
      await withStartupLock(database.url, async () => {
        await runMigrations(orm, logger);
        await warnAboutDatabaseSettings(orm, logger);
        await work(orm);
      });
    } finally {
      await orm.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

/**
 * A signal repeated this soon is the same request: under `npm start` a Ctrl-C or a signal to the
 * process group reaches the server twice, directly and relayed by npm.
 */
const REPEAT_WINDOW_MS = 2_000;

/**
 * SIGTERM/SIGINT run `close` and exit 0 (1 if it fails). Another signal within REPEAT_WINDOW_MS
 * is ignored; a later one exits at once.
 */
function exitOnSignal(logger: Logger, close: () => Promise<void>) {
  let firstAt: number | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (firstAt !== undefined) {
      if (Date.now() - firstAt < REPEAT_WINDOW_MS) {
        logger.info({ signal }, 'signal repeated: still shutting down');
        return;
      }
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    firstAt = Date.now();
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

async function serve(config: Config, logger: Logger, demoData: boolean) {
  // Listening for signals before start-up (and before the server logs that it listens), so a
  // SIGTERM at any point stops everything in order instead of killing the process outright.
  let server: Promise<RunningServer> | undefined;
  exitOnSignal(logger, async () => (await server)?.close());
  server = startServer({ config, logger, demoData });
  await server;
}

/** The webhook delivery worker alone, against the shared database (an embedded one would be its own). */
async function runWorker(config: Config, logger: Logger) {
  const databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    console.error('The worker command needs DATABASE_URL: the database the servers use.');
    process.exit(2);
  }
  // Listening before the worker logs that it runs, so a SIGTERM right after still stops it cleanly.
  let worker: Promise<WebhookWorker> | undefined;
  exitOnSignal(logger, async () => (await worker)?.stop(config.SHUTDOWN_TIMEOUT_MS));
  const secrets = await secretBoxFor(config, logger);
  await withMigratedDatabase(config, logger, async () => undefined);
  worker = startConfiguredWebhookWorker(config, databaseUrl, logger, secrets);
  await worker;
}

/**
 * The last step of a key rotation, once every server and worker runs with the new key: seals
 * every webhook secret with TAKST_SECRETS_KEY, so the old keys can be dropped. Idempotent; a
 * secret no key opens is named and left as it is (exit 1).
 */
async function reencryptSecrets(config: Config, logger: Logger) {
  const secrets = await secretBoxFor(config, logger);
  await withMigratedDatabase(config, logger, async (orm) => {
    const outcome = await resealWebhookSecrets(orm.em.fork(), secrets, { legacyOnly: false });
    console.error(
      `Re-encrypted the secrets of ${outcome.resealed} webhook endpoint(s) with key ${secrets.currentKeyId}.`,
    );
    for (const { endpointId, reason } of outcome.unreadable) console.error(`Left endpoint ${endpointId}: ${reason}`);
    if (outcome.unreadable.length > 0) {
      process.exitCode = 1;
      return;
    }
    console.error(
      `Every webhook secret is sealed with key ${secrets.currentKeyId}; TAKST_SECRETS_KEY_PREVIOUS may go.`,
    );
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const flags = args.filter((arg) => arg.startsWith('--'));
  const [command = 'serve', ...rest] = args.filter((arg) => !arg.startsWith('--'));
  const unknown = [...flags.filter((flag) => flag !== '--demo'), ...rest];
  if (!['serve', 'migrate', 'demo', 'worker', 'secrets:reencrypt'].includes(command) || unknown.length > 0) {
    console.error(`unknown command or option: ${[command, ...unknown].join(' ')}\n\n${USAGE}`);
    process.exit(2);
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);

  if (command === 'migrate') return withMigratedDatabase(config, logger, async () => undefined);
  if (command === 'demo') {
    return withMigratedDatabase(config, logger, async (orm) => {
      const outcome = await seedDemoData(createPlatform(orm, logger), logger);
      if (outcome.seeded) {
        console.error(`Demo data created: ${outcome.assignments} assignments.`);
        console.error(demoUsersNotice(outcome.users)(`http://${config.HOST}:${config.PORT}`));
      } else reportDemoNotAdded(logger, config);
    });
  }
  if (command === 'worker') return runWorker(config, logger);
  if (command === 'secrets:reencrypt') return reencryptSecrets(config, logger);
  return serve(config, logger, flags.includes('--demo'));
}

main().catch((error: unknown) => {
  // A configuration refused after loading (TAKST_SECRETS_KEY missing with DATABASE_URL): as loadConfig's own.
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof StartupError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
