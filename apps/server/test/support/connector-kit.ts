import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CheckpointStore,
  type ExpressWebhookOptions,
  expressWebhookHandler,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifyNodeWebhook,
  WebhookVerificationError,
} from '@takst/sdk';
import express from 'express';
import type { ReceivedWebhook } from './webhooks';

/** A receiver built on the connector kit: what it accepted, and every answer it gave. */
export interface KitReceiver {
  url: string;
  accepted: VerifiedWebhook[];
  answers: { status: number; body: string }[];
  close(): Promise<void>;
}

async function listening(server: Server, path: string) {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Records each answer the server sends, whatever wrote it. */
function recordAnswers(server: Server, answers: KitReceiver['answers']) {
  server.on('request', (_req, res) => {
    const chunks: string[] = [];
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] === 'string') chunks.push(args[0]);
      answers.push({ status: res.statusCode, body: chunks.join('') });
      return end(...args);
    }) as typeof res.end;
  });
}

/** A plain node:http receiver: `verifyNodeWebhook`, then 204, or 400/413 `{ error: reason }`. */
export async function startNodeReceiver(
  secret: string | readonly string[],
  options: VerifyWebhookOptions & { maxBodyBytes?: number } = {},
): Promise<KitReceiver> {
  const accepted: VerifiedWebhook[] = [];
  const answers: KitReceiver['answers'] = [];
  const server = createServer();
  recordAnswers(server, answers);
  server.on('request', async (req, res) => {
    try {
      accepted.push(await verifyNodeWebhook(req, secret, options));
      res.writeHead(204).end();
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      res.writeHead(error.reason === 'body_too_large' ? 413 : 400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.reason }));
    }
  });
  return { accepted, answers, ...(await listening(server, '/hooks')) };
}

export type BodyParser = 'none' | 'raw' | 'text' | 'json-first' | 'express4-empty-object';

/**
 * An Express 5 app with `expressWebhookHandler` at POST /hooks behind the given body parser;
 * 'express4-empty-object' sets `req.body = {}` without reading, as body-parser 1 does for a
 * type it does not parse.
 */
export async function startExpressReceiver(
  secret: string | readonly string[],
  parser: BodyParser,
  handler: (webhook: VerifiedWebhook, req: express.Request, res: express.Response) => unknown = () => undefined,
  options: ExpressWebhookOptions = {},
): Promise<KitReceiver> {
  const accepted: VerifiedWebhook[] = [];
  const answers: KitReceiver['answers'] = [];
  const app = express();
  if (parser === 'raw') app.use(express.raw({ type: '*/*' }));
  if (parser === 'text') app.use(express.text({ type: '*/*' }));
  if (parser === 'json-first') app.use(express.json());
  if (parser === 'express4-empty-object') {
    app.use((req, _res, next) => {
      req.body = {};
      next();
    });
  }
  app.post(
    '/hooks',
    expressWebhookHandler(
      secret,
      async (webhook, req: express.Request, res: express.Response) => {
        accepted.push(webhook);
        await handler(webhook, req, res);
      },
      options,
    ),
  );
  const server = createServer(app);
  recordAnswers(server, answers);
  return { accepted, answers, ...(await listening(server, '/hooks')) };
}

/** The headers of a received webhook, as fetch takes them. */
export function fetchHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && name !== 'content-length' && name !== 'host' && name !== 'connection') {
      plain[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return plain;
}

/** Sends a recorded delivery again, as it was or changed, and returns the answer. */
export async function replay(
  url: string,
  hook: ReceivedWebhook,
  change: { body?: string; headers?: Record<string, string>; without?: string[] } = {},
) {
  const headers = { ...fetchHeaders(hook.headers), ...change.headers };
  for (const name of change.without ?? []) delete headers[name];
  const response = await fetch(url, { method: 'POST', headers, body: change.body ?? hook.body });
  return { status: response.status, body: await response.text() };
}

/** A checkpoint store that writes down, in order, what it was asked to do, then does it with `store`. */
export function journaled(store: CheckpointStore, journal: string[]): CheckpointStore {
  return {
    load: () => store.load(),
    async save(sequence) {
      journal.push(`save ${sequence}`);
      await store.save(sequence);
    },
  };
}

/** A checkpoint in memory, for the tests about consume itself rather than about a store. */
export function memoryCheckpoint(initial: number | null = null): CheckpointStore & { current: number | null } {
  const store = {
    current: initial,
    load: async () => store.current,
    save: async (sequence: number) => {
      store.current = sequence;
    },
  };
  return store;
}

/**
 * An HTTP proxy in front of the server that can be taken down: while down, it answers every
 * request 503 text/plain, as a load balancer with no backend does.
 */
export async function outageProxy(target: string) {
  const targetUrl = new URL(target);
  let down = false;
  let refused = 0;
  const server = createServer((req, res) => {
    if (down) {
      refused += 1;
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no backend');
      return;
    }
    const upstream = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const { url, close } = await listening(server, '');
  return {
    url,
    close,
    setDown(value: boolean) {
      down = value;
    },
    refused: () => refused,
  };
}
