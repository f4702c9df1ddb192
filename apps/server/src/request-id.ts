import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,200}$/;
const requestIds = new WeakMap<IncomingMessage, string>();

/** Honours a caller's X-Request-Id when it is sane; otherwise makes one. */
function incomingOrNew(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  return value && ACCEPTABLE.test(value) ? value : randomUUID();
}

/**
 * Gives the request its id (echoed in the X-Request-Id header) and, when the log level asks for
 * it, one access-log line when the answer is sent.
 */
export function beginRequest(req: IncomingMessage, res: ServerResponse, logger: Logger): string {
  const requestId = incomingOrNew(req);
  requestIds.set(req, requestId);
  res.setHeader('x-request-id', requestId);
  if (logger.isLevelEnabled('info')) {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      const path = (req.url ?? '').split('?')[0];
      logger.info({ requestId, method: req.method, path, status: res.statusCode, durationMs }, 'request');
    });
  }
  return requestId;
}

export function requestIdOf(req: IncomingMessage): string {
  const requestId = requestIds.get(req);
  if (!requestId) throw new Error('beginRequest was not called for this request');
  return requestId;
}
