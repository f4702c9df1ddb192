/**
 * Where the server's CPU goes under the GET-by-id load: runs the takst server (or the raw floor)
 * under `node --cpu-prof`, sends the bench's load, stops it and summarizes the profile it wrote.
 * See ../README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type CpuProfile, profileReport, summarizeProfile } from './lib/cpu-profile';
import { BENCH_DATABASE, sampleAssignments } from './lib/database';
import { positiveInteger } from './lib/env';
import { prepareDatabase, ROOT, SAMPLE_SIZE, seed, startRaw, startTakst, type Target } from './lib/get-by-id-setup';
import { runLoad } from './lib/load';
import { runBenchmark, serverToRun, stopProcess } from './lib/processes';

const PROFILE_DIR = path.join(ROOT, 'bench/.profiles');
const TARGETS = ['takst', 'raw'] as const;
type TargetName = (typeof TARGETS)[number];

function targetFrom(env: NodeJS.ProcessEnv): TargetName {
  const name = env.PROFILE_TARGET || 'takst';
  if (!TARGETS.includes(name as TargetName)) throw new Error(`PROFILE_TARGET must be takst or raw, got "${name}"`);
  return name as TargetName;
}

async function newestProfile(dir: string, before: Set<string>): Promise<string> {
  const written = (await readdir(dir)).filter((file) => file.endsWith('.cpuprofile') && !before.has(file));
  const newest = written.sort().at(-1);
  if (!newest) throw new Error(`the server wrote no .cpuprofile into ${dir}`);
  return path.join(dir, newest);
}

async function main(): Promise<void> {
  const target = targetFrom(process.env);
  const seconds = positiveInteger(process.env, 'BENCH_DURATION_S', 20);
  const warmupSeconds = positiveInteger(process.env, 'BENCH_WARMUP_S', 5);
  const connections = positiveInteger(process.env, 'BENCH_CONNECTIONS', 20);
  const rows = positiveInteger(process.env, 'BENCH_ROWS', 200_000);

  const database = await prepareDatabase(rows);
  if (target === 'takst') await serverToRun(ROOT, undefined);
  await mkdir(PROFILE_DIR, { recursive: true });
  const before = new Set(await readdir(PROFILE_DIR));
  const nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
  const apiKey = `tk_${randomBytes(32).toString('base64url')}`;
  // The takst server migrates the database, so it starts before the seed; the raw floor needs both done.
  let server: Target | undefined;
  if (target === 'takst') server = await startTakst({ databaseUrl: database.url, apiKey, fastPath: true, nodeFlags });
  if (!database.seeded) {
    if (!server) throw new Error(`seed ${BENCH_DATABASE} first: run npm run bench (or PROFILE_TARGET=takst) once`);
    await seed(database.url, rows);
  }
  server ??= await startRaw(database.url, nodeFlags);

  const ids = (await sampleAssignments(database.url, SAMPLE_SIZE)).map((sample) => sample.id);
  const load = { baseUrl: server.baseUrl, ids, apiKey, connections };
  console.error(`${server.variant}: ${warmupSeconds} s of warm-up, ${seconds} s of load, under --cpu-prof`);
  const warmup = await runLoad({ ...load, seconds: warmupSeconds });
  const result = await runLoad({ ...load, seconds });
  const requests = warmup.requests.total + result.requests.total;
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
  await stopProcess(server.process.child);

  const file = await newestProfile(PROFILE_DIR, before);
  const summary = summarizeProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile, ROOT);
  console.log(`## CPU profile: ${server.variant}, ${Math.round(result.requests.average)} req/s\n`);
  console.log(`- profile: ${path.relative(ROOT, file)} (open it in Chrome DevTools' Performance panel)`);
  console.log(`- node ${process.version}; ${requests} requests, ${connections} connections\n`);
  console.log(profileReport(summary, (summary.busyMs * 1_000) / requests));
}

await runBenchmark(main);
