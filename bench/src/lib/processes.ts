import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

const STOP_GRACE_MS = 15_000;
const running = new Set<ChildProcess>();

export interface Started {
  name: string;
  pid: number;
  child: ChildProcess;
}

export interface StartOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Send the child's stdout to our stderr, keeping our stdout for the report alone. */
  stdoutToStderr?: boolean;
}

/** Spawns a long-running child that `stopAll` will stop; its output goes to our terminal. */
export function startProcess(name: string, command: string, args: string[], options: StartOptions): Started {
  const { stdoutToStderr, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', stdoutToStderr ? 2 : 'inherit', 'inherit'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  running.add(child);
  child.once('exit', () => running.delete(child));
  return { name, pid: child.pid, child };
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL if the child has not exited within the grace period. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopProcess(child)));
}

/** Last resort from a synchronous `exit` handler, where nothing can be awaited. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a command to completion, failing on a non-zero exit or after `timeoutMs`. */
export async function runCommand(
  command: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
  stdoutToStderr = false,
): Promise<void> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', stdoutToStderr ? 2 : 'inherit', 'inherit'] });
  running.add(child);
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (exit ${code ?? signal})`);
  } finally {
    clearTimeout(timer);
    running.delete(child);
  }
}

/** Asks the OS for a free port on 127.0.0.1. */
/**
 * The server a script runs: `override` (a path from where the script was started) as it is, or
 * else `apps/server/dist/main.js` of `root`, built first.
 */
export async function serverToRun(root: string, override: string | undefined): Promise<string> {
  if (override) return path.resolve(process.env.INIT_CWD ?? process.cwd(), override);
  console.error('building the server …');
  await runCommand('npm', ['run', 'build', '-w', '@takst/server'], root, 300_000, true);
  return path.join(root, 'apps/server/dist/main.js');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200; fails early when the process dies. */
export async function waitUntilReady(started: Started, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (hasExited(started.child)) throw new Error(`${started.name} exited before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`${started.name} was not ready within ${timeoutMs} ms (${last})`);
}

/**
 * Runs a benchmark's main and always stops the processes it started: on success, on failure
 * (exit code 1) and on Ctrl-C or SIGTERM (exit code 130).
 */
export async function runBenchmark(main: () => Promise<void>): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping the servers`);
    stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('exit', killAllNow);
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  } finally {
    await stopAll();
  }
}
