// booking-sync processes for the drill: `node --import tsx src/main.ts`, exactly as `npm start`
// runs it, with its JSON lines in a log file the drill reads back.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntilReady } from '../../../../bench/src/lib/processes';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const running = new Set<ChildProcess>();

export interface ConnectorProcess {
  child: ChildProcess;
  logFile: string;
  /** The JSON lines it has written so far. */
  lines(): Array<Record<string, unknown>>;
  /** SIGTERM, then the exit code (SIGKILL after 15 s). */
  stop(): Promise<number | null>;
  exited: Promise<number | null>;
}

export function spawnConnector(
  name: string,
  env: Record<string, string>,
  logFile: string,
  args: string[] = [],
): ConnectorProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${name}: could not start`);
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    child,
    logFile,
    exited,
    lines: () =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Waits for `/readyz`; fails early when the connector exits. */
export async function connectorReady(
  name: string,
  connector: ConnectorProcess,
  url: string,
  timeoutMs: number,
): Promise<void> {
  await waitUntilReady(
    { name, pid: connector.child.pid as number, child: connector.child },
    `${url}/readyz`,
    timeoutMs,
  );
}

/** Runs the connector to completion (e.g. `--backfill`) and answers its exit code and lines. */
export async function runConnector(name: string, env: Record<string, string>, logFile: string, args: string[]) {
  const connector = spawnConnector(name, env, logFile, args);
  const code = await connector.exited;
  return { code, lines: connector.lines() };
}

export function killConnectorsNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function stopConnectors(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
}
