import { z } from 'zod';
import {
  changeActorSchema,
  changeRequestIdSchema,
  changeUserSchema,
  fieldChangesSchema,
  idSchema,
  timestampSchema,
} from './common';
import type { EVENT_DATA_SCHEMAS } from './event-catalogue';
import { type EventEntityTypeOf, type EventType, eventTypesOfPattern } from './event-types';

/** A position in the event log: the sequence of the last event seen, 0 for the beginning. */
const sequenceSchema = z
  .number()
  .int()
  .min(0)
  .meta({
    description: 'A position in the event log: the sequence of the last event seen, 0 for the beginning.',
    examples: [10452],
  });

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
  })
  .meta({
    description:
      'An event type of the catalogue (docs/events.md), e.g. assignment.status_changed, or `<entity>.*` for every event of an entity type, e.g. assignment.*. Anything else is refused with UNKNOWN_EVENT_TYPE.',
    examples: ['assignment.status_changed', 'assignment.*'],
  });

/** One change, as it was committed: the entity's DTO after it, the field diff, who and why. */
export const eventEnvelopeSchema = z
  .object({
    sequence: z
      .number()
      .int()
      .positive()
      .meta({
        description: 'Strictly increasing in commit order, without gaps: pass it as `after` to resume.',
        examples: [10452],
      }),
    id: idSchema.describe("The event's id."),
    type: z.string().meta({ description: 'The event type (docs/events.md).', examples: ['assignment.status_changed'] }),
    entityType: z.string().meta({ description: 'The kind of entity that changed.', examples: ['assignment'] }),
    entityId: idSchema.describe('The entity that changed.'),
    data: z
      .unknown()
      .describe('The entity as the API would have returned it right after the change (by `entityType`).'),
    changes: fieldChangesSchema,
    reason: z
      .string()
      .nullable()
      .describe('Why, where the caller gave a reason (status changes, rejections, cancellations); null otherwise.'),
    actor: changeActorSchema,
    user: changeUserSchema,
    requestId: changeRequestIdSchema,
    occurredAt: timestampSchema.describe('When the change was committed.'),
  })
  .meta({
    id: 'Event',
    description:
      'One change, as it was committed: the entity after it (`data`), the field diff, who and why. `type` says what happened; docs/events.md lists every type.',
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
  after: sequenceSchema
    .optional()
    .describe('Only events after this sequence; 0 for every event from the beginning of the log.'),
  types: z
    .array(eventTypePatternSchema)
    .min(1)
    .max(50)
    .optional()
    .meta({
      description: 'Only events of these types (or `<entity>.*` patterns), 1–50 of them.',
      examples: [['assignment.*', 'report.delivered']],
    }),
};

/** Events in sequence order, for pull-based sync. */
export const listEventsInput = z
  .object({
    ...eventFilters,
    entityId: idSchema.optional().describe('Only events of this entity.'),
    limit: z.number().int().min(1).max(500).default(100).describe('At most this many events, 1–500; default 100.'),
  })
  .meta({ description: 'Events in sequence order, for pull-based sync.' })
  .prefault({});

/**
 * `nextAfter` is the `after` of the next page while more events match now, and null once the
 * caller has caught up; to poll later, pass the sequence of the last event it received.
 */
export const eventPageSchema = z
  .object({
    items: z.array(eventSchema).describe('The events, in sequence order.'),
    nextAfter: sequenceSchema
      .nullable()
      .describe(
        'The `after` of the next page while more events match now; null once caught up (to poll later, pass the sequence of the last event received).',
      ),
  })
  .meta({ id: 'EventPage', description: 'Events in sequence order, and where to go on from.' });

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
      .nullish()
      .meta({
        description:
          'Set by the client when it reconnects: the sequence of the last event it received, as a string; wins over `after`.',
        examples: ['10452'],
      }),
  })
  .meta({
    description:
      'Live events. Without `after` the stream starts at the end of the log; with it, every event after that sequence is replayed first.',
  })
  .prefault({});

export type EventDto = z.output<typeof eventSchema>;
export type ListEventsInput = z.output<typeof listEventsInput>;
export type EventPage = z.output<typeof eventPageSchema>;
export type SubscribeEventsInput = z.output<typeof subscribeEventsInput>;
