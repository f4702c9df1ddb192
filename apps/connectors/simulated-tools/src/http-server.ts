// The small HTTP kit every simulated tool is built on: a router over node:http with path
// parameters, JSON bodies with a size limit, and one error type that carries the tool's own
// error body (each vendor answers errors in its own shape).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer other than success, in the tool's own error shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

export interface RequestContext {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The body parsed as JSON (an empty body is `{}`); a body that is not JSON is the tool's 400. */
  json(): Promise<unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type RouteHandler = (context: RequestContext) => Promise<Reply> | Reply;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path with `:name` segments, e.g. `/api/bookings/:id/cancel`. */
  path: string;
  handler: RouteHandler;
}

export interface ErrorShapes {
  /** The tool's answer to a path or method it does not serve. */
  notFound(): HttpError;
  /** The tool's answer to a body that is not JSON or too large. */
  badBody(message: string): HttpError;
}

const MAX_BODY_BYTES = 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

interface CompiledRoute extends Route {
  segments: string[];
}

function match(route: CompiledRoute, method: string, segments: string[]): Record<string, string> | null {
  if (route.method !== method || route.segments.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, expected] of route.segments.entries()) {
    const actual = segments[index] as string;
    if (expected.startsWith(':')) params[expected.slice(1)] = decodeURIComponent(actual);
    else if (expected !== actual) return null;
  }
  return params;
}

/** A request listener serving `routes`; a thrown `HttpError` is answered as it is, anything else as a 500. */
export function createRouter(routes: Route[], shapes: ErrorShapes) {
  const compiled: CompiledRoute[] = routes.map((route) => ({
    ...route,
    segments: route.path.split('/').filter(Boolean),
  }));
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://tool.invalid');
    const segments = url.pathname.split('/').filter(Boolean);
    try {
      let found: { route: CompiledRoute; params: Record<string, string> } | undefined;
      for (const route of compiled) {
        const params = match(route, req.method ?? 'GET', segments);
        if (params) {
          found = { route, params };
          break;
        }
      }
      if (!found) throw shapes.notFound();
      const context: RequestContext = {
        req,
        params: found.params,
        query: url.searchParams,
        async json() {
          const text = await readBody(req);
          if (text === null) throw shapes.badBody(`The body is larger than ${MAX_BODY_BYTES} bytes`);
          if (text.trim() === '') return {};
          try {
            return JSON.parse(text) as unknown;
          } catch {
            throw shapes.badBody('The body is not JSON');
          }
        },
      };
      const reply = await found.route.handler(context);
      sendJson(res, reply.status, reply.body);
    } catch (error) {
      if (error instanceof HttpError) sendJson(res, error.status, error.body);
      else {
        console.error(error);
        sendJson(res, 500, { error: 'internal_error' });
      }
    }
  };
}

export interface Listening {
  server: Server;
  url: string;
}

/** Listens on `host:port` (0: a free port) and answers the base URL. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  port: number,
  host: string,
): Promise<Listening> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      console.error(error);
      sendJson(res, 500, { error: 'internal_error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shownHost}:${address.port}` };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A string field that must be present and not blank. */
export function requiredText(body: Record<string, unknown>, field: string, invalid: (message: string) => HttpError) {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} is required (a non-empty string)`);
  return value.trim();
}

export function optionalText(body: Record<string, unknown>, field: string, invalid: (message: string) => HttpError) {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${field} must be a non-empty string or null`);
  return value.trim();
}

export function objectBody(value: unknown, invalid: (message: string) => HttpError): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The body must be an object');
  return value as Record<string, unknown>;
}
