import pg from 'pg';
import { type SeedTimes, seedListData, seedMarker, seedPlan } from './list-seed';

export const BENCH_DATABASE = 'takst_bench';

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

/** Drops `database` (a plain identifier), connections and all, and creates it empty; returns its URL. */
export async function recreateDatabase(serverUrl: string, database: string): Promise<string> {
  await withClient(serverUrl, async (client) => {
    await client.query(`drop database if exists ${database} with (force)`);
    await client.query(`create database ${database}`);
  });
  return withDatabase(serverUrl, database);
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`drop database if exists ${database} with (force)`));
}

async function databaseExists(serverUrl: string, database: string): Promise<boolean> {
  return withClient(serverUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    return found.rowCount !== 0;
  });
}

/** Creates the bench database (a plain identifier) on the server when absent; returns its URL. */
export async function ensureBenchDatabase(serverUrl: string, database: string = BENCH_DATABASE): Promise<string> {
  if (!(await databaseExists(serverUrl, database))) {
    await withClient(serverUrl, (client) => client.query(`create database ${database}`));
  }
  return withDatabase(serverUrl, database);
}

/** True when `url` holds the committed seed of exactly `rows` assignments by list-seed's generator. */
async function holdsSeed(url: string, rows: number): Promise<boolean> {
  return withClient(url, async (client) => {
    const marker = await client.query<{ marker: string | null }>(
      `select obj_description(to_regclass('public.assignments'), 'pg_class') as marker`,
    );
    if (marker.rows[0]?.marker !== seedMarker(rows)) return false;
    const counted = await client.query<{ count: string }>('select count(*) from assignments');
    return Number(counted.rows[0]?.count) === rows;
  });
}

/**
 * The bench database as the server should find it: kept when it holds the seed of `rows`
 * assignments, else dropped and created empty. Anything else in it (another count, an older
 * schema's flat rows) would only cost the migrations time to convert before being replaced.
 */
export async function prepareBenchDatabase(
  serverUrl: string,
  database: string,
  rows: number,
): Promise<{ url: string; seeded: boolean }> {
  const url = withDatabase(serverUrl, database);
  const exists = await databaseExists(serverUrl, database);
  if (exists && (await holdsSeed(url, rows))) return { url, seeded: true };
  await withClient(serverUrl, async (client) => {
    if (exists) await client.query(`drop database ${database}`);
    await client.query(`create database ${database}`);
  });
  return { url, seeded: false };
}

/**
 * Seeds `rows` assignments with their properties, parties and appraisers by list-seed's SQL
 * generator (the tables must exist: the server migrates first), then vacuums and analyzes them.
 */
export async function seedBenchData(url: string, rows: number, progress: (step: string) => void): Promise<SeedTimes> {
  return withClient(url, async (client) => {
    const times = await seedListData(client, seedPlan(rows, Date.now()), progress);
    progress('vacuum and analyze');
    const started = performance.now();
    await client.query('vacuum (analyze) appraisers, parties, properties, assignments');
    times.steps.push(['vacuum and analyze', (performance.now() - started) / 1_000]);
    return times;
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

/** One assignment for each branch of the DTO mapping that a null or an absent relation takes. */
export async function assignmentsOfEveryShape(url: string): Promise<Sample[]> {
  const one = (condition: string) =>
    `(select a.id::text as id, a.reference from assignments a join properties p on p.id = a.property_id
      where ${condition} limit 1)`;
  const conditions = [
    "a.status = 'on_hold'",
    'a.broker_id is not null',
    'a.broker_id is null',
    'a.appraiser_id is not null',
    'a.appraiser_id is null',
    'a.payer_id <> a.client_id',
    'a.due_date is null',
    'a.notes is not null',
    'p.cadastre_id is not null and p.snr > 0',
    'p.share_number is not null and p.unit_number is not null',
    'p.cadastre_id is null and p.share_number is null',
  ];
  return withClient(url, async (client) => {
    const result = await client.query<Sample>(conditions.map(one).join(' union all '));
    return result.rows;
  });
}

/** "PostgreSQL 15.20 (…)" of the server at `url`, for the report header. */
export function postgresVersion(url: string): Promise<string> {
  return withClient(url, async (client) => {
    const result = await client.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${result.rows[0]?.server_version ?? '?'}`;
  });
}
