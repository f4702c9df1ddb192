import type { AppRouter } from '@takst/api/router-type';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import type { EventHelpers } from './events';
import { withHelpers } from './helpers';
import { idempotencyKeyOf } from './idempotency';
import type { WithCursorHelpers } from './pagination';
import { takstLink } from './retry';
import { asStreamRefusal } from './stream-refusal';
import { namedFailureFetch } from './transport';

type HeaderMap = Record<string, string>;

export interface TakstClientOptions {
  /** The platform's address, e.g. `https://takst.example.no`; `/trpc` is added. */
  baseUrl: string;
  /** An API key, `tk_...`. */
  apiKey: string;
  /** A fetch implementation; the global one by default. Subscriptions use it too. */
  fetch?: typeof globalThis.fetch;
  /** Extra headers for every request, or a function that makes them per request. */
  headers?: HeaderMap | (() => HeaderMap | Promise<HeaderMap>);
  /**
   * How often a call that may pass on another try is sent again: after no answer (a network
   * error, a timeout) or a 429, 502, 503 or 504. Mutations too, under their idempotency key.
   * 2 by default; 0 turns retries off.
   */
  maxRetries?: number;
  /** How long each attempt may wait for its answer; no limit by default. */
  timeoutMs?: number;
}

/**
 * The typed client: every procedure, `iterate` and `toArray` on every list that pages with
 * `nextCursor`, and `events.iterate`.
 */
export type TakstClient = TRPCClient<AppRouter> & WithCursorHelpers<AppRouter> & { events: EventHelpers };

/** The headers of every request: the caller's, then `extra`, then the API key. */
function headerMaker(options: TakstClientOptions) {
  const authorization = `Bearer ${options.apiKey}`;
  return async (extra: HeaderMap = {}): Promise<HeaderMap> => {
    const own = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    return { ...own, ...extra, authorization };
  };
}

/**
 * EventSource cannot set headers, so subscriptions use the `eventsource` package (fetch-based,
 * in Node.js and browsers alike) with a fetch that adds them; its own headers (Accept,
 * Last-Event-ID on a reconnect) go last. A refused stream's JSON answer is read as the refusal
 * it is (`asStreamRefusal`).
 */
function subscriptionFetch(options: TakstClientOptions, headers: ReturnType<typeof headerMaker>): FetchLike {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  return async (url, init) =>
    asStreamRefusal(await fetchImpl(url, { ...init, headers: { ...(await headers()), ...init.headers } }));
}

function checkedPolicy(options: TakstClientOptions) {
  const { maxRetries = 2, timeoutMs } = options;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new RangeError(`maxRetries must be a whole number, 0 or more, not ${maxRetries}`);
  }
  if (timeoutMs !== undefined && !(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, not ${timeoutMs}`);
  }
  return { maxRetries, timeoutMs };
}

/** A typed client of the whole API: `client.assignments.create.mutate({...})`. */
export function createTakstClient(options: TakstClientOptions): TakstClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  const headers = headerMaker(options);
  const fetchOption = { fetch: namedFailureFetch(options.fetch ?? ((input, init) => globalThis.fetch(input, init))) };
  const client = createTRPCClient<AppRouter>({
    links: [
      takstLink(checkedPolicy(options)),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: { fetch: subscriptionFetch(options, headers) },
        }),
        false: splitLink({
          condition: (op) => idempotencyKeyOf(op) !== undefined,
          // One key, one call: a keyed call never shares a batch with others.
          true: httpLink({
            url,
            ...fetchOption,
            headers: ({ op }) => headers({ 'idempotency-key': idempotencyKeyOf(op) ?? '' }),
          }),
          false: httpBatchLink({ url, ...fetchOption, headers: () => headers() }),
        }),
      }),
    ],
  });
  return withHelpers(client) as TakstClient;
}
