import type { Logger } from '@takst/api';
import type { MikroORM } from '@takst/db';

/**
 * Warns about PostgreSQL settings the platform depends on but cannot change itself. Autovacuum
 * first: the delivery queue, the webhook deliveries and the idempotency records are updated or
 * deleted on every write, and without vacuum their dead rows pile up until each write reads
 * through them (the soak measured pg-boss's fetch going from 0.4 to 2 ms in ten minutes).
 */
export async function warnAboutDatabaseSettings(orm: MikroORM, logger: Logger): Promise<void> {
  const rows = await orm.em
    .getConnection()
    .execute<{ setting: string }[]>(`select current_setting('autovacuum') as setting`);
  if (rows[0]?.setting === 'off') {
    logger.warn(
      { setting: 'autovacuum', value: 'off' },
      'autovacuum is off on this PostgreSQL: the queue and delivery tables will bloat and writes slow down over time; turn it on (docs/operations.md, "PostgreSQL settings")',
    );
  }
}
