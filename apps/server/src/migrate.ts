import type { Logger } from '@takst/api';
import type { MikroORM } from '@takst/db';
import pg from 'pg';

// Any constant works; it only has to be the same for every server sharing a database.
const STARTUP_LOCK_ID = 7_274_261_127;

/**
 * Runs `work` while holding a PostgreSQL advisory lock on a connection of its own, so several
 * servers starting at once on one database migrate and bootstrap one after the other.
 */
export async function withStartupLock<T>(databaseUrl: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await holdingAdvisoryLock(client, STARTUP_LOCK_ID, work);
  } finally {
    await client.end();
  }
}

/** Runs `work` while `connection` holds the session advisory lock `lockId`; other processes wait their turn. */
export async function holdingAdvisoryLock<T>(
  connection: Pick<pg.ClientBase, 'query'>,
  lockId: number,
  work: () => Promise<T>,
): Promise<T> {
  await connection.query('select pg_advisory_lock($1)', [lockId]);
  try {
    return await work();
  } finally {
    await connection.query('select pg_advisory_unlock($1)', [lockId]).catch(() => undefined);
  }
}

export async function runMigrations(orm: MikroORM, logger: Logger): Promise<string[]> {
  const migrator = orm.getMigrator();
  const pending = await migrator.getPendingMigrations();
  if (pending.length === 0) {
    logger.info({}, 'database schema is up to date');
    return [];
  }
  logger.info({ pending: pending.map((m) => m.name) }, 'applying migrations');
  const applied = await migrator.up();
  logger.info({ applied: applied.map((m) => m.name) }, 'migrations applied');
  return applied.map((m) => m.name);
}

export async function pendingMigrations(orm: MikroORM): Promise<string[]> {
  return (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
}
