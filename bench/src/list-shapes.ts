/**
 * Every list shape of `assignments.list` at 1,000,000 assignments: first and deep pages, both
 * sorts, measured over HTTP one request at a time. See ../README.md.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ensureBenchDatabase, postgresVersion, serverUrlFromEnv, withClient } from './lib/database';
import { positiveInteger } from './lib/env';
import { discoverFacts, listShapes, type Shape, SORTS } from './lib/list-catalog';
import { type Cell, cellsFor } from './lib/list-cells';
import { type Explained, explainCell } from './lib/list-explain';
import { type CellResult, measureCells, type SampleOptions, type Target, warmUp } from './lib/list-measure';
import { listReport } from './lib/list-report';
import { ensureSeeded } from './lib/list-seed';
import { cpuDescription, machineBusyPercentOver, machineCpuTicks } from './lib/proc';
import { freePort, runBenchmark, runCommand, startProcess, waitUntilReady } from './lib/processes';
import { BENCH_SECRETS_KEY } from './lib/secrets-key';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DATABASE = 'takst_bench_lists';
const BUILD_TIMEOUT_MS = 300_000;
// Migrations that build indexes on a million rows run before the server is ready.
const READY_TIMEOUT_MS = 900_000;
const IDLE_PROBE_MS = 2_000;
const QUIET_BUSY_PERCENT = 25;

interface Options {
  rows: number;
  sampling: SampleOptions;
  warmupSeconds: number;
  explainCount: number;
  quietWaitSeconds: number;
  only: RegExp | undefined;
  reseed: boolean;
}

function readOptions(env: NodeJS.ProcessEnv): Options {
  return {
    rows: positiveInteger(env, 'BENCH_LIST_ROWS', 1_000_000),
    sampling: {
      samples: positiveInteger(env, 'BENCH_LIST_SAMPLES', 30),
      warmupRequests: positiveInteger(env, 'BENCH_LIST_CELL_WARMUP', 2),
      budgetMs: positiveInteger(env, 'BENCH_LIST_CELL_BUDGET_S', 15) * 1_000,
    },
    warmupSeconds: positiveInteger(env, 'BENCH_LIST_WARMUP_S', 10),
    explainCount: positiveInteger(env, 'BENCH_LIST_EXPLAIN', 5),
    quietWaitSeconds: positiveInteger(env, 'BENCH_LIST_QUIET_WAIT_S', 120),
    only: env.BENCH_LIST_ONLY ? new RegExp(env.BENCH_LIST_ONLY, 'i') : undefined,
    reseed: env.BENCH_LIST_RESEED === '1',
  };
}

async function startServer(databaseUrl: string, apiKey: string): Promise<Target> {
  const port = await freePort();
  const started = startProcess('takst server', process.execPath, ['apps/server/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      TAKST_BOOTSTRAP_ADMIN_KEY: apiKey,
      TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
      // The per-client rate limit (50/s by default) would throttle the sequential requests.
      TAKST_RATE_LIMIT_PER_SECOND: '1000000',
      TAKST_RATE_LIMIT_BURST: '1000000',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdoutToStderr: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(started, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
  return { baseUrl, apiKey };
}

const seconds = (fromMs: number) => ((performance.now() - fromMs) / 1_000).toFixed(1);

async function buildCells(databaseUrl: string, only: RegExp | undefined): Promise<Cell[]> {
  return withClient(databaseUrl, async (client) => {
    const shapes = listShapes(await discoverFacts(client)).filter((shape: Shape) => !only || only.test(shape.name));
    const cells: Cell[] = [];
    for (const shape of shapes) {
      const started = performance.now();
      cells.push(...(await cellsFor(client, shape, SORTS)));
      console.error(`prepared ${shape.name} (${seconds(started)} s)`);
    }
    return cells;
  });
}

/** Other work on the 2 cores shows up as tail latency: give it a while to finish. Returns the last busy %. */
async function waitForQuietMachine(maxMs: number): Promise<number> {
  const until = performance.now() + maxMs;
  for (;;) {
    const busy = await machineBusyPercentOver(IDLE_PROBE_MS);
    if (busy < QUIET_BUSY_PERCENT) return busy;
    if (performance.now() > until) {
      console.error(`warning: the machine is still ${busy.toFixed(0)} % busy; measuring anyway`);
      return busy;
    }
    console.error(`the machine is ${busy.toFixed(0)} % busy with other work; waiting`);
  }
}

const label = (cell: Cell) => `${cell.shape.name} · ${cell.sort} · ${cell.page}`;

async function measureAll(target: Target, cells: readonly Cell[], sampling: SampleOptions): Promise<CellResult[]> {
  const started = performance.now();
  const results = await measureCells(target, cells, sampling, (round) =>
    console.error(`round ${round}/${sampling.samples} over ${cells.length} cells (${seconds(started)} s)`),
  );
  for (const result of results) {
    console.error(`${label(result.cell)}: p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms`);
  }
  return results;
}

/** Measures once other work has settled; says how busy the machine was before and during. */
async function measureOnQuietMachine(target: Target, cells: readonly Cell[], options: Options) {
  const idleBusy = await waitForQuietMachine(options.quietWaitSeconds * 1_000);
  const before = machineCpuTicks();
  const results = await measureAll(target, cells, options.sampling);
  const after = machineCpuTicks();
  const busy = (100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total);
  const load = `machine CPU busy ${idleBusy.toFixed(0)} % just before measuring, ${busy.toFixed(0)} % while measuring (one request at a time keeps about one of the cores busy)`;
  return { results, load };
}

async function explainSlowest(databaseUrl: string, results: readonly CellResult[], count: number) {
  const slowest = [...results].sort((a, b) => b.p95 - a.p95).slice(0, count);
  return withClient(databaseUrl, async (client) => {
    const explained: Explained[] = [];
    for (const result of slowest) explained.push(await explainCell(client, result.cell));
    return explained;
  });
}

async function main(): Promise<void> {
  const options = readOptions(process.env);
  const databaseUrl = await ensureBenchDatabase(serverUrlFromEnv(process.env), DATABASE);
  const { host, pathname } = new URL(databaseUrl);
  console.error(`database: ${host}${pathname}; building the server`);
  await runCommand('npm', ['run', 'build', '-w', '@takst/server'], ROOT, BUILD_TIMEOUT_MS, true);
  // The server runs the migrations, so it must be up before the tables can be seeded.
  const target = await startServer(databaseUrl, `tk_${randomBytes(32).toString('base64url')}`);
  const seeding = await ensureSeeded(databaseUrl, options.rows, options.reseed);
  const cells = await buildCells(databaseUrl, options.only);
  console.error(`warming up for ${options.warmupSeconds} s over ${cells.length} cells`);
  await warmUp(target, cells, options.warmupSeconds * 1_000);
  const { results, load } = await measureOnQuietMachine(target, cells, options);
  const explained = await explainSlowest(databaseUrl, results, options.explainCount);
  const info = {
    date: new Date().toISOString(),
    machine: `${cpuDescription()}; Node ${process.version}; ${await postgresVersion(databaseUrl)}`,
    rows: options.rows,
    seeding,
    samples: options.sampling.samples,
    warmupRequests: options.sampling.warmupRequests,
    load,
  };
  console.log(listReport(info, results, explained));
}

await runBenchmark(main);
