import type { AppRouter } from '@takst/api/router-type';
import type { EventType } from '@takst/contract/event-types';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { ConsumeOptions, ConsumeSummary } from './consume';
import { untilAborted } from './pagination';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

/**
 * One change on the platform, as `events.list`, `events.iterate`, `events.consume` and
 * `events.subscribe` give it: a union over the event catalogue (docs/events.md), so checking
 * `event.type` narrows `event.data` to the entity, e.g. an inspection for `inspection.booked`.
 * `TakstEvent<'note.added'>` is one member.
 */
export type TakstEvent<T extends EventType = EventType> = Extract<
  Outputs['events']['list']['items'][number],
  { type: T }
>;

/** The `data` of an event of type `T`, e.g. `EventData<'inspection.rescheduled'>` is an inspection. */
export type EventData<T extends EventType> = TakstEvent<T>['data'];

/** The body of a webhook delivery, by event type: `{ type, timestamp, data }`. */
export type TakstWebhookPayload<T extends EventType = EventType> = T extends EventType
  ? { type: T; timestamp: string; data: EventData<T> }
  : never;
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
  /**
   * Hands every event after the checkpoint to `handler`, one at a time in sequence order, and
   * saves the checkpoint after each one it handled: at-least-once, no gap. A handler that throws
   * stops it (it rejects with that error) with the checkpoint on the last event that succeeded,
   * so the next run starts with the failed one. Resolves once caught up, or with `follow` when
   * `signal` aborts.
   */
  consume(options: ConsumeOptions): Promise<ConsumeSummary>;
}

function pageInput(options: IterateEventsOptions, after: number | undefined): Inputs['events']['list'] {
  return {
    ...(after === undefined ? {} : { after }),
    ...(options.types ? { types: options.types } : {}),
    ...(options.entityId ? { entityId: options.entityId } : {}),
    limit: options.pageSize ?? 100,
  };
}

export type EventListQuery = (
  input: Inputs['events']['list'],
  options?: { signal?: AbortSignal },
) => Promise<EventPage>;

/** Walks `events.list` from `options.after` until it has caught up. */
export async function* iterateEvents(list: EventListQuery, options: IterateEventsOptions = {}) {
  let after = options.after;
  do {
    const page = await list(pageInput(options, after), options.signal ? { signal: options.signal } : undefined);
    yield* untilAborted(page.items, options.signal);
    after = page.nextAfter ?? undefined;
  } while (after !== undefined);
}
