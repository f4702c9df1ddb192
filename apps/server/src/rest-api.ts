import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  appRouter,
  DomainError,
  inputOfBody,
  inputOfQuery,
  type Logger,
  matchRoute,
  type RestOperation,
  type RootContext,
  refusalOfJsonText,
  type TakstErrorShape,
} from '@takst/api';
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  isTrackedEnvelope,
  type TRPCError,
} from '@trpc/server';
import { type Problem, problemOf, writeProblem } from './http-refusal';
import { endAfterBody, isJsonContentType, readBody } from './request-body';

export const REST_PREFIX = '/api/v1';

/** A live event stream says something this often, so proxies keep a quiet one open. */
const STREAM_PING_MS = 15_000;

export interface RestApiOptions {
  maxBodyBytes: number;
  /** The request's root context, as `/trpc` makes it (one procedure call). */
  contextOf(req: IncomingMessage): RootContext;
  logError(error: TRPCError, procedure: string, requestId: string): void;
  logger: Logger;
}

type Method = RestOperation['method'];

const BODY_METHODS = new Set<string>(['POST', 'PUT', 'PATCH']);

/** Answers are about one caller's data: no cache along the way may keep them (keys, secrets). */
const NO_STORE = { 'cache-control': 'no-store' };

function segmentsOf(pathname: string): string[] | null {
  const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  try {
    return trimmed
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/**
 * The REST API under `/api/v1`: each procedure at the path and method its meta names
 * (`rest/routes.ts` in @takst/api), called through tRPC's own procedure caller with the root
 * context `/trpc` makes, so keys, scopes, roles, Idempotency-Key, rate limits and validation are
 * the same code. Answers are the procedure's output as JSON; refusals are problem details.
 * `url` is the request's URL below the prefix.
 */
export function createRestApi(options: RestApiOptions) {
  const { logger } = options;

  async function inputOf(req: IncomingMessage, operation: RestOperation, values: Record<string, string>, url: URL) {
    if (!BODY_METHODS.has(operation.method)) {
      if (operation.type !== 'subscription') return inputOfQuery(operation, values, url.searchParams);
      return withLastEventId(req, url, inputOfQuery(operation, values, url.searchParams, STREAM_PARAMETERS));
    }
    const contentType = req.headers['content-type'];
    if (contentType !== undefined && !isJsonContentType(contentType)) {
      throw new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'UNSUPPORTED_MEDIA_TYPE',
        `Send the body as JSON (Content-Type: application/json), not ${contentType}`,
      );
    }
    const text = await readBody(req, options.maxBodyBytes);
    if (text.trim() === '') return inputOfBody(values, undefined);
    const refused = refusalOfJsonText(text, 1);
    if (refused) throw refused;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new DomainError('BAD_REQUEST', 'BAD_REQUEST', `The body is not JSON: ${(cause as Error).message}`);
    }
    return inputOfBody(values, body);
  }

  function problemFor(error: TRPCError, operation: RestOperation | null, ctx: RootContext, instance: string): Problem {
    const shape = getTRPCErrorShape({
      config: appRouter._def._config,
      error,
      type: operation?.type ?? 'unknown',
      path: operation?.procedure,
      input: undefined,
      ctx,
    }) as TakstErrorShape;
    return problemOf(shape.data, shape.message, instance);
  }

  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    cause: unknown,
    operation: RestOperation | null,
    ctx: RootContext,
    instance: string,
  ) {
    const error = getTRPCErrorFromUnknown(cause);
    if (operation) options.logError(error, operation.procedure, ctx.requestId);
    const problem = problemFor(error, operation, ctx, instance);
    const headers: Record<string, string> = { ...NO_STORE };
    if (
      error.code === 'METHOD_NOT_SUPPORTED' &&
      error instanceof DomainError &&
      Array.isArray(error.details?.allowed)
    ) {
      headers.allow = (error.details.allowed as string[]).join(', ');
    }
    if (error.code === 'PAYLOAD_TOO_LARGE') {
      writeProblem(res, problem, { ...headers, connection: 'close' }, (text) => endAfterBody(req, res, text));
      return;
    }
    writeProblem(res, problem, headers);
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://rest.invalid');
    const instance = `${REST_PREFIX}${url.pathname}`;
    const ctx = options.contextOf(req);
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const segments = segmentsOf(url.pathname);
    if (!segments) {
      refuse(
        req,
        res,
        new DomainError('BAD_REQUEST', 'BAD_REQUEST', 'The path is not valid percent-encoding'),
        null,
        ctx,
        instance,
      );
      return;
    }
    const match = matchRoute(method, segments);
    if ('notFound' in match) {
      const message = `No route for ${req.method} ${instance}; the routes are listed in /api/openapi.json and at /docs`;
      refuse(req, res, new DomainError('NOT_FOUND', 'NOT_FOUND', message), null, ctx, instance);
      return;
    }
    if ('methodNotAllowed' in match) {
      const allowed = match.methodNotAllowed as Method[];
      const message = `${req.method} is not supported on ${instance}; use ${allowed.join(' or ')}`;
      const error = new DomainError('METHOD_NOT_SUPPORTED', 'METHOD_NOT_SUPPORTED', message, { allowed });
      refuse(req, res, error, null, ctx, instance);
      return;
    }
    const { operation, pathValues } = match.found;
    const abort = new AbortController();
    res.once('close', () => abort.abort());
    let result: unknown;
    try {
      const input = await inputOf(req, operation, pathValues, url);
      result = await callTRPCProcedure({
        router: appRouter,
        path: operation.procedure,
        type: operation.type,
        ctx,
        getRawInput: async () => input,
        signal: abort.signal,
        batchIndex: 0,
      });
    } catch (cause) {
      refuse(req, res, cause, operation, ctx, instance);
      return;
    }
    if (operation.type === 'subscription') {
      await stream(res, result as AsyncIterable<unknown>, abort, (cause) => {
        const error = getTRPCErrorFromUnknown(cause);
        logger.warn({ err: error, requestId: ctx.requestId }, 'event stream ended by an error');
        return problemFor(error, operation, ctx, instance);
      });
      return;
    }
    const text = JSON.stringify(result ?? null);
    res.writeHead(operation.status, {
      ...NO_STORE,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
}

/** A subscription's resume point travels as `Last-Event-ID` (or `lastEventId` in the query). */
const STREAM_PARAMETERS: ReadonlySet<string> = new Set(['lastEventId']);

function withLastEventId(req: IncomingMessage, url: URL, input: unknown): unknown {
  const header = req.headers['last-event-id'];
  const lastEventId = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('lastEventId');
  if (!lastEventId) return input;
  return { ...(input as Record<string, unknown> | undefined), lastEventId };
}

/**
 * Server-sent events: each event of the log as `id: <sequence>` and `data: <event JSON>`, so a
 * browser's EventSource resumes by itself; a comment line now and then while nothing happens.
 */
async function stream(
  res: ServerResponse,
  events: AsyncIterable<unknown>,
  abort: AbortController,
  problemOfEnd: (cause: unknown) => Problem,
): Promise<void> {
  res.writeHead(200, {
    ...NO_STORE,
    'content-type': 'text/event-stream',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const ping = setInterval(() => res.write(': ping\n\n'), STREAM_PING_MS);
  try {
    for await (const value of events) {
      if (abort.signal.aborted) break;
      if (isTrackedEnvelope(value)) res.write(`id: ${value[0]}\ndata: ${JSON.stringify(value[1])}\n\n`);
      else res.write(`data: ${JSON.stringify(value)}\n\n`);
    }
  } catch (cause) {
    // The answer's status went out with the stream's start: the end's reason is an event of its own.
    if (!abort.signal.aborted) res.write(`event: error\ndata: ${JSON.stringify(problemOfEnd(cause))}\n\n`);
  } finally {
    clearInterval(ping);
    if (!res.writableEnded) res.end();
  }
}
