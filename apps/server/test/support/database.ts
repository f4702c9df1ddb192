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
