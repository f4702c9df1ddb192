import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { TEST_POOLS } from './database';
import { assignmentInput } from './fixtures';
import { TEST_SECRETS_KEY } from './secrets-key';

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the URL once the server logs that it listens. */
  listening: Promise<string>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** The server's "listening" log line in its stdout, once it has been written. */
export function listeningLine(stdout: string): { url: string; heapLimitMb: number } | undefined {
  const line = stdout.split('\n').find((l) => l.includes('"takst server listening"'));
  return line === undefined ? undefined : JSON.parse(line);
}

/** Runs the built server (dist/main.js) as its own process, as `npm start` does (with the tests' secrets key). */
export function spawnServer(env: Record<string, string>, args: string[] = []): ServerProcess {
  const child = spawn(process.execPath, [mainJs, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      TAKST_SECRETS_KEY: TEST_SECRETS_KEY,
      ...TEST_POOLS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = listeningLine(out);
      if (line) resolve(line.url);
    });
    exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${err}\n${out}`)));
  });
  listening.catch(() => undefined);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    listening,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Sends the headers and part of the body now; `finish()` sends the rest. */
export function requestInFlight(url: URL, apiKey: string, notes: string) {
  const body = JSON.stringify(assignmentInput({ notes }));
  let finish = () => {};
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/trpc/assignments.create',
        headers: {
          authorization: `Bearer ${apiKey}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 20));
    finish = () => req.end(body.slice(20));
  });
  // Awaited only once the request is finished; a cut connection fails the test there, not before.
  answer.catch(() => undefined);
  return { answer, finish: () => finish() };
}
