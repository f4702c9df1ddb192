/**
 * GET one assignment by id: the takst server (with its tRPC fast path, and through tRPC's own
 * Express adapter) against a raw node:http + pg baseline, on one PostgreSQL database. See ../README.md.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { assignmentsOfEveryShape, postgresVersion, type Sample, sampleAssignments } from './lib/database';
import { positiveInteger } from './lib/env';
import {
  prepareDatabase,
  ROOT,
  SAMPLE_SIZE,
  seed,
  startRaw,
  startTakst,
  TAKST_REST,
  type Target,
} from './lib/get-by-id-setup';
import { seedPlan } from './lib/list-seed';
import { fetchOne, runLoad } from './lib/load';
import {
  clockTicksPerSecond,
  cpuDescription,
  machineBusyPercentOver,
  machineCpuTicks,
  processCpuTicks,
  processRssBytes,
} from './lib/proc';
import { runBenchmark, serverToRun } from './lib/processes';
import { type Measurement, type RunInfo, report } from './lib/report';

/** Ids from the random sample that the sanity check asks every server for, besides one of every shape. */
const SANITY_RANDOM_IDS = 50;
const IDLE_PROBE_MS = 2_000;
const BUSY_WARNING_PERCENT = 10;

interface Options {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rows: number;
  quietWaitSeconds: number;
}

function readOptions(env: NodeJS.ProcessEnv): Options {
  return {
    durationSeconds: positiveInteger(env, 'BENCH_DURATION_S', 20),
    warmupSeconds: positiveInteger(env, 'BENCH_WARMUP_S', 15),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 20),
    rows: positiveInteger(env, 'BENCH_ROWS', 200_000),
    quietWaitSeconds: positiveInteger(env, 'BENCH_QUIET_WAIT_S', 60),
  };
}

/** All servers must answer each assignment with the same DTO before their numbers can be compared. */
async function sanityCheck(targets: readonly Target[], samples: readonly Sample[], apiKey: string): Promise<void> {
  for (const sample of samples) {
    const answers = await Promise.all(targets.map((t) => fetchOne(t.baseUrl, sample.id, apiKey, t.route)));
    answers.forEach((answer, i) => {
      const { id, reference } = answer.data ?? {};
      if (answer.status !== 200 || id !== sample.id || reference !== sample.reference) {
        throw new Error(`${targets[i]?.variant} answered ${answer.status} with ${JSON.stringify(answer.data)}`);
      }
    });
    if (answers.some((answer) => !isDeepStrictEqual(answer.data, answers[0]?.data))) {
      const each = answers.map((a, i) => `${targets[i]?.variant}: ${JSON.stringify(a.data)}`);
      throw new Error(`the servers answer ${sample.id} with different DTOs:\n${each.join('\n')}`);
    }
  }
  console.error(`all servers answered the same DTOs for ${samples.length} assignments`);
}

interface CpuSnapshot {
  serverTicks: number;
  machine: ReturnType<typeof machineCpuTicks>;
  self: NodeJS.CpuUsage;
}

function cpuSnapshot(pid: number): CpuSnapshot {
  return { serverTicks: processCpuTicks(pid), machine: machineCpuTicks(), self: process.cpuUsage() };
}

/** Waits up to `maxSeconds` for other work on the machine to finish; returns the last busy %. */
async function waitForQuietMachine(maxSeconds: number): Promise<number> {
  const until = performance.now() + maxSeconds * 1_000;
  for (;;) {
    const busy = await machineBusyPercentOver(IDLE_PROBE_MS);
    if (busy <= BUSY_WARNING_PERCENT) return busy;
    if (performance.now() > until) {
      console.error(`warning: the machine is ${busy.toFixed(0)} % busy before any load; the numbers will be off`);
      return busy;
    }
    console.error(`the machine is ${busy.toFixed(0)} % busy with other work; waiting`);
  }
}

async function measure(target: Target, ids: readonly string[], apiKey: string, options: Options) {
  const load = { baseUrl: target.baseUrl, ids, apiKey, connections: options.connections, route: target.route };
  const idleBusy = await waitForQuietMachine(options.quietWaitSeconds);
  console.error(`${target.variant}: warming up for ${options.warmupSeconds} s`);
  await runLoad({ ...load, seconds: options.warmupSeconds });
  console.error(`${target.variant}: measuring for ${options.durationSeconds} s`);
  const before = cpuSnapshot(target.process.pid);
  const result = await runLoad({ ...load, seconds: options.durationSeconds });
  const after = cpuSnapshot(target.process.pid);
  return { ...toMeasurement(target, result, before, after), idleMachineBusyPercent: idleBusy };
}

function toMeasurement(
  target: Target,
  result: Awaited<ReturnType<typeof runLoad>>,
  before: CpuSnapshot,
  after: CpuSnapshot,
): Omit<Measurement, 'idleMachineBusyPercent'> {
  const microsPerTick = 1_000_000 / clockTicksPerSecond();
  const requests = result.requests.total;
  const serverMicros = (after.serverTicks - before.serverTicks) * microsPerTick;
  const selfMicros = after.self.user + after.self.system - before.self.user - before.self.system;
  const busyMicros = (after.machine.busy - before.machine.busy) * microsPerTick;
  const totalTicks = after.machine.total - before.machine.total;
  return {
    variant: target.variant,
    result,
    requests,
    requestsPerSecond: requests / result.duration,
    serverCpuMicrosPerRequest: serverMicros / requests,
    loadGeneratorCpuMicrosPerRequest: selfMicros / requests,
    restCpuMicrosPerRequest: (busyMicros - serverMicros - selfMicros) / requests,
    machineBusyPercent: (100 * (after.machine.busy - before.machine.busy)) / totalTicks,
    rssMegabytes: processRssBytes(target.process.pid) / 2 ** 20,
  };
}

const integer = (n: number) => n.toLocaleString('en-US');

function describeData(rows: number): string {
  const plan = seedPlan(rows, 0);
  return `${integer(rows)} assignments joined to ${integer(plan.properties)} properties, ${integer(plan.parties)} parties and ${integer(plan.appraisers)} appraisers`;
}

async function main(): Promise<void> {
  const options = readOptions(process.env);
  const database = await prepareDatabase(options.rows);
  const databaseUrl = database.url;
  // Builds the server, with npm's output on stderr: stdout is for the table alone.
  await serverToRun(ROOT, undefined);

  // The server runs the migrations, so it must be up before the tables can be seeded.
  const apiKey = `tk_${randomBytes(32).toString('base64url')}`;
  const takst = await startTakst({ databaseUrl, apiKey, fastPath: true });
  if (!database.seeded) await seed(databaseUrl, options.rows);
  const viaAdapter = await startTakst({ databaseUrl, apiKey, fastPath: false });
  const processLimit = await startTakst({ databaseUrl, apiKey, fastPath: true, rateLimitStore: 'memory' });
  const raw = await startRaw(databaseUrl);
  // The REST API on the fast path's own process: the same procedure, behind Express and rest-api.ts.
  const rest: Target = { ...takst, variant: TAKST_REST, route: 'rest' };

  const sample = await sampleAssignments(databaseUrl, SAMPLE_SIZE);
  if (sample.length === 0) throw new Error('no assignments to ask for');
  const everyShape = await assignmentsOfEveryShape(databaseUrl);
  await sanityCheck(
    [raw, takst, processLimit, viaAdapter, rest],
    [...everyShape, ...sample.slice(0, SANITY_RANDOM_IDS)],
    apiKey,
  );

  const ids = sample.map((s) => s.id);
  const measurements = [];
  for (const target of [raw, takst, processLimit, rest, viaAdapter])
    measurements.push(await measure(target, ids, apiKey, options));
  const info: RunInfo = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpuDescription(),
    postgres: await postgresVersion(databaseUrl),
    data: describeData(options.rows),
    sampleSize: sample.length,
    connections: options.connections,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
  };
  console.log(report(info, measurements));
}

await runBenchmark(main);
