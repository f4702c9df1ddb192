import { z } from 'zod';
import { EVENT_DATA_SCHEMAS } from './event-catalogue';
import { EVENT_ENTITY_TYPES, EVENT_TYPE_NAMES, EVENT_TYPES, type EventEntityType } from './event-types';

// docs/events.md is written from the catalogue by `npm run docs:events`, and a test fails when
// the file and the catalogue part: the list of event types cannot go stale.

type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
};

type Defs = Record<string, JsonSchema>;

/** The name a `$ref` into `$defs` points at, e.g. `Assignment` for `#/$defs/Assignment`. */
const refName = (ref: string) => ref.replace(/^#\/\$defs\//, '');

/**
 * A schema with its `$ref` followed: zod pulls every named schema (`.meta({ id })`) out to
 * `$defs`, the entity itself included, and refers to it from where it is used.
 */
function resolved(schema: JsonSchema, defs: Defs): JsonSchema {
  const target = schema.$ref === undefined ? undefined : defs[refName(schema.$ref)];
  return target ? resolved(target, defs) : schema;
}

function typeName(field: JsonSchema, defs: Defs): string {
  const schema = resolved(field, defs);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map((option) => typeName(option, defs)))].join(' \\| ');
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((value) => `\`${String(value)}\``).join(', ');
  if (schema.type === 'array') return `${schema.items ? typeName(schema.items, defs) : 'value'}[]`;
  if (schema.properties) return 'object';
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  if (schema.format === 'date-time') return 'timestamp';
  if (schema.format) return `${schema.type ?? 'string'} (${schema.format})`;
  return schema.type ?? 'value';
}

const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

function fieldRows(entityType: EventEntityType): string[] {
  const root = z.toJSONSchema(EVENT_DATA_SCHEMAS[entityType], { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const defs = root.$defs ?? {};
  const schema = resolved(root, defs);
  const fields = Object.entries(schema.properties ?? {});
  if (fields.length === 0) return ['`data` is `{}`.'];
  const required = new Set(schema.required ?? []);
  const name = root.$ref === undefined ? undefined : refName(root.$ref);
  return [
    ...(schema.description || name
      ? [
          [oneLine(schema.description), name ? `The OpenAPI document calls it \`${name}\`.` : '']
            .filter(Boolean)
            .join(' '),
          '',
        ]
      : []),
    '| Field | Type | Notes |',
    '| ----- | ---- | ----- |',
    ...fields.map(
      ([field, fieldSchema]) =>
        `| \`${field}\` | ${typeName(fieldSchema, defs)}${required.has(field) ? '' : ' (optional)'} | ${oneLine(fieldSchema.description)} |`,
    ),
  ];
}

const anchorOf = (entityType: EventEntityType) => `data-${entityType}`;

/** docs/events.md, from the catalogue. */
export function renderEventsDoc(): string {
  const lines = [
    '# Events',
    '',
    '<!-- Written by `npm run docs:events` from packages/contract/src/event-types.ts and',
    '     event-catalogue.ts; a test fails when this file and the catalogue differ. Do not edit. -->',
    '',
    'Every change the platform commits is one event, numbered in commit order: read them with',
    '`events.list` (pull), `events.subscribe` (server-sent events), `takst.events.consume` (the SDK',
    'with a checkpoint) or as webhooks. This is the whole list: the platform writes no event under a',
    'type that is not here. In the SDK, `TakstEvent` is the union of these, narrowed by `type`, and',
    '`TakstWebhookPayload` the union of the webhook bodies.',
    '',
    'Filters (`webhooks.create`/`update` `eventTypes`, `events.list`/`subscribe` `types`) take these',
    'names or `<entity>.*` (every event of an entity type, also those added later). Any other name',
    'is refused with `UNKNOWN_EVENT_TYPE` (400): a filter on it would never match.',
    '',
    '## The event',
    '',
    '| Field | Type | Notes |',
    '| ----- | ---- | ----- |',
    '| `sequence` | integer | Strictly increasing in commit order, without gaps: pass it as `after` to resume. |',
    "| `id` | uuid | The event's id. |",
    '| `type` | string | One of the types below. |',
    '| `entityType` | string | The entity type of the type (below). |',
    '| `entityId` | uuid | The entity that changed. |',
    '| `data` | object | The entity as the API answered it right after the change (see its fields below). |',
    '| `changes` | object | Field by field, `{ from, to }`, of what the change did. |',
    '| `reason` | string \\| null | Why, where the caller gave a reason (status changes, rejections, cancellations). |',
    '| `actor` | `{ id, name }` | The API client (`id`), or the signed-in person (`id` null). |',
    '| `user` | `{ id, name }` \\| null | The person who did it, signed in or acted for; null for an API client alone. |',
    '| `requestId` | string \\| null | The `X-Request-Id` of the call that made the change. |',
    '| `occurredAt` | timestamp | When the change was committed. |',
    '',
    'A webhook delivers `{ type, timestamp, data }`: the type, `occurredAt` and the same `data`',
    '(docs/webhooks.md has the headers and the signature).',
    '',
    '## Event types',
    '',
    '| Type | `data` | When |',
    '| ---- | ------ | ---- |',
    ...EVENT_TYPE_NAMES.map((type) => {
      const entry = EVENT_TYPES[type];
      return `| \`${type}\` | [${entry.entityType}](#${anchorOf(entry.entityType)}) | ${oneLine(entry.description)} |`;
    }),
    '',
    '## What `data` holds',
    '',
  ];
  for (const entityType of EVENT_ENTITY_TYPES) {
    lines.push(`### data: ${entityType}`, '', ...fieldRows(entityType), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
