/**
 * The scale-out cluster: one database migrated once, two servers without a webhook worker and
 * two `worker` processes, all built `apps/server/dist/main.js` with the same secrets key. Each
 * process's output is read line by line, so a worker's readiness, its attempts (at debug level)
 * and any error-level line are known; processes are killed by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { freePort, waitUntilReady } from '../lib/processes';

const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 15_000;
const TAIL_LINES = 200;
const KEPT_ERROR_LINES = 50;
const PINO_ERROR_LEVEL = 50;

// Children still running when this process exits (Ctrl-C, a crash): killed from the `exit` hook.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killLiveChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** One `node main.js <command>` child, its output read line by line. */
export class TakstProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  /** Lines at pino level error or above (the first few), and how many there were. */
  readonly errorLines: string[] = [];
  errorLineCount = 0;
  readonly #tail: string[] = [];
  readonly #lineListeners = new Set<(line: string) => void>();

  constructor(name: string, mainJs: string, args: string[], env: NodeJS.ProcessEnv) {
    killLiveChildrenOnExit();
    this.name = name;
    this.child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (this.child.pid === undefined) throw new Error(`${name}: could not start`);
    live.add(this.child);
    const gone = () => {
      live.delete(this.child);
    };
    this.exited = once(this.child, 'exit').then(gone, gone);
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.#onLine(line));
    }
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines it wrote, for a failure message. */
  tail(): string {
    return this.#tail.join('\n');
  }

  onLine(listener: (line: string) => void): void {
    this.#lineListeners.add(listener);
  }

  /** Resolves when a line holds `text`; fails when the process exits first or after the timeout. */
  waitForLine(text: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`${this.name}: no "${text}" within ${timeoutMs} ms`)), timeoutMs);
      const listener = (line: string) => {
        if (!line.includes(text)) return;
        clearTimeout(timer);
        this.#lineListeners.delete(listener);
        resolve();
      };
      const fail = (error: Error) => {
        clearTimeout(timer);
        this.#lineListeners.delete(listener);
        reject(new Error(`${error.message}\n--- its last output ---\n${this.tail()}`));
      };
      this.#lineListeners.add(listener);
      this.exited.then(() => fail(new Error(`${this.name} exited (${this.#exitDescription()}) first`)));
    });
  }

  /** Sends `signal` to the PID and waits for the exit. */
  async kill(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      await this.kill('SIGTERM');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs to completion; fails on a non-zero exit. */
  async completed(): Promise<void> {
    await this.exited;
    if (this.child.exitCode !== 0) throw new Error(`${this.name} failed (${this.#exitDescription()}):\n${this.tail()}`);
  }

  #exitDescription(): string {
    return this.child.signalCode ? `signal ${this.child.signalCode}` : `exit ${this.child.exitCode}`;
  }

  #onLine(line: string): void {
    this.#tail.push(line);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    if (isErrorLine(line)) {
      this.errorLineCount++;
      if (this.errorLines.length < KEPT_ERROR_LINES) this.errorLines.push(line);
    }
    for (const listener of this.#lineListeners) listener(line);
  }
}

/** A pino line at level error or above; other lines (the start-up notice) are only kept in the tail. */
function isErrorLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(line) as { level?: unknown };
    return typeof parsed.level === 'number' && parsed.level >= PINO_ERROR_LEVEL;
  } catch {
    return false;
  }
}

export interface ClusterOptions {
  /** The built server, `apps/server/dist/main.js`. */
  mainJs: string;
  /** An empty database of its own. */
  databaseUrl: string;
  adminKey: string;
  secretsKey: string;
  /** Added to the servers' environment (rate limit, webhook URL policy). */
  serverEnv: Record<string, string>;
  /** Added to the workers' environment (webhook timeout, concurrency, poll interval). */
  workerEnv: Record<string, string>;
}

export interface ServerNode {
  name: string;
  url: string;
  process: TakstProcess;
}

export interface Cluster {
  servers: ServerNode[];
  workers: TakstProcess[];
  /** Every process started, survivors and killed ones. */
  all(): TakstProcess[];
  /** Stops the survivors (SIGTERM, SIGKILL after a grace period). */
  stop(): Promise<void>;
}

function baseEnv(options: ClusterOptions, logLevel: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATABASE_URL: options.databaseUrl,
    TAKST_SECRETS_KEY: options.secretsKey,
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
  };
}

async function startServer(options: ClusterOptions, name: string, started: TakstProcess[]): Promise<ServerNode> {
  const port = await freePort();
  const child = new TakstProcess(name, options.mainJs, [], {
    ...baseEnv(options, 'warn'),
    PORT: String(port),
    TAKST_BOOTSTRAP_ADMIN_KEY: options.adminKey,
    // The workers deliver; a server in this cluster only serves HTTP.
    TAKST_WEBHOOK_WORKER: 'false',
    ...options.serverEnv,
  });
  started.push(child);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady({ name, pid: child.pid, child: child.child }, `${url}/readyz`, READY_TIMEOUT_MS);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- its last output ---\n${child.tail()}`);
  }
  return { name, url, process: child };
}

async function startWorker(options: ClusterOptions, name: string, started: TakstProcess[]): Promise<TakstProcess> {
  // At debug level a worker logs each attempt it makes, which tells the workers' shares apart.
  const child = new TakstProcess(name, options.mainJs, ['worker'], {
    ...baseEnv(options, 'debug'),
    ...options.workerEnv,
  });
  started.push(child);
  await child.waitForLine('"takst webhook worker running"', READY_TIMEOUT_MS);
  return child;
}

/**
 * Migrates once, then starts both servers together and both workers together, as a fresh
 * deployment does: the two workers create pg-boss's schema and queue on the new database at once.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const started: TakstProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((child) => child.stop()));
  };
  try {
    const migrate = new TakstProcess('migrate', options.mainJs, ['migrate'], baseEnv(options, 'warn'));
    await migrate.completed();
    const servers = await Promise.all([
      startServer(options, 'server A', started),
      startServer(options, 'server B', started),
    ]);
    const workers = await Promise.all([
      startWorker(options, 'worker 1', started),
      startWorker(options, 'worker 2', started),
    ]);
    return { servers, workers, all: () => [...started], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
