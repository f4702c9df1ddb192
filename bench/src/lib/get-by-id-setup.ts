import path from 'node:path';
import { compileScript } from './compile';
import { BENCH_DATABASE, prepareBenchDatabase, seedBenchData, serverUrlFromEnv } from './database';
import type { Route } from './load';
import { freePort, type Started, startProcess, waitUntilReady } from './processes';
import { BENCH_SECRETS_KEY } from './secrets-key';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const READY_TIMEOUT_MS = 60_000;
/** How many assignment ids the load draws from. */
export const SAMPLE_SIZE = 10_000;

/** `takst_bench`, kept when it holds the seed of `rows` assignments, else made anew and empty. */
export async function prepareDatabase(rows: number): Promise<{ url: string; seeded: boolean }> {
  const database = await prepareBenchDatabase(serverUrlFromEnv(process.env), BENCH_DATABASE, rows);
  const { host, pathname } = new URL(database.url);
  const state = database.seeded ? `already seeded with ${rows} assignments` : 'created empty, to be seeded';
  console.error(`database: ${host}${pathname}, ${state}`);
  return database;
}

/** Seeds the prepared database (migrated first: a takst server must have started on it). */
export async function seed(databaseUrl: string, rows: number): Promise<void> {
  const started = performance.now();
  const elapsed = () => ((performance.now() - started) / 1_000).toFixed(1);
  const times = await seedBenchData(databaseUrl, rows, (step) => console.error(`seeding: ${step} (${elapsed()} s)`));
  const steps = times.steps.map(([name, s]) => `${name} ${s.toFixed(1)} s`).join(', ');
  console.error(`seeded ${rows} assignments in ${elapsed()} s (${steps})`);
}

/** A server the GET-by-id load is sent to. */
export interface Target {
  variant: string;
  process: Started;
  baseUrl: string;
  /** How it is asked: tRPC's path (the raw baseline answers that one too) or the REST API's. */
  route?: Route;
}

/** `nodeFlags` go before the script, e.g. `--cpu-prof`. */
async function startTarget(variant: string, script: string, env: NodeJS.ProcessEnv, nodeFlags: string[]) {
  const port = await freePort();
  const started = startProcess(variant, process.execPath, [...nodeFlags, script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdoutToStderr: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(started, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
  return { variant, process: started, baseUrl };
}

export const TAKST = 'takst: tRPC fast path + auth + zod + MikroORM';
export const TAKST_PROCESS_LIMIT = 'takst fast path, rate limit per process (memory)';
export const TAKST_VIA_ADAPTER = "takst via tRPC's Express adapter";
export const TAKST_REST = 'takst REST: GET /api/v1/assignments/{id}';
export const RAW = 'raw node:http + pg';

export interface TakstOptions {
  databaseUrl: string;
  apiKey: string;
  fastPath: boolean;
  rateLimitStore?: 'postgres' | 'memory';
  nodeFlags?: string[];
}

/**
 * The real server, built (apps/server/dist/main.js); with fastPath false every call goes through
 * tRPC's own Express adapter. Its rate limit is charged in PostgreSQL (shared by every server,
 * the default) unless the store is `memory`: the two fast-path variants tell what the shared
 * limit costs per call.
 */
export function startTakst({
  databaseUrl,
  apiKey,
  fastPath,
  rateLimitStore = 'postgres',
  nodeFlags = [],
}: TakstOptions): Promise<Target> {
  const variant = !fastPath ? TAKST_VIA_ADAPTER : rateLimitStore === 'memory' ? TAKST_PROCESS_LIMIT : TAKST;
  const env = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    TAKST_BOOTSTRAP_ADMIN_KEY: apiKey,
    TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
    TAKST_TRPC_FAST_PATH: String(fastPath),
    // The per-client rate limit (50/s by default) would answer most of the load with 429.
    TAKST_RATE_LIMIT_PER_SECOND: '1000000',
    TAKST_RATE_LIMIT_BURST: '1000000',
    TAKST_RATE_LIMIT_STORE: rateLimitStore,
    TAKST_WEBHOOK_WORKER: 'false',
  };
  return startTarget(variant, 'apps/server/dist/main.js', env, nodeFlags);
}

/** The floor: bench/src/raw-server.ts on plain node, no framework, no auth, no ORM. */
export async function startRaw(databaseUrl: string, nodeFlags: string[] = []): Promise<Target> {
  // .build/ sits inside bench/, so the script's `pg` resolves to the bench's own dependency.
  const script = await compileScript(path.join(ROOT, 'bench/src/raw-server.ts'), path.join(ROOT, 'bench/.build'));
  return startTarget(RAW, script, { DATABASE_URL: databaseUrl }, nodeFlags);
}
