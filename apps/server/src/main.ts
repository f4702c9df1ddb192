import { createPlatform } from '@takst/api';
import { createOrmConfig, MikroORM } from '@takst/db';
import { type Config, ConfigError, loadConfig } from './config';
import { seedDemoData } from './demo/seed';
import { createLogger } from './logger';
import { runMigrations, withStartupLock } from './migrate';
import { openDatabase, startServer } from './server';

const USAGE = `usage: takst-server [serve|migrate|demo] [--demo]

  serve    apply pending migrations, then serve HTTP (the default)
           --demo  first fill an empty database with demo data (as TAKST_DEMO_DATA=true)
  migrate  apply pending migrations and exit
  demo     apply pending migrations, fill an empty database with demo data, and exit`;

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
        await work(orm);
      });
    } finally {
      await orm.close();
    }
  } finally {
    await database.embedded?.stop();
  }
}

async function serve(config: Config, logger: Logger, demoData: boolean) {
  const server = await startServer({ config, logger, demoData });
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const flags = args.filter((arg) => arg.startsWith('--'));
  const [command = 'serve', ...rest] = args.filter((arg) => !arg.startsWith('--'));
  const unknown = [...flags.filter((flag) => flag !== '--demo'), ...rest];
  if (!['serve', 'migrate', 'demo'].includes(command) || unknown.length > 0) {
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
      console.error(
        outcome.seeded
          ? `Demo data created: ${outcome.assignments} assignments.`
          : 'The database already holds assignments; demo data is only added to an empty one.',
      );
    });
  }
  return serve(config, logger, flags.includes('--demo'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
