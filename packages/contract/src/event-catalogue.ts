import { z } from 'zod';
import { scopeSchema } from './api-client';
import { appraiserSchema } from './appraiser';
import { assignmentSchema } from './assignment';
import { idSchema, timestampSchema } from './common';
import { eventEnvelopeSchema, type eventSchema } from './event';
import {
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  type EventEntityType,
  type EventEntityTypeOf,
  type EventType,
} from './event-types';
import { inspectionSchema } from './inspection';
import { noteSchema } from './note';
import { partySchema } from './party';
import { propertySchema } from './property';
import { reportSchema } from './report';
import { userSchema } from './user';

/** An API client as its events show it: no key, no key prefix (events need only events:read). */
export const apiClientEventDataSchema = z
  .object({
    id: idSchema.describe("The API client's id."),
    name: z.string().meta({ description: 'Its name.', examples: ['CRM-integrasjon'] }),
    scopes: z.array(scopeSchema).describe('What its key may do.'),
    createdAt: timestampSchema.describe('When it was made.'),
    revokedAt: timestampSchema.nullable().describe('When its key was revoked; null while it works.'),
  })
  .meta({ description: 'An API client as its events show it: no key, no key prefix.' });

/** The `data` of an event by its entity type: the entity as the API answers it right after the change. */
export const EVENT_DATA_SCHEMAS = {
  assignment: assignmentSchema,
  property: propertySchema,
  party: partySchema,
  appraiser: appraiserSchema,
  inspection: inspectionSchema,
  report: reportSchema,
  note: noteSchema,
  user: userSchema,
  api_client: apiClientEventDataSchema,
  // No endpoint DTO: it would carry the URL, which only webhooks:manage may read.
  webhook_endpoint: z.object({}).strict().describe('Always `{}`: the endpoint is not shown in events.'),
} as const satisfies Record<EventEntityType, z.ZodType>;

const entityOf = (type: EventType) => EVENT_TYPES[type].entityType;

function variants<Shape extends z.ZodRawShape>(common: (type: EventType) => Shape) {
  return EVENT_TYPE_NAMES.map((type) =>
    z.object(common(type)).meta({ id: `Event_${type.replace('.', '_')}`, description: EVENT_TYPES[type].description }),
  );
}

function nonEmpty<T>(items: T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('the event catalogue is empty');
  return [first, ...rest];
}

const typeOf = (type: EventType) => z.literal(type).describe(`The event type: always \`${type}\`.`);
const dataOf = (type: EventType) => {
  const entityType = entityOf(type);
  const schema = EVENT_DATA_SCHEMAS[entityType];
  if (entityType === 'webhook_endpoint') return schema;
  const entity = entityType === 'api_client' ? 'API client' : entityType;
  return schema.describe(`The ${entity} as the API would have returned it right after the change.`);
};

const eventVariants = variants((type) => ({
  ...eventEnvelopeSchema.shape,
  type: typeOf(type),
  entityType: z.literal(entityOf(type)).describe(`The kind of entity that changed: always \`${entityOf(type)}\`.`),
  data: dataOf(type),
}));

/**
 * One event as `events.list`, `events.subscribe` and the SDK's `TakstEvent` give it, by type:
 * the catalogue as a schema, for the docs and the OpenAPI document and to check that what the
 * platform writes is what they say. (`eventSchema`, on the wire, has this type but checks only
 * the envelope.)
 */
export const catalogueEventSchema = z.discriminatedUnion('type', nonEmpty(eventVariants));

const payloadVariants = variants((type) => ({
  type: typeOf(type),
  timestamp: timestampSchema.describe("When the event happened: the event's `occurredAt`."),
  data: dataOf(type),
}));

/** The body of a webhook delivery, by event type. */
export const webhookPayloadSchema = z.discriminatedUnion('type', nonEmpty(payloadVariants));

/** An event, by type (the schemas above are built in a loop, so their own type is not this precise). */
export type CatalogueEvent = z.output<typeof eventSchema>;

type DataOf<T extends EventType> = z.output<(typeof EVENT_DATA_SCHEMAS)[EventEntityTypeOf<T>]>;

/** A webhook body, by type. */
export type WebhookPayloadDto = { [T in EventType]: { type: T; timestamp: string; data: DataOf<T> } }[EventType];
