import {
  assignmentSchema,
  EVENT_DATA_SCHEMAS,
  EVENT_ENTITY_TYPES,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  type EventEntityType,
  exportContinuationSchema,
  exportFiltersSchema,
} from '@takst/contract';
import { ERROR_CODES } from '@takst/contract/enums';
import { z } from 'zod';
import { AUTHENTICATED } from './auth/scopes';
import { parameterKindOf, type RestOperation, restOperations } from './rest/routes';

type JsonSchema = Record<string, unknown>;

/** Where the REST API answers; the document's `servers` and every path are relative to it. */
export const REST_BASE_PATH = '/api/v1';

/**
 * Named schemas, gathered while the document is made: zod puts every schema with an `id` in its
 * meta into `$defs`, and here they become `components.schemas`, one per name.
 */
class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  /** A zod schema as JSON Schema, its named parts as references to components. */
  schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const {
      $schema: _dialect,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, {
      io,
      unrepresentable: 'any',
    }) as JsonSchema;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      this.add(name, relinked(io === 'output' ? open(definition) : definition) as JsonSchema);
    }
    return relinked(io === 'output' ? open(rest) : rest) as JsonSchema;
  }

  add(name: string, definition: JsonSchema): void {
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(definition)) {
      throw new Error(`Two different schemas are named ${name}; give one of them another id`);
    }
    this.schemas[name] = definition;
  }
}

/** Points zod's `#/$defs/<name>` references at `#/components/schemas/<name>`. */
function relinked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relinked);
  if (typeof value !== 'object' || value === null) return value;
  const result: JsonSchema = {};
  for (const [key, member] of Object.entries(value)) {
    result[key] =
      key === '$ref' && typeof member === 'string'
        ? member.replace('#/$defs/', '#/components/schemas/')
        : relinked(member);
  }
  return result;
}

/**
 * An answer may gain fields in a minor version (docs/publishing.md): its objects are described as
 * open, so a client that validates answers does not break on one.
 */
function open(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(open);
  if (typeof value !== 'object' || value === null) return value;
  const result: JsonSchema = {};
  for (const [key, member] of Object.entries(value)) {
    if (key === 'additionalProperties' && member === false) continue;
    result[key] = open(member);
  }
  return result;
}

const problem = (description: string) => ({
  description,
  headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description:
    'A refusal or failure as RFC 9457 problem details. `errorCode` is the stable code to act on (docs/errors.md lists every one); the other members it may carry are listed here.',
  required: ['type', 'title', 'status', 'detail', 'errorCode', 'code', 'requestId'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      description: '`urn:takst:error:<errorCode>`',
      examples: ['urn:takst:error:VERSION_CONFLICT'],
    },
    title: { type: 'string', description: 'The HTTP status in words', examples: ['Conflict'] },
    status: { type: 'integer', description: 'The HTTP status', examples: [409] },
    detail: {
      type: 'string',
      description: 'What went wrong, for a person to read',
      examples: ['Assignment 2026-000003 is at version 3, not 2; fetch it again and reapply the change'],
    },
    instance: { type: 'string', description: 'The path that was called', examples: ['/api/v1/assignments/01a2…'] },
    errorCode: { type: 'string', enum: [...ERROR_CODES], description: 'The stable domain code' },
    code: { type: 'string', description: "The platform's coarse code, e.g. CONFLICT (tRPC's)", examples: ['CONFLICT'] },
    requestId: {
      type: ['string', 'null'],
      description: 'The request id, also in the `x-request-id` header: quote it when asking for help',
    },
    issues: {
      type: 'array',
      description: 'VALIDATION_FAILED: what is wrong, and where in the input',
      items: { $ref: '#/components/schemas/ValidationIssue' },
    },
    requiredScope: { type: 'string', description: 'MISSING_SCOPE: the scope the operation needs' },
    currentVersion: { type: 'integer', description: 'VERSION_CONFLICT: the version the thing is at now' },
    allowed: {
      type: 'array',
      items: { type: 'string' },
      description: 'INVALID_TRANSITION: where the assignment may go from here',
    },
    retryAfterSeconds: {
      type: 'integer',
      description: 'RATE_LIMITED: whole seconds to wait (also the Retry-After header)',
    },
  },
};

const VALIDATION_ISSUE_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['path', 'message', 'code'],
  properties: {
    path: {
      type: 'array',
      items: { type: ['string', 'integer'] },
      description: 'Where in the input, e.g. ["property", "address", "postalCode"]',
    },
    message: { type: 'string' },
    code: { type: 'string', description: "zod's issue code, e.g. invalid_type, too_big, unrecognized_keys" },
  },
};

const TAGS: Record<string, string> = {
  apiClients: 'API clients (keys with scopes) for connected systems. Admin only.',
  appraisers: 'Appraisers (takstmenn) and their certifications.',
  assignments: 'Assignments (oppdrag): the core record, its lifecycle, bulk work and export.',
  audit: 'The audit log: who changed what, and when.',
  externalRefs: "Ids of connected systems mapped to the platform's own.",
  events: 'The event log: every change, in order; pull it, or follow it live.',
  inspections: 'Inspections (befaringer): booked, rescheduled, cancelled, completed.',
  me: 'Who the caller is.',
  notes: 'Notes on an assignment, from people and connected systems.',
  parties: 'Parties: clients, payers, brokers.',
  properties: 'Properties, by address and cadastre (matrikkel).',
  reports: 'Reports (rapporter): drafted, reviewed, delivered, revised.',
  users: "The firm's people who sign in. Admin only.",
  webhooks: 'Webhook endpoints, their deliveries and their signing secrets.',
};

function accessText(operation: RestOperation): string {
  const { scope, roles } = operation.meta;
  const scopeText =
    scope === AUTHENTICATED
      ? 'Needs a working key or session, no scope.'
      : `Needs the scope \`${scope}\` (or \`admin\`).`;
  const rolesText =
    roles.length > 0 ? ` A signed-in person needs one of the roles ${roles.map((r) => `\`${r}\``).join(', ')}.` : '';
  const own = operation.meta.ownAssignmentsForAppraisers
    ? ' An appraiser works only on assignments assigned to them.'
    : '';
  return `${scopeText}${rolesText}${own}`;
}

const idempotencyKeyParameter = { $ref: '#/components/parameters/IdempotencyKey' };

function withoutFields(schema: JsonSchema, names: readonly string[]): JsonSchema {
  if (names.length === 0) return schema;
  const properties = { ...((schema.properties ?? {}) as Record<string, unknown>) };
  for (const name of names) delete properties[name];
  const required = ((schema.required ?? []) as string[]).filter((name) => !names.includes(name));
  // A whole-input example names the path values too; in the body they would be refused.
  const examples = Array.isArray(schema.examples)
    ? schema.examples.map((example) =>
        typeof example === 'object' && example !== null
          ? Object.fromEntries(Object.entries(example).filter(([key]) => !names.includes(key)))
          : example,
      )
    : undefined;
  return {
    ...schema,
    properties,
    ...(required.length > 0 ? { required } : { required: undefined }),
    ...(examples ? { examples } : {}),
  };
}

/** A path or query parameter from its field's JSON Schema, whose description moves to the parameter. */
function parameterOf(name: string, location: 'path' | 'query', required: boolean, schema: JsonSchema) {
  const { description, ...rest } = schema;
  return {
    name,
    in: location,
    required,
    ...(typeof description === 'string' ? { description } : {}),
    schema: rest,
    ...(parameterKindOf(schema) === 'array' ? { style: 'form', explode: true } : {}),
  };
}

function parameterFor(operation: RestOperation, name: string, location: 'path' | 'query') {
  const field = operation.fields.find((each) => each.name === name);
  const schema = field ? (relinked(field.schema) as JsonSchema) : { type: 'string' };
  return parameterOf(name, location, location === 'path' || (field?.required ?? false), schema);
}

function errorResponses(operation: Pick<RestOperation, 'pathParameters' | 'type'>): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    '400': { $ref: '#/components/responses/BadRequest' },
    '401': { $ref: '#/components/responses/Unauthenticated' },
    '403': { $ref: '#/components/responses/Forbidden' },
  };
  if (operation.pathParameters.length > 0) responses['404'] = { $ref: '#/components/responses/NotFound' };
  if (operation.type === 'mutation') responses['409'] = { $ref: '#/components/responses/Conflict' };
  responses['429'] = { $ref: '#/components/responses/RateLimited' };
  responses.default = { $ref: '#/components/responses/Problem' };
  return responses;
}

function operationObject(operation: RestOperation, components: Components): JsonSchema {
  const tag = operation.procedure.split('.')[0] as string;
  const takesBody = operation.method === 'POST' || operation.method === 'PUT' || operation.method === 'PATCH';
  const parameters: unknown[] = operation.pathParameters.map((name) => parameterFor(operation, name, 'path'));
  if (!takesBody) {
    for (const field of operation.fields) {
      if (operation.pathParameters.includes(field.name) || field.name === 'lastEventId') continue;
      parameters.push(parameterFor(operation, field.name, 'query'));
    }
  }
  if (operation.type === 'mutation') parameters.push(idempotencyKeyParameter);
  if (operation.type === 'subscription') parameters.push({ $ref: '#/components/parameters/LastEventId' });

  let requestBody: JsonSchema | undefined;
  if (takesBody && operation.input) {
    const schema = withoutFields(components.schemaOf(operation.input, 'input'), operation.pathParameters);
    const hasFields = schema.properties === undefined || Object.keys(schema.properties as object).length > 0;
    if (hasFields) {
      // With its path values given, a body is needed only for the fields it must still carry.
      const required =
        operation.pathParameters.length > 0
          ? ((schema.required as string[] | undefined)?.length ?? 0) > 0
          : !operation.inputOptional;
      requestBody = { required, content: { 'application/json': { schema } } };
    }
  }

  const success =
    operation.type === 'subscription'
      ? {
          description:
            'Server-sent events: each event of the log as `id: <sequence>` and `data: <event JSON>`; a comment line every 15 s while nothing happens. Send `Last-Event-ID` (an EventSource does) to resume after the last event seen. A stream that must end for an error sends `event: error` with problem details as its data.',
          content: { 'text/event-stream': { schema: { type: 'string' } } },
        }
      : {
          description: operation.status === 201 ? 'Made' : 'OK',
          headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
          content: {
            'application/json': {
              schema: operation.output ? components.schemaOf(operation.output, 'output') : {},
            },
          },
        };

  const idempotency =
    operation.type === 'mutation'
      ? ' Send an `Idempotency-Key` to make retrying safe: a retry with the same key and body gets the first answer.'
      : '';
  return {
    operationId: operation.procedure.replace('.', '_'),
    tags: [tag],
    summary: operation.meta.description ?? operation.procedure,
    description: `${accessText(operation)}${idempotency} The same as \`${operation.procedure}\` in the SDK.`,
    'x-takst-procedure': operation.procedure,
    'x-takst-scope': operation.meta.scope,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: { [String(operation.status)]: success, ...errorResponses(operation) },
  };
}

/** The NDJSON export: not a procedure, but a path of the API all the same (export-ndjson.ts). */
function exportNdjsonOperation(components: Components): JsonSchema {
  const filters = components.schemaOf(exportFiltersSchema, 'input');
  const properties = (filters.properties ?? {}) as Record<string, JsonSchema>;
  const parameters = Object.entries(properties).map(([name, schema]) => parameterOf(name, 'query', false, schema));
  parameters.push(
    parameterOf('continuation', 'query', false, {
      ...components.schemaOf(exportContinuationSchema, 'input'),
      description: 'Where an interrupted export goes on from: `<updatedAt>_<id>` of the last line received',
    }),
  );
  return {
    operationId: 'assignments_exportNdjson',
    tags: ['assignments'],
    summary: 'Every matching assignment as NDJSON, streamed',
    description:
      'Needs the scope `assignments:read`. One assignment as JSON per line, in the order of change (`updatedAt`, then `id`), cancelled ones included; the whole set in one answer, however large. When the connection breaks, ask again with `continuation` set from the last whole line. Filters as for `GET /assignments`; lists repeated (`status=a&status=b`) or comma-separated.',
    parameters,
    responses: {
      '200': {
        description: 'One assignment per line (`Assignment`), each line ending with `\\n`',
        content: {
          'application/x-ndjson': {
            schema: { type: 'string', description: 'Lines, each an Assignment as JSON' },
            'x-item-schema': components.schemaOf(assignmentSchema, 'output'),
          },
        },
      },
      ...errorResponses({ pathParameters: [], type: 'query' }),
    },
  };
}

const webhookHeader = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

const eventDataRef = (entityType: EventEntityType) => ({ $ref: `#/components/schemas/EventData_${entityType}` });

/** What the platform POSTs to a subscribed endpoint, one entry per event type (docs/webhooks.md). */
function webhookOperations(): Record<string, JsonSchema> {
  const operations: Record<string, JsonSchema> = {};
  for (const type of EVENT_TYPE_NAMES) {
    const { entityType, description } = EVENT_TYPES[type];
    operations[type] = {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        tags: ['webhooks'],
        summary: type,
        description: `${description} Signed as Standard Webhooks: verify \`webhook-signature\` over \`{webhook-id}.{webhook-timestamp}.{body}\` before trusting the body.`,
        parameters: [
          webhookHeader('webhook-id', 'The delivery: the same on every attempt, for dropping repeats'),
          webhookHeader('webhook-timestamp', 'When this attempt was signed, Unix seconds'),
          webhookHeader(
            'webhook-signature',
            '`v1,<base64 HMAC-SHA256>`; two, space-separated, after a secret rotation',
          ),
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { const: type },
                  timestamp: { type: 'string', format: 'date-time', description: 'When the event happened' },
                  data: eventDataRef(entityType),
                },
              },
            },
          },
        },
        responses: {
          '2XX': { description: 'Received; any other answer (or none within 15 s) is retried' },
          '410': { description: 'Gone: the endpoint is disabled and gets nothing more' },
        },
      },
    };
  }
  return operations;
}

const API_DESCRIPTION = `The Takst Platform's assignments, inspections, reports and everything around them, over plain HTTP and JSON. The same operations as the TypeScript SDK (\`@takst/sdk\`, over tRPC at \`/trpc\`), with the same rules.

- **Authentication**: \`Authorization: Bearer tk_…\`, an API client's key; its scopes decide what it may call. The console's people use a session cookie instead (and send \`x-takst-csrf: 1\` with every change).
- **Errors** are RFC 9457 problem details (\`application/problem+json\`) with a stable \`errorCode\` and the \`requestId\`.
- **Lists** are keyset-paginated: \`limit\` (1–200) and \`cursor\` in, \`{ items, nextCursor }\` out; pass \`nextCursor\` back until it is null.
- **Changes** take \`expectedVersion\` where a thing has a version (409 VERSION_CONFLICT when it moved on) and an \`Idempotency-Key\` header, so a retry never does a thing twice.
- **Rate limits** per API client; a refused call is 429 with \`Retry-After\`.
- **Wire format**: ids are UUIDv7 strings, timestamps ISO 8601, dates \`YYYY-MM-DD\`, money integer øre.
- **Webhooks**: what the platform sends to subscribed endpoints is listed under \`webhooks\`.`;

let built: JsonSchema | undefined;

/**
 * The OpenAPI 3.1 description of the REST API under `/api/v1` (rest/routes.ts): one operation per
 * procedure, from the same zod schemas the procedures validate with, so it cannot drift; plus the
 * NDJSON export and the webhook payloads. Served at /api/openapi.json, rendered at /docs.
 */
export function openApiDocument(): JsonSchema {
  if (built) return built;
  const components = new Components();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const operations = [...restOperations()].sort(
    (a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method),
  );
  for (const operation of operations) {
    paths[operation.path] ??= {};
    (paths[operation.path] as Record<string, JsonSchema>)[operation.method.toLowerCase()] = operationObject(
      operation,
      components,
    );
  }
  paths['/assignments/export.ndjson'] = { get: exportNdjsonOperation(components) };
  for (const entityType of EVENT_ENTITY_TYPES) {
    components.add(`EventData_${entityType}`, components.schemaOf(EVENT_DATA_SCHEMAS[entityType], 'output'));
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Takst Platform API',
      version: '1.0.0',
      summary: "A valuation firm's assignments, and every system connected to them",
      description: API_DESCRIPTION,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: REST_BASE_PATH, description: 'This server' }],
    security: [{ apiKey: [] }, { session: [], csrf: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths: sortedPaths,
    webhooks: webhookOperations(),
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: "An API client's key, `tk_…` (made by an admin: `POST /api-clients`)",
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'takst_session',
          description: "A signed-in person's session (POST /auth/sign-in), as the console uses it",
        },
        csrf: {
          type: 'apiKey',
          in: 'header',
          name: 'x-takst-csrf',
          description: 'Any value; a change made with a session cookie must send it',
        },
      },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Runs the change once per key (1–255 printable ASCII characters, kept 24 hours); a retry with the same key and body gets the first answer, with another body 409 IDEMPOTENCY_KEY_REUSED',
          schema: { type: 'string', minLength: 1, maxLength: 255 },
        },
        LastEventId: {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'The id (sequence) of the last event received: the stream goes on after it',
          schema: { type: 'string' },
        },
      },
      headers: {
        RequestId: {
          description: "The request's id (yours, when you sent `x-request-id`); in every log line about it",
          schema: { type: 'string' },
        },
      },
      schemas: {
        Problem: PROBLEM_SCHEMA,
        ValidationIssue: VALIDATION_ISSUE_SCHEMA,
        ...Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
      },
      responses: {
        BadRequest: problem('The input is wrong: VALIDATION_FAILED with `issues`, or another 400 code'),
        Unauthenticated: problem('No key or session, or one that does not work: UNAUTHENTICATED'),
        Forbidden: problem('The key lacks the scope (MISSING_SCOPE) or the person the role'),
        NotFound: problem('Nothing with that id: e.g. ASSIGNMENT_NOT_FOUND'),
        Conflict: problem(
          'The change does not fit the present state: e.g. VERSION_CONFLICT, INVALID_TRANSITION, IDEMPOTENCY_KEY_REUSED',
        ),
        RateLimited: {
          ...problem('Too many calls: RATE_LIMITED; wait `Retry-After` seconds'),
          headers: {
            'retry-after': { description: 'Whole seconds to wait', schema: { type: 'integer' } },
            'x-request-id': { $ref: '#/components/headers/RequestId' },
          },
        },
        Problem: problem('Any other refusal or failure'),
      },
    },
  };
  return built;
}
