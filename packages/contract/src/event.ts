import { z } from 'zod';
import { idSchema, timestampSchema } from './common';

/** A position in the event log: the sequence of the last event seen, 0 for the beginning. */
const sequenceSchema = z.number().int().min(0);

/** `<entity>.<verb>` in the past tense, e.g. `assignment.status_changed`. */
const eventTypeSchema = z.string().trim().min(1).max(100);

/** One change, as it was committed: the entity's DTO after it, the field diff, who and why. */
export const eventSchema = z.object({
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

const eventFilters = {
  /** Only events after this sequence. */
  after: sequenceSchema.optional(),
  /** Only events of these types. */
  types: z.array(eventTypeSchema).min(1).max(50).optional(),
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
