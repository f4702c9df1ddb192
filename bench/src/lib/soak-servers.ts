import path from 'node:path';
import { compileScript } from './compile';
import { dropDatabase, recreateDatabase } from './database';
import { freePort, type Started, startProcess, stopProcess, waitUntilReady } from './processes';
import { BENCH_SECRETS_KEY } from './secrets-key';

export const SOAK_DATABASE = 'takst_bench_soak';
const READY_TIMEOUT_MS = 60_000;

export interface RunningServer {
  process: Started;
  baseUrl: string;
}

/** Drops what an interrupted run may have left and creates the database empty; returns its URL. */
export const createSoakDatabase = (serverUrl: string): Promise<string> => recreateDatabase(serverUrl, SOAK_DATABASE);

export const dropSoakDatabase = (serverUrl: string): Promise<void> => dropDatabase(serverUrl, SOAK_DATABASE);

async function start(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const port = await freePort();
  const started = startProcess(name, process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdoutToStderr: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(started, `${baseUrl}/readyz`, READY_TIMEOUT_MS);
  return { process: started, baseUrl };
}

/**
 * The built server with its defaults (rate limit charged in PostgreSQL, webhook worker in the
 * process), but for a limit the load stays under and loopback webhook URLs for the receiver.
 * Only PATH comes from our environment, so no TAKST_* setting of the caller's shell changes it.
 */
export function startTakstServer(
  root: string,
  databaseUrl: string,
  adminKey: string,
  nodeFlags: readonly string[] = [],
): Promise<RunningServer> {
  return start('takst server', [...nodeFlags, path.join(root, 'apps/server/dist/main.js')], root, {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
    TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
    // The default 50/s per client would refuse most of one client's load with 429.
    TAKST_RATE_LIMIT_PER_SECOND: '1000000',
    TAKST_RATE_LIMIT_BURST: '1000000',
    TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
  });
}

/** The raw node:http + pg baseline of get-by-id.ts, type-stripped and run on plain node as there. */
export async function startRawServer(root: string, databaseUrl: string): Promise<RunningServer> {
  const script = await compileScript(path.join(root, 'bench/src/raw-server.ts'), path.join(root, 'bench/.build'));
  return start('raw node:http + pg', [script], root, { DATABASE_URL: databaseUrl });
}

export function stopServer(server: RunningServer): Promise<void> {
  return stopProcess(server.process.child);
}
