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
import { type ConsumeOptions, consumeEvents } from './consume';
import type { EventHelpers, EventListQuery } from './events';
import { withHelpers } from './helpers';
import { idempotencyKeyOf } from './idempotency';
import type { WithCursorHelpers } from './pagination';
import { takstLink } from './retry';
import { asStreamRefusal } from './stream-refusal';
import { namedFailureFetch } from './transport';

type HeaderMap = Record<string, string>;

/** Whether a browser sends its cookies (the session) with each request, as fetch's `credentials`. */
export type TakstCredentials = 'include' | 'same-origin' | 'omit';

export interface TakstClientOptions {
  /**
   * The platform's address, e.g. `https://takst.example.no`; `/trpc` is added. In a browser it may
   * be relative (`''` or `'/'`: the page's own server).
   */
  baseUrl: string;
  /** An API key, `tk_...`, sent as `Authorization: Bearer …`. */
  apiKey?: string | undefined;
  /**
   * In a browser, whether to send the session cookie: `'include'` for a page on another origin
   * (which the platform must list in `TAKST_CORS_ORIGINS`), `'same-origin'` (what fetch does
   * anyway) for a page the platform serves itself. Subscriptions send it too.
   */
  credentials?: TakstCredentials | undefined;
  /** A fetch implementation; the global one by default. Subscriptions use it too. */
  fetch?: typeof globalThis.fetch;
  /**
   * Extra headers for every request, or a (async) function that makes them per request: an
   * `authorization` header of your own (a short-lived token) when there is no `apiKey`.
   */
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
 * `nextCursor`, and `events.iterate` and `events.consume`.
 */
export type TakstClient = TRPCClient<AppRouter> & WithCursorHelpers<AppRouter> & { events: EventHelpers };

/** Header names in lower case, so that one of the caller's never doubles one of ours. */
const lowerCased = (headers: HeaderMap): HeaderMap =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

/**
 * The headers of every request: the CSRF header, the caller's, then `extra`, then the API key.
 * The platform refuses a change made with a session cookie without `x-takst-csrf: 1`; with an
 * API key it is harmless, so it always goes.
 */
function headerMaker(options: TakstClientOptions) {
  const key: HeaderMap = options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
  return async (extra: HeaderMap = {}): Promise<HeaderMap> => {
    const own = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
    return { 'x-takst-csrf': '1', ...lowerCased(own), ...extra, ...key };
  };
}

/** `fetchImpl`, sending the client's `credentials` (when given) with every request. */
function withCredentials(fetchImpl: typeof globalThis.fetch, credentials: TakstCredentials | undefined) {
  if (credentials === undefined) return fetchImpl;
  const withThem: typeof globalThis.fetch = (input, init) => fetchImpl(input, { ...init, credentials });
  return withThem;
}

/**
 * `<baseUrl>/trpc`, absolute: the subscriptions' EventSource takes only an absolute URL. A
 * relative `baseUrl` is resolved against the page's address, so it works only in a browser.
 */
function trpcUrlOf(baseUrl: string): string {
  const url = `${baseUrl.replace(/\/+$/, '')}/trpc`;
  try {
    return new URL(url).href;
  } catch {}
  const page = (globalThis as { location?: { href?: unknown } }).location?.href;
  if (typeof page === 'string') return new URL(url, page).href;
  throw new TypeError(
    `baseUrl '${baseUrl}' is not an absolute URL such as https://takst.example.no; only a page in a browser can use a relative one`,
  );
}

/** A client without a way to authenticate is a mistake found best at once, not at the first call. */
function checkedAuth(options: TakstClientOptions): void {
  if (options.apiKey !== undefined || options.credentials !== undefined || options.headers !== undefined) return;
  throw new TypeError(
    "createTakstClient needs a way to authenticate: apiKey (an API key), credentials (a browser's session cookie: 'include' or 'same-origin') or headers (your own Authorization)",
  );
}

/**
 * EventSource cannot set headers, so subscriptions use the `eventsource` package (fetch-based,
 * in Node.js and browsers alike) with a fetch that adds them; its own headers (Accept,
 * Last-Event-ID on a reconnect) go last. A refused stream's JSON answer is read as the refusal
 * it is (`asStreamRefusal`).
 */
function subscriptionFetch(options: TakstClientOptions, headers: ReturnType<typeof headerMaker>): FetchLike {
  const fetchImpl = withCredentials(options.fetch ?? globalThis.fetch, options.credentials);
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

/** `client.events.consume` beside `iterate` and the procedures, served from `events.list`. */
function withEventConsumer(client: TakstClient): TakstClient {
  const list: EventListQuery = (input, options) => client.events.list.query(input, options);
  const consume = (options: ConsumeOptions) => consumeEvents(list, options);
  const events = new Proxy(client.events, {
    get: (target, key, receiver) => (key === 'consume' ? consume : Reflect.get(target, key, receiver)),
  });
  return new Proxy(client, {
    get: (target, key, receiver) => (key === 'events' ? events : Reflect.get(target, key, receiver)),
  });
}

/** A typed client of the whole API: `client.assignments.create.mutate({...})`. */
export function createTakstClient(options: TakstClientOptions): TakstClient {
  checkedAuth(options);
  const url = trpcUrlOf(options.baseUrl);
  const headers = headerMaker(options);
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetchOption = { fetch: namedFailureFetch(withCredentials(fetchImpl, options.credentials)) };
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
  return withEventConsumer(withHelpers(client) as TakstClient);
}
