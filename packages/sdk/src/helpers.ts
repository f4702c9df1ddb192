import { type EventListQuery, type IterateEventsOptions, iterateEvents } from './events';
import { collectPages, iteratePages, type ListQuery, type PageCallOptions, type ToArrayOptions } from './pagination';

type PageInput = Record<string, unknown>;

// tRPC's client is a proxy that makes each path on access and calls it on `.query()`,
// `.mutate()` or `.subscribe()`. The helpers are served by a proxy in front of it that keeps
// track of the path: `events.iterate` on the events router, `iterate` and `toArray` on a
// procedure. The types say which procedures have them (see pagination.ts).

const CALLS: ReadonlySet<string> = new Set(['query', 'mutate', 'subscribe']);

const queryOf = (procedure: object) => (procedure as { query: ListQuery<unknown> }).query;
const eventListOf = (events: object) => (events as { list: { query: EventListQuery } }).list.query;

function helperAt(node: object, path: readonly string[], key: string): unknown {
  if (path.length === 1 && path[0] === 'events' && key === 'iterate') {
    return (options?: IterateEventsOptions) => iterateEvents(eventListOf(node), options);
  }
  if (path.length < 2) return undefined;
  if (key === 'iterate') {
    return (input?: PageInput, options?: PageCallOptions) => iteratePages(queryOf(node), input, options);
  }
  if (key === 'toArray') {
    return (input?: PageInput, options?: ToArrayOptions) => collectPages(queryOf(node), input, options);
  }
  return undefined;
}

function withHelpersAt(node: object, path: readonly string[]): object {
  return new Proxy(node, {
    get(target, key, receiver) {
      if (typeof key !== 'string' || CALLS.has(key)) return Reflect.get(target, key, receiver);
      const helper = helperAt(target, path, key);
      if (helper !== undefined) return helper;
      const value: unknown = Reflect.get(target, key, receiver);
      return (typeof value === 'function' || typeof value === 'object') && value !== null
        ? withHelpersAt(value, [...path, key])
        : value;
    },
  });
}

/** The tRPC client with the SDK's helpers beside its procedures. */
export function withHelpers<Client extends object>(client: Client): Client {
  return withHelpersAt(client, []) as Client;
}
