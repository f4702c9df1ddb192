/**
 * `npm run bench:soak`: the built takst server under a moderate, constant-rate mixed load for
 * half an hour (by default), its memory and latency sampled throughout; exits 1 when RSS passes
 * 300 MB or keeps growing, p99 drifts, or requests fail. See docs/performance.md, "Soak".
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { postgresVersion, sampleAssignments, seedBenchData, serverUrlFromEnv, withClient } from './lib/database';
import { cpuDescription, processRssBytes } from './lib/proc';
import { killAllNow, runCommand, stopAll } from './lib/processes';
import { autovacuumForSoak } from './lib/soak-autovacuum';
import {
  type EventFollower,
  followersCaughtUp,
  startFollowers,
  subscribeReceiver,
  WebhookReceiver,
} from './lib/soak-events';
import { WireClient } from './lib/soak-http';
import { GetByIdWorkload, MixedWorkload, SOAK_MIX, type Workload } from './lib/soak-mix';
import { readSoakOptions, SOAK_USAGE, type SoakOptions } from './lib/soak-options';
import { runPhase } from './lib/soak-phase';
import { LoadRecorder } from './lib/soak-recorder';
import { type EventsReport, type FloorRow, formatSoakReport, type SoakReport } from './lib/soak-report';
import { readServerMetrics, ServerSampler, type Window } from './lib/soak-sampler';
import {
  createSoakDatabase,
  dropSoakDatabase,
  type RunningServer,
  startRawServer,
  startTakstServer,
  stopServer,
} from './lib/soak-servers';
import { percentile, pooled } from './lib/soak-stats';
import { kindRows, minuteRows, summarize, verdicts } from './lib/soak-summary';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUILD_TIMEOUT_MS = 300_000;
const SAMPLED_IDS = 2_000;
const SEEDED_UPDATABLE = 500;
/** Sockets per server: enough that a stall queues requests in the generator, not refusals. */
const MAX_SOCKETS = 64;
const RAW_WARMUP_SECONDS = 10;
const CATCH_UP_TIMEOUT_MS = 30_000;

const log = (line: string) => console.error(line);

interface Versioned {
  id: string;
  version: number;
}

/** Open assignments with their versions, for updates to name (closed ones take no change). */
function updatableAssignments(databaseUrl: string, count: number): Promise<Versioned[]> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<Versioned>(
      `select id::text as id, version from assignments where status not in ('closed', 'cancelled')
       order by random() limit $1`,
      [count],
    );
    return rows;
  });
}

function countAssignmentEventsAfter(databaseUrl: string, sequence: number): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ count: number }>(
      `select count(*)::int as count from events where type like 'assignment.%' and sequence > $1`,
      [sequence],
    );
    return rows[0]?.count ?? 0;
  });
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

function describeWindow(window: Window): string {
  const s = window.sample;
  const heap = s.heapUsedMb === null ? '' : `, heap ${s.heapUsedMb.toFixed(1)} MB`;
  return `[${s.endSeconds.toFixed(0).padStart(5)} s] ${s.requests} requests, ${s.errors} errors, p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms, RSS ${s.rssMb.toFixed(1)} MB${heap}, server CPU ${s.serverCpuPercent.toFixed(0)} %`;
}

interface PhaseRun {
  server: RunningServer;
  workload: Workload;
  rate: number;
  seconds: number;
  sampleSeconds: number;
  signal: AbortSignal;
  metricsKey?: string;
  logWindows?: boolean;
}

async function phase(run: PhaseRun): Promise<{ windows: Window[]; recorder: LoadRecorder }> {
  const recorder = new LoadRecorder();
  const { server, metricsKey } = run;
  const metrics = metricsKey ? () => readServerMetrics(server.baseUrl, metricsKey) : null;
  const sampler = new ServerSampler(server.process.pid, recorder, metrics);
  const windows = await runPhase({
    workload: run.workload,
    recorder,
    sampler,
    rate: run.rate,
    seconds: run.seconds,
    sampleSeconds: run.sampleSeconds,
    signal: run.signal,
    onWindow: run.logWindows ? (window) => log(describeWindow(window)) : undefined,
  });
  return { windows, recorder };
}

function floorRow(server: string, load: string, windows: readonly Window[]): FloorRow {
  const latencies = pooled(windows.map((w) => w.latenciesMs));
  return {
    server,
    load,
    requests: latencies.length,
    errors: windows.reduce((sum, w) => sum + w.sample.errors, 0),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxRssMb: Math.max(...windows.map((w) => w.sample.rssMb)),
    serverCpuPercent: mean(windows.map((w) => w.sample.serverCpuPercent)),
  };
}

/** The raw node:http + pg server under the GET-by-id share of the rate: the floor to read against. */
async function measureFloor(
  databaseUrl: string,
  ids: readonly string[],
  options: SoakOptions,
  signal: AbortSignal,
): Promise<FloorRow> {
  const raw = await startRawServer(ROOT, databaseUrl);
  const client = new WireClient(raw.baseUrl, 'unused by the raw server', MAX_SOCKETS);
  try {
    const rate = Math.round(options.rate * SOAK_MIX.get);
    const run = { server: raw, workload: new GetByIdWorkload(client, ids), rate, signal };
    log(`baseline: the raw server at ${rate} GETs/s, ${RAW_WARMUP_SECONDS} s warm-up + ${options.baselineSeconds} s`);
    await phase({ ...run, seconds: RAW_WARMUP_SECONDS, sampleSeconds: RAW_WARMUP_SECONDS });
    const { windows } = await phase({ ...run, seconds: options.baselineSeconds, sampleSeconds: options.sampleSeconds });
    return floorRow('raw node:http + pg', `GET by id alone, ${rate} req/s, ${options.baselineSeconds} s`, windows);
  } finally {
    client.close();
    await stopServer(raw);
  }
}

interface LiveListeners {
  followers: EventFollower[];
  receiver: WebhookReceiver;
  /** The head of the event log when they started listening. */
  after: number;
}

async function startListening(server: RunningServer, client: WireClient, adminKey: string, followers: number) {
  const receiver = await WebhookReceiver.start();
  await subscribeReceiver(client, receiver);
  const after = (await readServerMetrics(server.baseUrl, adminKey)).eventsHead;
  if (after === null) throw new Error('GET /metrics did not tell the head of the event log');
  return { receiver, after, followers: await startFollowers(followers, server.baseUrl, adminKey, after) };
}

async function eventsReport(
  listeners: LiveListeners,
  server: RunningServer,
  databaseUrl: string,
  adminKey: string,
  windows: readonly Window[],
): Promise<EventsReport> {
  const { followers, receiver, after } = listeners;
  const head = (await readServerMetrics(server.baseUrl, adminKey)).eventsHead ?? after;
  const caughtUp = await followersCaughtUp(followers, head, CATCH_UP_TIMEOUT_MS);
  const expected = await countAssignmentEventsAfter(databaseUrl, after);
  const deadline = performance.now() + CATCH_UP_TIMEOUT_MS;
  while (receiver.delivered < expected && performance.now() < deadline) await sleep(500);
  const pending = windows.map((w) => w.sample.webhookDeliveriesPending).filter((p) => p !== null);
  return {
    followers: followers.length,
    eventsWritten: head - after,
    receivedPerFollower: followers.map((f) => f.received),
    reconnects: followers.reduce((sum, f) => sum + f.reconnects, 0),
    followersCaughtUp: caughtUp,
    webhook: {
      expected,
      delivered: receiver.delivered,
      duplicates: receiver.duplicates,
      badSignatures: receiver.badSignatures,
      maxPending: pending.length > 0 ? Math.max(...pending) : null,
      pendingAtEnd: windows.at(-1)?.sample.webhookDeliveriesPending ?? null,
    },
  };
}

async function seed(databaseUrl: string, rows: number): Promise<void> {
  const started = performance.now();
  await seedBenchData(databaseUrl, rows, (step) => log(`seeding: ${step}`));
  log(`seeded ${rows} assignments in ${((performance.now() - started) / 1_000).toFixed(1)} s`);
}

/** Everything between an empty database and the report; the caller stops what is left and drops it. */
async function soak(
  options: SoakOptions,
  databaseUrl: string,
  autovacuum: string,
  signal: AbortSignal,
): Promise<SoakReport> {
  const adminKey = `tk_${randomBytes(32).toString('base64url')}`;
  // The server runs the migrations, so it must be up before the tables can be seeded.
  const takst = await startTakstServer(ROOT, databaseUrl, adminKey, options.nodeFlags);
  await seed(databaseUrl, options.rows);
  const ids = (await sampleAssignments(databaseUrl, SAMPLED_IDS)).map((s) => s.id);
  signal.throwIfAborted();

  const floor = options.baselineSeconds > 0 ? [await measureFloor(databaseUrl, ids, options, signal)] : [];
  signal.throwIfAborted();

  const client = new WireClient(takst.baseUrl, adminKey, MAX_SOCKETS);
  const listeners = await startListening(takst, client, adminKey, options.followers);
  try {
    const workload = new MixedWorkload(client, ids, await updatableAssignments(databaseUrl, SEEDED_UPDATABLE));
    const run = { server: takst, workload, rate: options.rate, signal, metricsKey: adminKey };
    const idleRssMb = processRssBytes(takst.process.pid) / 2 ** 20;
    if (options.warmupSeconds > 0) {
      log(`warm-up: ${options.warmupSeconds} s at ${options.rate} req/s`);
      await phase({ ...run, seconds: options.warmupSeconds, sampleSeconds: options.warmupSeconds });
    }
    const rssAfterWarmupMb = processRssBytes(takst.process.pid) / 2 ** 20;
    log(`soak: ${options.minutes} min at ${options.rate} req/s, a sample every ${options.sampleSeconds} s`);
    const { windows, recorder } = await phase({
      ...run,
      seconds: options.minutes * 60,
      sampleSeconds: options.sampleSeconds,
      logWindows: true,
    });
    signal.throwIfAborted();
    const summary = summarize(windows, options.sampleSeconds);
    const kinds = kindRows(recorder.latenciesByKind);
    const gets = kinds.find((k) => k.kind === 'get');
    const getFailures = [...recorder.failures].filter(([what]) => what.startsWith('get:'));
    floor.push({
      ...floorRow(
        'takst',
        `the whole mix, ${options.rate} req/s, ${options.minutes} min (GET-by-id latencies)`,
        windows,
      ),
      requests: gets?.requests ?? 0,
      errors: getFailures.reduce((sum, [, n]) => sum + n, 0),
      p50Ms: gets?.p50Ms ?? Number.NaN,
      p99Ms: gets?.p99Ms ?? Number.NaN,
    });
    return {
      info: {
        date: new Date().toISOString(),
        machine: cpuDescription(),
        node: process.version,
        postgres: await postgresVersion(databaseUrl),
        minutes: options.minutes,
        rate: options.rate,
        sampleSeconds: options.sampleSeconds,
        warmupSeconds: options.warmupSeconds,
        rows: options.rows,
        idleRssMb,
        rssAfterWarmupMb,
        autovacuum,
        nodeFlags: options.nodeFlags,
      },
      minutes: minuteRows(windows, options.sampleSeconds),
      summary,
      verdicts: verdicts(summary),
      kinds,
      failures: Object.fromEntries(recorder.failures),
      floor,
      events: await eventsReport(listeners, takst, databaseUrl, adminKey, windows),
      windows: windows.map((w) => w.sample),
    };
  } finally {
    for (const follower of listeners.followers) follower.stop();
    client.close();
    await listeners.receiver.close();
    await stopServer(takst);
  }
}

async function main(): Promise<number> {
  const options = readSoakOptions(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  if (!options) {
    console.log(SOAK_USAGE);
    return 0;
  }
  const interrupted = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => {
    log(`${signal}: ending the run; stopping the servers and dropping the database`);
    interrupted.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.on('exit', killAllNow);

  const serverUrl = serverUrlFromEnv(process.env);
  log('building the server');
  await runCommand('npm', ['run', 'build', '-w', '@takst/server'], ROOT, BUILD_TIMEOUT_MS, true);
  const databaseUrl = await createSoakDatabase(serverUrl);
  const autovacuum = await autovacuumForSoak(serverUrl, options.autovacuumAsConfigured);
  log(`autovacuum: ${autovacuum.description}`);
  try {
    const report = await soak(options, databaseUrl, autovacuum.description, interrupted.signal);
    console.log(formatSoakReport(report));
    if (options.jsonPath) {
      await writeFile(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      log(`figures written to ${options.jsonPath}`);
    }
    return report.verdicts.every((v) => v.passed) ? 0 : 1;
  } catch (error) {
    if (interrupted.signal.aborted) return 130;
    throw error;
  } finally {
    // The server's setting goes back even when stopping or dropping fails.
    try {
      await stopAll();
      await dropSoakDatabase(serverUrl);
    } finally {
      await autovacuum.restore();
    }
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
}
