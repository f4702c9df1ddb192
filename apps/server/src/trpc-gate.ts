import type { IncomingMessage, ServerResponse } from 'node:http';
import { appRouter, type Platform, type RootContext, refusalOfJsonText, refusalOfSubscription } from '@takst/api';
import { type AnyRouter, getTRPCErrorShape, TRPCError } from '@trpc/server';
import { getHTTPStatusCode, parseConnectionParamsFromString } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import type { RequestHandler } from 'express';
import { asksForJsonLines, endAfterBody, isJsonContentType, readBody } from './request-body';

export interface TrpcGateOptions {
  platform: Platform;
  maxBodyBytes: number;
  /** The request's root context, as the adapter will make it (`calls`: procedure calls it carries). */
  contextOf(req: IncomingMessage, calls: number): RootContext;
  /** Headers an answer adds for its errors (Retry-After). */
  responseHeaders(errors: TRPCError[]): Record<string, string>;
}

const credentialsOf = ({ authorization, sessionToken, actingFor }: RootContext) => ({
  authorization,
  sessionToken,
  actingFor,
});

interface Calls {
  paths: string[];
  isBatch: boolean;
  query: URLSearchParams;
}

/** The calls of a request to `/trpc/<paths>` (`url` as mounted: `/<paths>?…`); null when its path is not valid percent-encoding. */
function callsOf(url: string): Calls | null {
  const queryStart = url.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.slice(1, queryStart === -1 ? undefined : queryStart));
  } catch {
    return null;
  }
  const isBatch = query.get('batch') === '1';
  return { paths: isBatch ? decoded.split(',') : [decoded], isBatch, query };
}

type ProcedureType = 'query' | 'mutation' | 'subscription';

const procedureTypes = new Map<string, ProcedureType>(
  Object.entries((appRouter as AnyRouter)._def.procedures as Record<string, { _def: { type: ProcedureType } }>).map(
    ([path, procedure]) => [path, procedure._def.type],
  ),
);

/**
 * A refusal of a call made the wrong way, which tRPC would answer without the request id (a
 * path it cannot decode, a batch mixing kinds of call) or not as a refusal at all (a
 * subscription sent as POST became a 200 event stream whose first event was the error).
 * Unknown procedures are left to tRPC, whose NOT_FOUND carries the request id.
 */
function refusalOfCallShape(method: 'GET' | 'POST', calls: Calls | null): TRPCError | null {
  if (!calls) {
    return new TRPCError({ code: 'BAD_REQUEST', message: 'The procedure path is not valid percent-encoding' });
  }
  const types = new Set(calls.paths.map((path) => procedureTypes.get(path)).filter((type) => type !== undefined));
  if (types.size > 1) {
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: 'A batch holds calls of one kind: queries (GET) or mutations (POST), not both',
    });
  }
  if (method === 'POST' && types.has('subscription')) {
    return new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message: 'Subscriptions use GET (server-sent events)' });
  }
  return null;
}

/**
 * What tRPC refuses before it makes the context, so without the request id (and as text/plain):
 * a streaming (JSON Lines) call that is not a batch, and connection params that are not a JSON
 * object of strings.
 */
function refusalBeforeContext(req: IncomingMessage, calls: Calls): TRPCError | null {
  if (!calls.isBatch && asksForJsonLines(req)) {
    return new TRPCError({
      code: 'BAD_REQUEST',
      message: 'Streaming requests must be batched (you can do a batch of 1)',
    });
  }
  const connectionParams = calls.query.get('connectionParams');
  if (connectionParams === null) return null;
  try {
    parseConnectionParamsFromString(connectionParams);
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  return null;
}

/** A subscription's input as tRPC gives it to the procedure: `input`, with `lastEventId` merged in. */
function subscriptionInputOf(req: IncomingMessage, query: URLSearchParams): unknown {
  const text = query.get('input');
  let input: unknown;
  try {
    input = text ? JSON.parse(text) : undefined;
  } catch (cause) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: (cause as Error).message, cause });
  }
  const header = req.headers['last-event-id'];
  const lastEventId =
    (Array.isArray(header) ? header[0] : header) ?? query.get('lastEventId') ?? query.get('Last-Event-Id');
  if (!lastEventId) return input;
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) return { ...input, lastEventId };
  return input ?? { lastEventId };
}

/**
 * What comes before tRPC's Express adapter on `/trpc`: the refusals the adapter would make before
 * it has a context (so without the request id) or too late, each answered in tRPC's error shape
 * with the request id and its status:
 *
 * - methods other than GET, HEAD and POST: 405 (the adapter answered TRACE with a 500);
 * - a POST that is not JSON: 415 (one without a content type is taken as JSON, as the fast path
 *   takes it);
 * - a body over the limit: 413, sent so that the client can read it, and a body holding more
 *   values than any call takes: 400, before it is parsed (`refusalOfJsonText`); the body read
 *   here is what the adapter parses;
 * - a streaming call that is not a batch, or connection params tRPC cannot read: 400, which tRPC
 *   answers before it has a context (`refusalBeforeContext`);
 * - a subscription its key, scope, rate limit or input refuses: 401, 403, 429 or 400 instead of
 *   a 200 event stream whose first event is the refusal (`refusalOfSubscription`).
 */
export function createTrpcGate(options: TrpcGateOptions): RequestHandler {
  const { platform } = options;

  function answer(req: IncomingMessage, res: ServerResponse, error: TRPCError, calls: Calls | null) {
    const paths = calls?.paths ?? [undefined];
    const ctx = options.contextOf(req, paths.length);
    const responses: TRPCResponse[] = paths.map((path) => ({
      error: getTRPCErrorShape({ config: appRouter._def._config, error, type: 'unknown', path, input: undefined, ctx }),
    }));
    const json = calls?.isBatch ? responses : (responses[0] as TRPCResponse);
    const body = JSON.stringify(json);
    const closing = error.code === 'PAYLOAD_TOO_LARGE';
    const status = getHTTPStatusCode(json, [error]);
    res.writeHead(status, {
      ...options.responseHeaders([error]),
      ...(error.code === 'METHOD_NOT_SUPPORTED' ? { allow: 'GET, HEAD, POST' } : {}),
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(closing ? { connection: 'close' } : {}),
    });
    if (closing) endAfterBody(req, res, body);
    else res.end(body);
  }

  return async (req, res, next) => {
    if (req.method === 'HEAD') return next();
    const calls = callsOf(req.url);
    if (req.method !== 'GET' && req.method !== 'POST') {
      const message = `${req.method} is not supported: queries use GET, mutations POST`;
      return answer(req, res, new TRPCError({ code: 'METHOD_NOT_SUPPORTED', message }), null);
    }
    const misshapen = refusalOfCallShape(req.method, calls);
    if (misshapen) return answer(req, res, misshapen, calls);
    const early = calls && refusalBeforeContext(req, calls);
    if (early) return answer(req, res, early, calls);
    if (req.method === 'GET') {
      // A GET has no body to type; tRPC would refuse one typed as form data or octet-stream
      // before it has a context, where the fast path reads it as the query it is.
      delete req.headers['content-type'];
      // Everything on a GET but a subscription is left to tRPC.
      const path = calls?.paths[0];
      if (!calls || calls.isBatch || path === undefined) return next();
      let refused: TRPCError | null;
      try {
        refused = await refusalOfSubscription(platform, {
          path,
          ...credentialsOf(options.contextOf(req, 1)),
          rawInput: () => subscriptionInputOf(req, calls.query),
        });
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        refused = error;
      }
      return refused ? answer(req, res, refused, calls) : next();
    }
    const contentType = req.headers['content-type'];
    if (contentType === undefined) req.headers['content-type'] = 'application/json';
    else if (!isJsonContentType(contentType)) {
      const message = `Send the input as JSON (Content-Type: application/json), not ${contentType}`;
      return answer(req, res, new TRPCError({ code: 'UNSUPPORTED_MEDIA_TYPE', message }), null);
    }
    if (!calls) return next();
    let body: string;
    try {
      body = await readBody(req, options.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof TRPCError)) throw error;
      return answer(req, res, error, calls);
    }
    const refused = refusalOfJsonText(body, calls.paths.length);
    if (refused) return answer(req, res, refused, calls);
    req.body = body;
    next();
  };
}
