import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@takst/api';
import { createTakstClient } from '@takst/sdk';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { postgresBinaries, postgresRunAs } from '../src/embedded-postgres';
import { assignmentInput } from './support/fixtures';
import { type ServerProcess, spawnServer } from './support/process';

// Under the repo, not in a 0700 temp folder: the postgres user must be able to reach it.
const dataRoot = fileURLToPath(new URL('../../../.data', import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function started(env: Record<string, string>, args: string[] = []): ServerProcess {
  const server = spawnServer(env, args);
  cleanups.push(() => server.stop('SIGKILL'));
  return server;
}

/** The command lines of the processes that name `dataDir`: none once everything stopped. */
function processesOf(dataDir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dataDir));
}

/** Stops, by the pid in its lock file, a postmaster of `dataDir` a failed test may have left. */
async function stopPostmasterOf(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!pid || !processesOf(dataDir).some((line) => line.includes('postgres'))) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && existsSync(pidFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A PostgreSQL on `dataDir` that no server started: the leftover a killed server would leave. */
async function leftoverPostgres(dataDir: string, owner: number): Promise<ChildProcess> {
  const { postgres } = await postgresBinaries();
  const args = [
    '-D',
    path.join(dataDir, 'postgres'),
    '-p',
    String(await freePort()),
    '-c',
    `cluster_name=takst-${owner}`,
  ];
  const child = spawn(postgres, args, {
    ...(await postgresRunAs()),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`the leftover PostgreSQL did not start:\n${output}`)));
  });
  return child;
}

const exitOf = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

describe('embedded PostgreSQL left running', () => {
  const dataDir = path.join(dataRoot, `test-leftover-${process.pid}`);
  const key = generateApiKey();
  const env = { TAKST_DATA_DIR: dataDir, TAKST_BOOTSTRAP_ADMIN_KEY: key };
  afterAll(async () => {
    await stopPostmasterOf(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('comes up by itself right after the server was killed with SIGKILL, with its data', async () => {
    const first = started(env);
    const url = await first.listening;
    const created = await createTakstClient({ baseUrl: url, apiKey: key }).assignments.create.mutate(assignmentInput());
    first.child.kill('SIGKILL');
    await first.exited;

    // With --demo as well: on a database that holds assignments it says how to get a fresh demo.
    const second = started(env, ['--demo']);
    const url2 = await second.listening;
    const client = createTakstClient({ baseUrl: url2, apiKey: key });
    expect(await client.assignments.get.query({ id: created.id })).toEqual(created);
    expect(second.stderr()).toContain(
      'Demo data was not added: the database already holds assignments, and demo data is only added to an empty one. ' +
        'For a fresh demo, use another data folder: TAKST_DATA_DIR=.data/demo npm start -- --demo\n',
    );
    expect(await second.stop()).toBe(0);
    expect(processesOf(dataDir)).toEqual([]);
  }, 60_000);

  it('stops a PostgreSQL whose server is gone, and never one whose server still runs', async () => {
    if (!existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))) {
      expect(await started(env, ['migrate']).exited).toBe(0);
    }
    const gone = spawn('true');
    await exitOf(gone);
    const orphan = await leftoverPostgres(dataDir, gone.pid as number);
    const server = started(env);
    await server.listening;
    expect(server.stdout()).toContain('left running by a server that is gone');
    await exitOf(orphan);
    expect(await server.stop()).toBe(0);

    // This test process stands for a server still running: its PostgreSQL stays, and start-up says why.
    const owned = await leftoverPostgres(dataDir, process.pid);
    const refused = started(env);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr().trim()).toMatch(/^The embedded PostgreSQL in .* is in use by another process \(pid \d+\)/);
    expect(refused.stderr().trim().split('\n')).toHaveLength(1);
    expect(owned.exitCode).toBeNull();
  }, 60_000);
});

describe('embedded PostgreSQL data folder out of reach', () => {
  it('stops with one line naming the folder it cannot enter and TAKST_DATA_DIR', async () => {
    const locked = path.join(dataRoot, `test-locked-${process.pid}`);
    await mkdir(locked, { recursive: true });
    // As root, a folder only root may enter (a clone in /root); otherwise one nobody may enter.
    await chmod(locked, process.getuid?.() === 0 ? 0o700 : 0o000);
    cleanups.push(async () => {
      await chmod(locked, 0o755);
      await rm(locked, { recursive: true, force: true });
    });
    const server = started({ TAKST_DATA_DIR: path.join(locked, 'data') });
    expect(await server.exited).toBe(1);
    const lines = server.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`cannot enter ${locked} on the way to its data folder`);
    expect(lines[0]).toContain('set TAKST_DATA_DIR to a folder');
  });
});

describe('the exit code of a process that ran the embedded PostgreSQL', () => {
  it('stays the one the process set (the package would exit 0 at beforeExit)', async () => {
    const dataDir = path.join(dataRoot, `test-exit-code-${process.pid}`);
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const module = fileURLToPath(new URL('../src/embedded-postgres.ts', import.meta.url));
    // What a failing `npm test` or a `reencrypt-secrets` that left a secret does: set the code, end naturally.
    const script = `
      const { startEmbeddedPostgres } = await import(${JSON.stringify(module)});
      const quiet = { info() {}, warn() {}, error() {}, debug() {}, child() { return quiet; } };
      const database = await startEmbeddedPostgres(${JSON.stringify(path.join(dataDir, 'postgres'))}, quiet);
      await database.stop();
      process.exitCode = 3;
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, err).toBe(3);
  }, 60_000);
});
