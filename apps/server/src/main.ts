import { createOrmConfig, MikroORM } from '@takst/db';
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { runMigrations } from './migrate';
import { openDatabase, startServer } from './server';

const USAGE = `usage: takst-server [serve|migrate]

  serve    apply pending migrations, then serve HTTP (the default)
  migrate  apply pending migrations and exit`;

async function migrateOnly(config: ReturnType<typeof loadConfig>, logger: ReturnType<typeof createLogger>) {
  const database = await openDatabase(config, logger);
  const orm = await MikroORM.init(
    createOrmConfig({
      databaseUrl: database.url,
      poolMax: 2,
      log: (message) => logger.debug({ component: 'mikro-orm' }, message),
    }),
  );
  try {
    await runMigrations(orm, logger);
  } finally {
    await orm.close();
    await database.embedded?.stop();
  }
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'serve';
  if (command === '--help' || command === '-h') {
    console.log(USAGE);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
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

  if (command === 'migrate') {
    await migrateOnly(config, logger);
    return;
  }
  if (command !== 'serve') {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    process.exit(2);
  }

  const server = await startServer({ config, logger });
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
