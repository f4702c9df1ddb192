import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import type { EVENT_DATA_SCHEMAS } from './event-catalogue';
import { type EventEntityTypeOf, type EventType, eventTypesOfPattern } from './event-types';

/** A position in the event log: the sequence of the last event seen, 0 for the beginning. */
const sequenceSchema = z.number().int().min(0);

/**
 * An event type of the catalogue (`EVENT_TYPES`, e.g. `assignment.status_changed`), or
 * `<entity>.*` for every event of an entity type. A name that matches no event type is refused
 * with UNKNOWN_EVENT_TYPE (a filter on it would never match anything).
 */
export const eventTypePatternSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .superRefine((pattern, ctx) => {
    if (eventTypesOfPattern(pattern).length > 0) return;
    ctx.addIssue({
      code: 'custom',
      message: `Unknown event type '${pattern}': the event types are listed in docs/events.md (EVENT_TYPES), and <entity>.* names every event of an entity, e.g. assignment.*`,
      params: { errorCode: 'UNKNOWN_EVENT_TYPE' },
    });
  });

/** One change, as it was committed: the entity's DTO after it, the field diff, who and why. */
export const eventEnvelopeSchema = z.object({
  /** Strictly increasing in commit order, without gaps: pass it as `after` to resume. */
  sequence: z.number().int().positive(),
  id: idSchema,
  type: z.string(),
  entityType: z.string(),
  entityId: idSchema,
  /** The entity as the API would have returned it right after the change. */
  data: z.unknown(),
  changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
  reason: z.string().nullable(),
  /** The API client that made the change (`id`), or the signed-in person (`id` null, their name). */
  actor: z.object({ id: idSchema.nullable(), name: z.string() }),
  /** The person who made it: signed in, or acted for by the API client; null for an API client alone. */
  user: z.object({ id: idSchema, name: z.string() }).nullable(),
  requestId: z.string().nullable(),
  occurredAt: timestampSchema,
});

/**
 * An event on the wire. Its type is the catalogue's union (narrowed by `type`),
 * which is what the router, and so the SDK, shows; the check each event meets on the way out is
 * the envelope's, which passes `data` as it is (checking every entity again on each read would
 * only cost; a test holds what the platform writes to the catalogue).
 */
// Not exported: the SDK's declarations must spell the union out, not name a type of this package.
type EventByType = {
  [T in EventType]: Omit<z.output<typeof eventEnvelopeSchema>, 'type' | 'entityType' | 'data'> & {
    type: T;
    entityType: EventEntityTypeOf<T>;
    data: z.output<(typeof EVENT_DATA_SCHEMAS)[EventEntityTypeOf<T>]>;
  };
}[EventType];

export const eventSchema = eventEnvelopeSchema as unknown as z.ZodType<
  EventByType,
  z.input<typeof eventEnvelopeSchema>
>;

const eventFilters = {
  /** Only events after this sequence. */
  after: sequenceSchema.optional(),
  /** Only events of these types (or `<entity>.*` patterns). */
  types: z.array(eventTypePatternSchema).min(1).max(50).optional(),
};

/** Events in sequence order, for pull-based sync. */
export const listEventsInput = z
  .object({
    ...eventFilters,
    entityId: idSchema.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .prefault({});

/**
 * `nextAfter` is the `after` of the next page while more events match now, and null once the
 * caller has caught up; to poll later, pass the sequence of the last event it received.
 */
export const eventPageSchema = z.object({ items: z.array(eventSchema), nextAfter: sequenceSchema.nullable() });

/**
 * Live events. Without `after` the stream starts at the end of the log; with it, every event
 * after that sequence is replayed first. `lastEventId` is set by the client when it reconnects
 * (the sequence of the last event it received) and wins over `after`.
 */
export const subscribeEventsInput = z
  .object({
    ...eventFilters,
    lastEventId: z
      .string()
      .regex(/^\d{1,15}$/, 'Expected the sequence of an event')
      .nullish(),
  })
  .prefault({});

export type EventDto = z.output<typeof eventSchema>;
export type ListEventsInput = z.output<typeof listEventsInput>;
export type EventPage = z.output<typeof eventPageSchema>;
export type SubscribeEventsInput = z.output<typeof subscribeEventsInput>;
