// A connector's own HTTP server: /healthz, /readyz and its webhook routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The raw body as text, or null when it is larger than `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface ConnectorServer {
  server: Server;
  url: string;
  /** Stops accepting and waits for the requests in flight (at most `graceMs`, then cuts the rest). */
  close(graceMs?: number): Promise<void>;
}

export async function startHttp(options: {
  host: string;
  port: number;
  /** `POST <path>` routes. */
  posts: Record<string, RouteHandler>;
  health: () => { ready: boolean } & Record<string, unknown>;
  onError: (error: unknown) => void;
}): Promise<ConnectorServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://connector.invalid').pathname;
    const post = options.posts[path];
    if (req.method === 'POST' && post) {
      post(req, res).catch((error: unknown) => {
        options.onError(error);
        sendJson(res, 500, { error: 'internal_error' });
      });
      return;
    }
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      const health = options.health();
      const status = path === '/readyz' && !health.ready ? 503 : 200;
      sendJson(res, status, { status: health.ready ? 'ok' : 'starting', ...health });
      return;
    }
    sendJson(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
