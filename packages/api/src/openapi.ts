import {
  EVENT_DATA_SCHEMAS,
  EVENT_ENTITY_TYPES,
  EVENT_TYPE_NAMES,
  EVENT_TYPES,
  type EventEntityType,
} from '@takst/contract';
import { ERROR_CODES } from '@takst/contract/enums';
import { z } from 'zod';
import { AUTHENTICATED } from './auth/scopes';
import { appRouter } from './router';
import type { ProcedureMeta } from './trpc';

type JsonSchema = Record<string, unknown>;

interface ProcedureDef {
  type: 'query' | 'mutation' | 'subscription';
  meta?: ProcedureMeta;
  inputs: z.ZodType[];
  output?: z.ZodType;
}

function jsonSchemaOf(schema: z.ZodType | undefined, io: 'input' | 'output'): JsonSchema {
  if (!schema) return {};
  // The document is one JSON Schema 2020-12 dialect already (OpenAPI 3.1); no $schema per part.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** An input is optional on the wire when `undefined` passes its schema. */
const inputRequired = (schema: z.ZodType | undefined) => schema !== undefined && !schema.safeParse(undefined).success;

const errorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'code', 'data'],
      properties: {
        message: { type: 'string' },
        code: { type: 'integer', description: 'JSON-RPC style number of the tRPC code' },
        data: {
          type: 'object',
          required: ['code', 'httpStatus', 'errorCode', 'requestId'],
          properties: {
            code: { type: 'string', description: "tRPC's code, e.g. CONFLICT" },
            httpStatus: { type: 'integer' },
            errorCode: { type: 'string', enum: [...ERROR_CODES], description: 'The stable domain code' },
            requestId: { type: ['string', 'null'] },
            path: { type: 'string' },
            issues: {
              type: 'array',
              description: 'For VALIDATION_FAILED: what is wrong, and where in the input',
              items: {
                type: 'object',
                required: ['path', 'message', 'code'],
                properties: {
                  path: { type: 'array', items: { type: ['string', 'integer'] } },
                  message: { type: 'string' },
                  code: { type: 'string' },
                },
              },
            },
          },
          additionalProperties: true,
        },
      },
    },
  },
};

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description: 'Runs the mutation once per key (1–255 printable ASCII characters); a retry gets the first answer',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

function operationFor(path: string, def: ProcedureDef): [method: 'get' | 'post', operation: JsonSchema] {
  const input = def.inputs[0];
  const scope = def.meta?.scope;
  const base = {
    operationId: path,
    tags: [path.split('.')[0]],
    summary: def.meta?.description ?? path,
    description:
      scope === AUTHENTICATED ? 'Needs a working key and no scope.' : `Needs the scope \`${scope}\` (or \`admin\`).`,
    'x-takst-scope': scope,
    security: [{ apiKey: [] }],
  };
  if (def.type === 'subscription') {
    return [
      'get',
      {
        ...base,
        description: `${base.description} Server-sent events: each \`data:\` line is \`{ "id", "data" }\` with an event of the log; send \`Last-Event-ID\` to resume.`,
        parameters: [
          {
            name: 'input',
            in: 'query',
            required: false,
            content: { 'application/json': { schema: jsonSchemaOf(input, 'input') } },
          },
        ],
        responses: {
          '200': {
            description: 'A stream of events',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          default: { $ref: '#/components/responses/Error' },
        },
      },
    ];
  }
  const success = {
    description: "The procedure's answer, in `result.data`",
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['result'],
          properties: { result: { type: 'object', properties: { data: jsonSchemaOf(def.output, 'output') } } },
        },
      },
    },
  };
  const responses = { '200': success, default: { $ref: '#/components/responses/Error' } };
  if (def.type === 'query') {
    const parameters = input
      ? [
          {
            name: 'input',
            in: 'query',
            required: inputRequired(input),
            description: 'The input as URL-encoded JSON',
            content: { 'application/json': { schema: jsonSchemaOf(input, 'input') } },
          },
        ]
      : [];
    return ['get', { ...base, parameters, responses }];
  }
  return [
    'post',
    {
      ...base,
      parameters: [idempotencyKeyParameter],
      ...(input
        ? {
            requestBody: {
              required: inputRequired(input),
              content: { 'application/json': { schema: jsonSchemaOf(input, 'input') } },
            },
          }
        : {}),
      responses,
    },
  ];
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

const eventDataSchemas = () =>
  Object.fromEntries(
    EVENT_ENTITY_TYPES.map((entityType) => [
      `EventData_${entityType}`,
      jsonSchemaOf(EVENT_DATA_SCHEMAS[entityType], 'output'),
    ]),
  );

let built: JsonSchema | undefined;

/**
 * The OpenAPI 3.1 description of every procedure as plain HTTP: a query is `GET /trpc/<path>`
 * with its input as URL-encoded JSON in `input`, a mutation `POST /trpc/<path>` with its input as
 * the body. Made from the same zod schemas the procedures validate with, so it cannot drift; for
 * systems that are not TypeScript, to read or to generate a client from.
 */
export function openApiDocument(): JsonSchema {
  if (built) return built;
  const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  const paths: Record<string, JsonSchema> = {};
  for (const [path, procedure] of Object.entries(procedures).sort(([a], [b]) => a.localeCompare(b))) {
    const [method, operation] = operationFor(path, procedure._def);
    paths[`/trpc/${path}`] = { [method]: operation };
  }
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Takst Platform API',
      version: '1',
      description:
        "Every procedure of the platform over plain HTTP and JSON. Authenticate with `Authorization: Bearer tk_…`. Errors carry tRPC's `code` and a stable `errorCode` in `error.data`.",
    },
    paths,
    webhooks: webhookOperations(),
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key, tk_…' } },
      schemas: { Error: errorSchema, ...eventDataSchemas() },
      responses: {
        Error: {
          description: 'A refusal or failure, with the HTTP status of its code',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
  return built;
}
