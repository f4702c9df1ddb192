/**
 * `npm run reliability:fuzz`: builds the server, starts it on a fresh database with a bootstrap
 * admin key and the rate limit lifted, fuzzes every procedure from its OpenAPI document, prints
 * the report (Markdown, on stdout; progress on stderr) and stops the server by its PID. Exits 1
 * on any 5xx, malformed error, stack trace, unmet documented answer, stall, error-level server log
 * line or uncaught exception. Settings: see docs/reliability.md ("Fuzzer").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { recreateDatabase, serverUrlFromEnv, withDatabase } from '../lib/database';
import { positiveInteger } from '../lib/env';
import { freePort, runBenchmark, serverToRun, stopProcess, waitUntilReady } from '../lib/processes';
import { BENCH_SECRETS_KEY } from '../lib/secrets-key';
import { formatFuzzReport, fuzz, fuzzFailed } from './fuzz-core';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const DATABASE = 'takst_fuzz';
const READY_TIMEOUT_MS = 60_000;
/** Kept of the server's output, for the report (the log is warn level and up). */
const MAX_LOG_LINES = 100_000;

/** `--name value` or `--name=value` from the command line, else the environment variable. */
function setting(name: string, variable: string): string | undefined {
  const args = process.argv.slice(2);
  for (const [i, arg] of args.entries()) {
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return process.env[variable];
}

function integer(name: string, variable: string, fallback: number): number {
  const raw = setting(name, variable);
  return positiveInteger({ [variable]: raw }, variable, fallback);
}

function caseList(raw: string | undefined): number[] | undefined {
  if (!raw) return undefined;
  const cases = raw.split(',').map((part) => Number(part.trim()));
  if (cases.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`FUZZ_CASES must list case numbers, got "${raw}"`);
  return cases;
}

function startServer(mainJs: string, env: NodeJS.ProcessEnv, lines: string[], file: WriteStream | null): ChildProcess {
  const child = spawn(process.execPath, [mainJs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  process.on('exit', () => child.kill('SIGKILL'));
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      file?.write(chunk);
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) if (lines.length < MAX_LOG_LINES) lines.push(line);
    });
  }
  return child;
}

await runBenchmark(async () => {
  const seed = integer('seed', 'FUZZ_SEED', 1);
  const requests = integer('requests', 'FUZZ_REQUESTS', 5_000);
  const concurrency = integer('concurrency', 'FUZZ_CONCURRENCY', 8);
  const maxSeconds = integer('max-seconds', 'FUZZ_MAX_SECONDS', 600);
  const timeoutMs = integer('timeout-ms', 'FUZZ_TIMEOUT_MS', 30_000);
  const stallMs = integer('stall-ms', 'FUZZ_STALL_MS', 1_000);
  const cases = caseList(setting('cases', 'FUZZ_CASES'));
  const serverOverride = setting('server', 'FUZZ_SERVER');
  const logFile = setting('server-log', 'FUZZ_SERVER_LOG');

  const mainJs = await serverToRun(ROOT, serverOverride);
  const serverUrl = serverUrlFromEnv(process.env);
  await recreateDatabase(serverUrl, DATABASE);

  const port = await freePort();
  const adminKey = `tk_${randomBytes(32).toString('base64url')}`;
  const lines: string[] = [];
  const file = logFile ? createWriteStream(path.resolve(process.env.INIT_CWD ?? process.cwd(), logFile)) : null;
  const child = startServer(
    mainJs,
    {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: withDatabase(serverUrl, DATABASE),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
      TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
      TAKST_RATE_LIMIT_PER_SECOND: '1000000',
      TAKST_RATE_LIMIT_BURST: '1000000',
      // Nothing leaves the machine: no webhook deliveries, and webhook URLs may name 127.0.0.1
      // (a literal address: no DNS look-up for the fuzzer's URLs).
      TAKST_WEBHOOK_WORKER: 'false',
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
    },
    lines,
    file,
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server did not start');
  const server = { exited: null as string | null };
  child.once('exit', (code, signal) => {
    server.exited = `exit ${code ?? signal}`;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady({ name: 'takst server', pid, child }, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
    console.error(`server ${pid} ready on ${baseUrl}; seed ${seed}, ${requests} requests, concurrency ${concurrency}`);
    const report = await fuzz({
      baseUrl,
      apiKey: adminKey,
      seed,
      requests,
      concurrency,
      maxDurationMs: maxSeconds * 1_000,
      timeoutMs,
      stallMs,
      cases,
      serverLog: () => lines,
      serverAlive: () => server.exited === null,
      log: (line) => console.error(line),
    });
    const args = process.argv.slice(2).join(' ');
    console.log(`# Fuzzer: \`npm run reliability:fuzz${args ? ` -- ${args}` : ''}\`\n`);
    console.log(formatFuzzReport(report));
    const exitedDuringRun = server.exited;
    if (exitedDuringRun) console.log(`\nThe server process ended during the run (${exitedDuringRun}).`);
    if (fuzzFailed(report) || exitedDuringRun) {
      console.error('\nThe fuzzer found 5xx answers or other violations (listed above).');
      process.exitCode = 1;
    }
  } finally {
    // By its PID: SIGTERM, then SIGKILL after a grace period.
    await stopProcess(child);
    if (child.exitCode !== 0) console.error(`the server ended with ${server.exited} on SIGTERM`);
    if (file) await new Promise((resolve) => file.end(resolve));
  }
});
