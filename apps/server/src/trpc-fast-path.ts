import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type AnyTRPCRouter,
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  type inferRouterContext,
  TRPCError,
} from '@trpc/server';
import { getHTTPStatusCode } from '@trpc/server/http';
import type { TRPCResponse } from '@trpc/server/rpc';
import { asksForJsonLines, endAfterBody, isJsonContentType, readBody } from './request-body';

type CallType = 'query' | 'mutation';

export interface FastPathOptions<TRouter extends AnyTRPCRouter> {
  router: TRouter;
  /** Where tRPC is mounted, e.g. `/trpc/`. */
  prefix: string;
  maxBodyBytes: number;
  /** Refuses a body before it is parsed (e.g. for holding too many values); null lets it through. */
  refuseBody?(body: string, calls: number): TRPCError | null;
  /** `calls`: how many procedure calls the request carries, as tRPC's `info.calls.length`. */
  createContext(req: IncomingMessage, request: { calls: number }): inferRouterContext<TRouter>;
  onError(opts: { error: TRPCError; path: string | undefined; ctx: inferRouterContext<TRouter> | undefined }): void;
  /** Headers to add from the calls' errors, as the adapter's `responseMeta` adds them. */
  responseHeaders?(errors: TRPCError[]): Record<string, string>;
}

/** The calls of a request the fast path answers. */
export interface FastPathCalls {
  query: URLSearchParams;
  type: CallType;
  isBatch: boolean;
  paths: string[];
}

export interface FastPath {
  /** The request's calls when it is a plain JSON query or mutation call (batched or not) this path answers; else null. */
  accepts(req: IncomingMessage): FastPathCalls | null;
  handle(req: IncomingMessage, res: ServerResponse, calls: FastPathCalls): Promise<void>;
}

/**
 * Answers tRPC's plain JSON HTTP protocol (queries over GET, mutations over POST, batched or not)
 * straight on node:http, with tRPC's own public procedure-calling and error-shaping functions.
 *
 * Why: tRPC's node adapter turns every request into a Fetch Request and every answer into a
 * streamed Fetch Response; on this machine that cost more CPU than the whole database read (see
 * docs/performance.md). Anything else (subscriptions, streaming links, form data, odd methods)
 * is not accepted here and goes to the official Express adapter, which stays the reference: a
 * test sends the same requests to both and compares the answers.
 */
export function createTrpcFastPath<TRouter extends AnyTRPCRouter>(options: FastPathOptions<TRouter>): FastPath {
  const { router, prefix } = options;
  const procedures = router._def.procedures as Record<string, { _def: { type: string } } | undefined>;

  /** The request's calls; null when its path is not valid percent-encoding. */
  function parse(req: IncomingMessage): FastPathCalls | null {
    const url = req.url ?? '';
    const queryStart = url.indexOf('?');
    const pathPart = url.slice(prefix.length, queryStart === -1 ? undefined : queryStart);
    const query = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
    const type: CallType = req.method === 'POST' ? 'mutation' : 'query';
    const isBatch = query.get('batch') === '1';
    const decoded = decodePath(pathPart);
    if (decoded === null) return null;
    const paths = isBatch ? decoded.split(',') : [decoded];
    return { query, type, isBatch, paths };
  }

  return {
    accepts(req) {
      if (req.method !== 'GET' && req.method !== 'POST') return null;
      if (req.headers['trpc-accept'] !== undefined || req.headers['trpc-batch-mode'] !== undefined) return null;
      if (asksForJsonLines(req)) return null;
      const contentType = req.headers['content-type'];
      if (req.method === 'POST' && contentType !== undefined && !isJsonContentType(contentType)) return null;
      const parsed = parse(req);
      // Unknown or undecodable paths, wrong methods and connection params (which tRPC checks)
      // go to the adapter, so their errors are tRPC's own.
      if (!parsed || parsed.query.has('connectionParams')) return null;
      return parsed.paths.every((path) => procedures[path]?._def.type === parsed.type) ? parsed : null;
    },

    async handle(req, res, { query, type, isBatch, paths }) {
      const ctx = options.createContext(req, { calls: paths.length });
      // Read and parsed once, on the first call's demand, like tRPC's adapter does; a failure
      // here becomes each call's error.
      const inputs = memoize(async () => {
        if (type === 'query') return parseInputs(query.get('input'), isBatch, paths.length);
        // A query's input is bounded by the length of a URL; a body is checked before it is parsed.
        const body = await readBody(req, options.maxBodyBytes);
        const refused = options.refuseBody?.(body, paths.length);
        if (refused) throw refused;
        return parseInputs(body, isBatch, paths.length);
      });
      const settled = await Promise.all(
        paths.map((path, index) =>
          callTRPCProcedure({
            router,
            path,
            type,
            ctx,
            getRawInput: async () => (await inputs())[index],
            signal: undefined,
            batchIndex: index,
          }).then(
            (data): [TRPCResponse, undefined] => [{ result: { data } }, undefined],
            (cause: unknown): [TRPCResponse, TRPCError] => {
              const error = getTRPCErrorFromUnknown(cause);
              options.onError({ error, path, ctx });
              const shape = getTRPCErrorShape({
                config: router._def._config,
                error,
                type,
                path,
                input: undefined,
                ctx,
              });
              return [{ error: shape }, error];
            },
          ),
        ),
      );
      const responses = settled.map(([response]) => response);
      const errors = settled.map(([, error]) => error);
      const definedErrors = errors.filter((error): error is TRPCError => error !== undefined);
      const body = JSON.stringify(isBatch ? responses : responses[0]);
      const closing = errors.some((error) => error?.code === 'PAYLOAD_TOO_LARGE');
      res.writeHead(getHTTPStatusCode(isBatch ? responses : (responses[0] as TRPCResponse), errors), {
        ...options.responseHeaders?.(definedErrors),
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...(closing ? { connection: 'close' } : {}),
      });
      if (closing) endAfterBody(req, res, body);
      else res.end(body);
    },
  };
}

function decodePath(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}

/** Runs `load` once; a plain error becomes BAD_REQUEST with its message, as in tRPC's adapter. */
function memoize<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load().catch((cause: unknown) => {
      if (cause instanceof TRPCError) throw cause;
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: cause instanceof Error ? cause.message : 'Invalid input',
        cause,
      });
    });
    return promise;
  };
}

function parseInputs(raw: string | null, isBatch: boolean, count: number): unknown[] {
  if (!raw) return [];
  const parsed: unknown = JSON.parse(raw);
  if (!isBatch) return [parsed];
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: '"input" needs to be an object when doing a batch call' });
  }
  const byIndex = parsed as Record<string, unknown>;
  return Array.from({ length: count }, (_, index) => byIndex[String(index)]);
}
