import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { holdingAdvisoryLock } from '../migrate';

/** The pg-boss queue of delivery attempts. */
export const DELIVERY_QUEUE = 'takst-webhook-delivery';

/** One attempt of one delivery. A job whose attempt is no longer the next one is dropped. */
export interface DeliveryJob {
  deliveryId: string;
  attempt: number;
}

/** Anything that runs SQL with $n parameters: the pool, or a client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** pg-boss's view of a connection; given a transaction's client, its jobs commit with it. */
export const bossDb = (db: Queryable): PgBoss.Db => ({
  executeSql: (text, values) => db.query(text, values),
});

/**
 * pg-boss on our pool (it creates and migrates its `pgboss` schema on start, under its own
 * advisory lock). Cron scheduling is off: nothing here uses it. Supervision stays on: it expires
 * jobs whose worker died, so they are tried again. It runs every 10 s rather than pg-boss's 2 min
 * (pg-boss skips a pass that comes a hair early, so passes are 10–20 s apart); one worker on the
 * database runs each pass, a few cheap statements.
 */
export const QUEUE_MAINTENANCE_SECONDS = 10;
/**
 * Finished jobs leave the job table for pg-boss's archive after a minute, not its default 12 hours:
 * the delivery's state is ours (webhook_deliveries), and every worker's fetch reads the job table,
 * which a day of deliveries would otherwise fill with finished rows (a soak saw the fetch grow to
 * the busiest statement as they piled up).
 */
export const QUEUE_ARCHIVE_AFTER_SECONDS = 60;

export async function startQueue(pool: pg.Pool, logger: Logger): Promise<PgBoss> {
  const boss = new PgBoss({
    db: bossDb(pool),
    schedule: false,
    supervise: true,
    migrate: true,
    maintenanceIntervalSeconds: QUEUE_MAINTENANCE_SECONDS,
    archiveCompletedAfterSeconds: QUEUE_ARCHIVE_AFTER_SECONDS,
  });
  boss.on('error', (error) => logger.error({ err: error }, 'webhook queue error'));
  await boss.start();
  await createQueueOnce(pool, boss);
  return boss;
}

// Any constant works; it only has to be the same for every worker sharing a database.
const CREATE_QUEUE_LOCK_ID = 7_274_261_128;

/**
 * Creates the delivery queue unless it exists, one worker at a time: pg-boss creates a queue as a
 * partition of its job table, and two workers doing that at once on a new database were seen to
 * deadlock (40P01), failing one worker's start.
 */
async function createQueueOnce(pool: pg.Pool, boss: PgBoss): Promise<void> {
  const client = await pool.connect();
  try {
    await holdingAdvisoryLock(client, CREATE_QUEUE_LOCK_ID, async () => {
      if (!(await boss.getQueue(DELIVERY_QUEUE))) await boss.createQueue(DELIVERY_QUEUE);
    });
  } finally {
    client.release();
  }
}

/**
 * A job for one attempt. The HTTP outcome is handled by the handler itself (it schedules the
 * next attempt); pg-boss's own retries only cover a handler that threw — the database was
 * unreachable, or the worker died and the job expired after `leaseSeconds`. The first of those
 * retries comes 5 s later (then 10, 20, … s), so a dead worker's delivery is not kept waiting
 * longer than its lease and the next maintenance pass.
 */
export function deliveryJob(data: DeliveryJob, startAfter: Date, leaseSeconds: number): PgBoss.JobInsert<DeliveryJob> {
  return {
    name: DELIVERY_QUEUE,
    data,
    startAfter,
    expireInSeconds: leaseSeconds,
    retryLimit: 10,
    retryDelay: 5,
    retryBackoff: true,
  };
}

export async function enqueue(boss: PgBoss, db: Queryable, jobs: PgBoss.JobInsert<DeliveryJob>[]): Promise<void> {
  if (jobs.length > 0) await boss.insert(jobs, { db: bossDb(db) });
}

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no error listener of the pool's: without this one, a connection
  // the server terminates mid-transaction would crash the process. The query fails as well.
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
