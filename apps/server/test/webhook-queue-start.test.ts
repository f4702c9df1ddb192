import pg from 'pg';
import type PgBoss from 'pg-boss';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DELIVERY_QUEUE, startQueue } from '../src/webhooks/queue';
import { createTestDatabase, query, type TestDatabase } from './support/database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

it('starts several delivery workers at once on a new database, each finding the one queue', async () => {
  const pools = Array.from({ length: 4 }, () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    // pg-boss may still hold a connection when the database is dropped at the end.
    pool.on('error', () => undefined);
    return pool;
  });
  const logger = pino({ level: 'silent' });
  const started: PgBoss[] = [];
  try {
    const outcomes = await Promise.allSettled(
      pools.map(async (pool) => {
        const boss = await startQueue(pool, logger);
        started.push(boss);
        return boss;
      }),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const queues = await query<{ name: string }>(database.url, 'select name from pgboss.queue');
    expect(queues.map((queue) => queue.name)).toEqual([DELIVERY_QUEUE]);
  } finally {
    await Promise.all(started.map((boss) => boss.stop({ graceful: false, wait: true })));
    await Promise.all(pools.map((pool) => pool.end()));
  }
});
