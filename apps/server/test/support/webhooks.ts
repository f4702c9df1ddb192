import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TEST_POOLS } from './database';
import { TEST_SECRETS_KEY } from './secrets-key';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  headers: IncomingHttpHeaders;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
  receivedAt: number;
}

export interface Answer {
  status: number;
  body?: string;
  delayMs?: number;
}

/** Decides the answer to each request; `index` counts the requests this receiver has had. */
export type Responder = (hook: ReceivedWebhook, index: number) => Answer;

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  respond(responder: Responder): void;
  /** Resolves once the received requests satisfy `done` (or there are that many); fails after the timeout. */
  waitFor(done: number | ((received: ReceivedWebhook[]) => boolean), timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders, name: string) => String(headers[name] ?? '');

/** An HTTP receiver on 127.0.0.1 that records every webhook and answers as told (200 "ok" by default). */
export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook: ReceivedWebhook = {
        id: header(req.headers, 'webhook-id'),
        timestamp: header(req.headers, 'webhook-timestamp'),
        signature: header(req.headers, 'webhook-signature'),
        body,
        headers: req.headers,
        json: JSON.parse(body) as ReceivedWebhook['json'],
        receivedAt: Date.now(),
      };
      const answer = responder(hook, received.length);
      received.push(hook);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'text/plain' });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    respond(next) {
      responder = next;
    },
    async waitFor(done, timeoutMs = 10_000) {
      const isDone = typeof done === 'number' ? (r: ReceivedWebhook[]) => r.length >= done : done;
      const deadline = Date.now() + timeoutMs;
      while (!isDone(received)) {
        if (Date.now() > deadline) {
          throw new Error(`receiver timed out with ${received.length} webhooks: ${received.map((r) => r.json.type)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return [...received];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Our own Standard Webhooks check, written from the specification, beside the standardwebhooks package. */
export function verifySignature(
  secret: string,
  hook: Pick<ReceivedWebhook, 'id' | 'timestamp' | 'signature' | 'body'>,
) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${hook.id}.${hook.timestamp}.${hook.body}`).digest();
  return hook.signature.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Polls `check` until it returns something truthy; fails after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const mainJs = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves once the worker logs that it runs. */
  running: Promise<void>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs the built `takst-server worker` as its own process (with the tests' secrets key). */
export function spawnWorker(env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [mainJs, 'worker'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'info',
      TAKST_SECRETS_KEY: TEST_SECRETS_KEY,
      ...TEST_POOLS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"takst webhook worker running"')) resolve();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    exited.then((code) => reject(new Error(`worker exited with ${code} before running:\n${out}`)));
  });
  running.catch(() => undefined);
  return {
    child,
    output: () => out,
    running,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Server settings for webhook tests: loopback receivers, and retries and polls in milliseconds. */
export const QUICK_WEBHOOKS_ENV = {
  TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: 'loopback',
  TAKST_WEBHOOK_RETRY_SCHEDULE: '0,200ms,400ms',
  TAKST_WEBHOOK_TIMEOUT_MS: '1000',
  TAKST_WEBHOOK_POLL_INTERVAL_MS: '500',
} as const;
