// The platform for the drill: the built server as its own process (as `npm start` runs it) on a
// fresh database `takst_drill_<pid>` of the PostgreSQL at DATABASE_URL (or 127.0.0.1:5432),
// dropped again at the end, with its webhook worker as a process of its own. Reuses the bench's
// process and database helpers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withClient, withDatabase } from '../../../../bench/src/lib/database';
import { freePort, runCommand, type Started, stopProcess, waitUntilReady } from '../../../../bench/src/lib/processes';

const serverDir = fileURLToPath(new URL('../../../server/', import.meta.url));

export interface DrillPlatform {
  url: string;
  adminKey: string;
  database: string;
  stop(): Promise<void>;
}

async function workerRunning(worker: Started, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!readFileSync(logFile, 'utf8').includes('"takst webhook worker running"')) {
    if (worker.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the webhook worker did not start; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function postgresServerUrl(env: NodeJS.ProcessEnv): string {
  return env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function startDrillPlatform(options: {
  progress: (step: string) => void;
  /** Where the server's output goes (its one-time notices and its log). */
  logFile: string;
}): Promise<DrillPlatform> {
  const serverUrl = postgresServerUrl(process.env);
  const database = `takst_drill_${process.pid}`;
  options.progress(`creating database ${database}`);
  await withClient(serverUrl, async (client) => {
    await client.query(`drop database if exists ${database} with (force)`);
    await client.query(`create database ${database}`);
    await client.query(`alter database ${database} set synchronous_commit = off`);
  });
  const dropDatabase = () =>
    withClient(serverUrl, (client) => client.query(`drop database if exists ${database} with (force)`)).then(
      () => undefined,
    );
  let started: Started | undefined;
  let worker: Started | undefined;
  try {
    options.progress('building the server');
    await runCommand(process.execPath, ['build.mjs'], serverDir, 120_000, true);
    const port = await freePort();
    const adminKey = `tk_${randomBytes(32).toString('base64url')}`;
    options.progress('starting the platform');
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DATABASE_URL: withDatabase(serverUrl, database),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'error',
      TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
      // Seals webhook signing secrets in the database; a throwaway database gets a throwaway key.
      TAKST_SECRETS_KEY: randomBytes(32).toString('base64'),
      // The drill drives far more than one client's default budget; the limit is not what it tests.
      TAKST_RATE_LIMIT_PER_SECOND: '1000000',
      TAKST_RATE_LIMIT_BURST: '1000000',
      // The connector listens on 127.0.0.1; retries in seconds, not hours. Polling and concurrency as by
      // default: new deliveries wake the workers, and each wake-up costs a query per worker.
      TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
      TAKST_WEBHOOK_RETRY_SCHEDULE: '0,250ms,1s,3s,10s,30s',
      // Deliveries in a worker process of their own (docs/webhooks.md), so the API keeps its core.
      TAKST_WEBHOOK_WORKER: 'false',
    };
    const spawnServer = (name: string, args: string[], logLevel = 'error'): Started => {
      const out = openSync(options.logFile, 'a');
      const child = spawn(process.execPath, [path.join(serverDir, 'dist/main.js'), ...args], {
        cwd: serverDir,
        stdio: ['ignore', out, out],
        env: { ...env, LOG_LEVEL: logLevel },
      });
      closeSync(out);
      return { name, pid: child.pid as number, child };
    };
    started = spawnServer('takst server', []);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(started, `${url}/readyz`, 120_000);
    // Started once the server has migrated the database.
    worker = spawnServer('takst webhook worker', ['worker'], 'info');
    await workerRunning(worker, options.logFile, 60_000);
    const processes = [started, worker];
    return {
      url,
      adminKey,
      database,
      async stop() {
        await Promise.all(processes.map((running) => stopProcess(running.child)));
        await dropDatabase();
      },
    };
  } catch (error) {
    if (started) await stopProcess(started.child);
    if (worker) await stopProcess(worker.child);
    await dropDatabase();
    throw error;
  }
}
