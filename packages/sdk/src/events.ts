import type { AppRouter } from '@takst/api/router-type';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/** One change on the platform, as `events.list`, `events.iterate` and `events.subscribe` give it. */
export type TakstEvent = Outputs['events']['list']['items'][number];
export type EventPage = Outputs['events']['list'];

export interface IterateEventsOptions {
  /** Start after this sequence; 0, the default, starts at the beginning of the log. */
  after?: number;
  /** Only events of these types, e.g. `['assignment.status_changed']`. */
  types?: string[];
  /** Only events of this entity. */
  entityId?: string;
  /** Events fetched per request, 1–500; 100 by default. */
  pageSize?: number;
  /** Stops the iteration; the pending request is aborted. */
  signal?: AbortSignal;
}

/** What the SDK adds to `client.events`, beside the procedures. */
export interface EventHelpers {
  /**
   * Every event after `after` that matches, in sequence order, fetched page by page from
   * `events.list`; it ends when it has caught up. Keep the `sequence` of the last event handled
   * and pass it as `after` next time to continue where you left off.
   */
  iterate(options?: IterateEventsOptions): AsyncIterable<TakstEvent>;
}

function pageInput(options: IterateEventsOptions, after: number | undefined): Inputs['events']['list'] {
  return {
    ...(after === undefined ? {} : { after }),
    ...(options.types ? { types: options.types } : {}),
    ...(options.entityId ? { entityId: options.entityId } : {}),
    limit: options.pageSize ?? 100,
  };
}

async function* iterateEvents(client: TRPCClient<AppRouter>, options: IterateEventsOptions = {}) {
  let after = options.after;
  do {
    const page = await client.events.list.query(
      pageInput(options, after),
      options.signal ? { signal: options.signal } : undefined,
    );
    yield* page.items;
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
}

/**
 * The tRPC client with `events.iterate` beside `events.list` and `events.subscribe`. tRPC's
 * client is a proxy that makes each path on access, so the helper is served by a proxy in front.
 */
export function withEventHelpers(client: TRPCClient<AppRouter>): TRPCClient<AppRouter> & { events: EventHelpers } {
  const helpers: EventHelpers = { iterate: (options) => iterateEvents(client, options) };
  const events = new Proxy(client.events, {
    get: (target, key, receiver) => (key === 'iterate' ? helpers.iterate : Reflect.get(target, key, receiver)),
  });
  return new Proxy(client, {
    get: (target, key, receiver) => (key === 'events' ? events : Reflect.get(target, key, receiver)),
  }) as TRPCClient<AppRouter> & { events: EventHelpers };
}
