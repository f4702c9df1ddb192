import pg from 'pg';
import { inject } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

export type TestDatabase = ScratchDatabase;

/** A new, empty database of its own, so test files never see each other's rows. */
export const createTestDatabase = (): Promise<TestDatabase> =>
  createScratchDatabase(inject('adminDatabaseUrl'), 'takst_test');

/** Runs one query on the test database directly, to check what the API wrote. */
export async function query<Row extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Small connection pools for every server and worker a test starts (a test's own env still wins):
 * the suite runs two files at a time on one PostgreSQL of 100 connections, and a file may start
 * six servers and workers, each of which would otherwise hold up to 10 for webhooks and 10 for its ORM.
 */
export const TEST_POOLS = { DATABASE_POOL_MAX: '4', TAKST_WEBHOOK_CONCURRENCY: '2' } as const;
