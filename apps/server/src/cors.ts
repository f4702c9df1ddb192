import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from '@takst/api';
import { refusalBody, writeProblem } from './http-refusal';
import { requestIdOf } from './request-id';

/** The methods the API answers; a preflight for any other is left for the browser to refuse. */
const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE, HEAD';

/**
 * The request headers a page may send: what the SDK and tRPC's links send (`trpc-accept` by the
 * streaming links, `last-event-id` by a resuming event stream), and the platform's own. Listed,
 * never echoed from the preflight, so a page cannot smuggle in a header we never meant to take.
 */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'last-event-id',
  'trpc-accept',
  'trpc-batch-mode',
  'x-request-id',
  'x-takst-acting-for',
  'x-takst-csrf',
].join(', ');

/** The answer headers a page may read beyond the CORS-safelisted ones. */
const EXPOSED_HEADERS = ['x-request-id', 'retry-after'].join(', ');

/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours anyway). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const isPreflight = (req: IncomingMessage) =>
  req.method === 'OPTIONS' &&
  req.headers.origin !== undefined &&
  req.headers['access-control-request-method'] !== undefined;

/** The answer differs by Origin whenever some origin is listed: a cache must keep them apart. */
const varyByOrigin = (res: ServerResponse) => res.setHeader('vary', 'Origin');

function refusePreflight(req: IncomingMessage, res: ServerResponse, origin: string): void {
  const refusal = new DomainError(
    'FORBIDDEN',
    'CORS_ORIGIN_REFUSED',
    `Pages from ${origin} may not call this server: the origin is not in TAKST_CORS_ORIGINS`,
  );
  writeProblem(res, refusalBody(refusal, requestIdOf(req)).body);
}

/**
 * CORS for the allow-listed origins (`TAKST_CORS_ORIGINS`), for every route, the tRPC fast path
 * included: call it first for each request. It answers a preflight itself (true): 204 with the
 * grant for a listed origin, 403 `CORS_ORIGIN_REFUSED` without any grant for another. For any
 * other request (false) from a listed origin it adds the grant to whatever the answer will be,
 * errors included, so the page can read a 401 or a 429 too. With no origins listed it adds
 * nothing at all.
 *
 * Credentials are allowed, so the origin is named, never `*`. A request without an Origin (not
 * from a page, or a same-origin GET) gets no grant, and an OPTIONS that is no preflight is a
 * request like any other (tRPC's 405). It comes first, so nothing has set Vary before it; tRPC's
 * adapter replaces Vary with its own, and adds Origin back through its `responseMeta` (app.ts).
 */
export function createCors(allowedOrigins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = new Set(allowedOrigins);
  return (req, res) => {
    const origin = req.headers.origin;
    if (isPreflight(req) && origin !== undefined) {
      if (allowed.size > 0) varyByOrigin(res);
      if (!allowed.has(origin)) {
        refusePreflight(req, res, origin);
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
        'content-length': '0',
      });
      res.end();
      return true;
    }
    if (allowed.size === 0) return false;
    varyByOrigin(res);
    if (origin === undefined || !allowed.has(origin)) return false;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    return false;
  };
}
