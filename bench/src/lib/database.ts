import pg from 'pg';
import {
  ASSIGNMENT_COLUMNS,
  type AssignmentRow,
  createdTimestamps,
  createRandom,
  fakeAssignment,
  REFERENCE_YEAR,
} from './fake-assignments';

export const BENCH_DATABASE = 'takst_bench';
const BATCH_ROWS = 1_000;

export function serverUrlFromEnv(env: NodeJS.ProcessEnv): string {
  return env.BENCH_DATABASE_URL || env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the bench database (a plain identifier) on the server when absent; returns its URL. */
export async function ensureBenchDatabase(serverUrl: string, database: string = BENCH_DATABASE): Promise<string> {
  await withClient(serverUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${database}`);
  });
  return withDatabase(serverUrl, database);
}

function insertStatement(rowCount: number): string {
  const width = ASSIGNMENT_COLUMNS.length;
  const tuples = Array.from(
    { length: rowCount },
    (_, row) => `(${ASSIGNMENT_COLUMNS.map((_, column) => `$${row * width + column + 1}`).join(',')})`,
  );
  return `insert into assignments (${ASSIGNMENT_COLUMNS.join(',')}) values ${tuples.join(',')}`;
}

async function insertRows(client: pg.Client, rows: number): Promise<void> {
  const random = createRandom(20_261_127);
  const stamps = createdTimestamps(random, rows, Date.now());
  const fullBatch = insertStatement(BATCH_ROWS);
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const batch: AssignmentRow[] = [];
    for (let i = start; i < Math.min(start + BATCH_ROWS, rows); i += 1) {
      batch.push(fakeAssignment(random, i + 1, stamps[i] ?? 0));
    }
    const text = batch.length === BATCH_ROWS ? fullBatch : insertStatement(batch.length);
    await client.query(text, batch.flat());
  }
}

export interface SeedOutcome {
  seeded: boolean;
  rows: number;
  seconds: number;
}

async function reseed(client: pg.Client, rows: number): Promise<void> {
  await client.query('begin');
  try {
    await client.query('truncate assignments');
    await insertRows(client, rows);
    await client.query(
      `insert into reference_counters (year, last_value) values ($1, $2)
       on conflict (year) do update set last_value = excluded.last_value`,
      [REFERENCE_YEAR, rows],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/** Truncates and reseeds `assignments` unless it already holds exactly `rows` rows; analyzes it either way. */
export async function seedAssignments(url: string, rows: number): Promise<SeedOutcome> {
  return withClient(url, async (client) => {
    const counted = await client.query<{ count: string }>('select count(*) from assignments');
    const seeded = Number(counted.rows[0]?.count) !== rows;
    const started = performance.now();
    if (seeded) await reseed(client, rows);
    const seconds = (performance.now() - started) / 1_000;
    await client.query('analyze assignments');
    return { seeded, rows, seconds };
  });
}

export interface Sample {
  id: string;
  reference: string;
}

export async function sampleAssignments(url: string, size: number): Promise<Sample[]> {
  return withClient(url, async (client) => {
    const result = await client.query<Sample>(
      'select id::text as id, reference from assignments order by random() limit $1',
      [size],
    );
    return result.rows;
  });
}
