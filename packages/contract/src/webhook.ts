import { z } from 'zod';
import { expectedVersionSchema, idSchema, pageOf, paginationInput, timestampSchema, versionSchema } from './common';
import { eventTypePatternSchema } from './event';

/**
 * pending: queued, not tried yet; succeeded: answered 2xx; failed: the last attempt failed (or
 * the endpoint was disabled) — `nextAttemptAt` says whether another attempt is coming;
 * exhausted: every attempt of the retry schedule failed.
 */
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed', 'exhausted'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** Why an endpoint is disabled: by a client's update, a 410 Gone answer, or failing for 5 days. */
export const WEBHOOK_DISABLED_REASONS = ['disabled_by_client', 'endpoint_gone', 'failing'] as const;
export type WebhookDisabledReason = (typeof WEBHOOK_DISABLED_REASONS)[number];

/**
 * An event type of the catalogue (`assignment.created`, see `EVENT_TYPES`), or `<entity>.*` for
 * every event of an entity type. Anything else is refused with UNKNOWN_EVENT_TYPE: a filter that
 * names no event would silently never match.
 */
export const webhookEventTypeSchema = eventTypePatternSchema;

const deliveryStatusSchema = z.enum(WEBHOOK_DELIVERY_STATUSES).meta({
  description:
    'pending: queued, not tried yet; succeeded: answered 2xx; failed: the last attempt failed (or the endpoint was disabled), `nextAttemptAt` says whether another is coming; exhausted: every attempt of the retry schedule failed.',
  examples: ['succeeded'],
});

/** Only http and https, without user or password; where it may point is checked on the server. */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'Expected an http:// or https:// URL' })
  .max(2048)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  }, 'The URL must not carry a user name or password')
  .meta({
    description:
      'Where deliveries are POSTed: an http or https URL of up to 2 048 characters, without user or password. A host that is not public (loopback, private, link-local and reserved ranges) is refused with WEBHOOK_URL_REFUSED.',
    examples: ['https://crm.example.no/hooks/takst'],
  });

/**
 * Empty: every event except `webhook_endpoint.*` ones (those only when listed). Duplicates are
 * dropped.
 */
const eventTypesInput = z
  .array(webhookEventTypeSchema)
  .max(100)
  .transform((types) => [...new Set(types)].sort())
  .meta({
    description:
      'The event types to deliver, up to 100: names from the catalogue (docs/events.md) or `<entity>.*`. Empty: every event except `webhook_endpoint.*` ones (those only when listed). Duplicates are dropped, the list is kept sorted.',
    examples: [['assignment.*', 'report.delivered']],
  });

export const createWebhookInput = z
  .object({
    url: webhookUrlSchema,
    eventTypes: eventTypesInput.default([]),
    enabled: z.boolean().default(true).describe('Whether it gets deliveries; default true.'),
  })
  .meta({
    description:
      'A new webhook endpoint: where to POST events and which. The answer holds its signing secret, shown only then (and on rotation).',
    examples: [
      { url: 'https://crm.example.no/hooks/takst', eventTypes: ['assignment.*', 'report.delivered'], enabled: true },
    ],
  });

export const getWebhookInput = z
  .object({ id: idSchema.describe("The endpoint's id.") })
  .meta({ description: 'Names one webhook endpoint by id.' });

export const updateWebhookInput = z
  .object({
    id: idSchema.describe("The endpoint's id."),
    expectedVersion: expectedVersionSchema,
    patch: z
      .object({
        url: webhookUrlSchema,
        eventTypes: eventTypesInput,
        enabled: z.boolean().describe('false: no deliveries (recorded as disabled_by_client); true: enabled again.'),
      })
      .partial()
      .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field')
      .meta({
        description: 'The fields to change, at least one; `eventTypes` replaces the list.',
        examples: [{ enabled: false }],
      }),
  })
  .meta({ description: "Changes an endpoint's URL, event types or enabled flag." });

export const deleteWebhookInput = z
  .object({ id: idSchema.describe("The endpoint's id.") })
  .meta({ description: 'Removes a webhook endpoint.' });
export const rotateWebhookSecretInput = z
  .object({ id: idSchema.describe("The endpoint's id.") })
  .meta({ description: "Replaces an endpoint's signing secret; the old one also signs for 24 hours." });

export const listWebhooksInput = z
  .object({ ...paginationInput })
  .meta({ description: 'Webhook endpoints, a page at a time.' })
  .prefault({});

export const webhookEndpointSchema = z
  .object({
    id: idSchema.describe("The endpoint's id."),
    url: z
      .string()
      .meta({ description: 'Where deliveries are POSTed.', examples: ['https://crm.example.no/hooks/takst'] }),
    eventTypes: z.array(z.string()).meta({
      description:
        'The event types it gets (names or `<entity>.*`), sorted; empty: every event except `webhook_endpoint.*` ones.',
      examples: [['assignment.*', 'report.delivered']],
    }),
    enabled: z.boolean().describe('Whether it gets deliveries.'),
    disabledReason: z
      .enum(WEBHOOK_DISABLED_REASONS)
      .nullable()
      .meta({
        description:
          'Why it is disabled: disabled_by_client (an update), endpoint_gone (it answered 410 Gone) or failing (every attempt failed for 5 days); null while enabled.',
        examples: ['failing'],
      }),
    disabledAt: timestampSchema.nullable().describe('When it was disabled; null while enabled.'),
    failingSince: timestampSchema
      .nullable()
      .describe('Since when every attempt has failed; null after a success. Five days of it disables the endpoint.'),
    previousSecretExpiresAt: timestampSchema
      .nullable()
      .describe('After a rotation, the old secret also signs deliveries until this time; null otherwise.'),
    version: versionSchema,
    createdAt: timestampSchema.describe('When it was made.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
  })
  .meta({ id: 'WebhookEndpoint', description: 'A webhook endpoint: a URL the platform POSTs events to, signed.' });

export const webhookEndpointPageSchema = pageOf(webhookEndpointSchema).meta({
  id: 'WebhookEndpointPage',
  description: 'One page of webhook endpoints.',
});

const secretSchema = z.string().meta({
  description:
    "The signing secret, `whsec_` + base64: verify each delivery's `webhook-signature` with it (Standard Webhooks).",
  examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
});

/** The signing secret (`whsec_` + base64) is only ever shown here: on create and on rotation. */
export const webhookWithSecretSchema = z
  .object({
    endpoint: webhookEndpointSchema.describe('The endpoint.'),
    secret: secretSchema,
  })
  .meta({
    id: 'WebhookEndpointWithSecret',
    description: 'An endpoint and its signing secret, shown in the answer to create and to a rotation.',
  });

export const deletedWebhookSchema = z
  .object({ id: idSchema.describe('The id of the endpoint removed.') })
  .meta({ description: 'The endpoint removed.' });

export const listDeliveriesInput = z
  .object({
    ...paginationInput,
    endpointId: idSchema.describe('The endpoint whose deliveries to list.'),
    status: deliveryStatusSchema.optional().describe('Only deliveries in this status.'),
  })
  .meta({ description: "An endpoint's deliveries with their attempts, newest event first, a page at a time." });

export const redeliverInput = z
  .object({ deliveryId: idSchema.describe('The delivery to send again.') })
  .meta({ description: 'Sends one delivery again now, starting its retry schedule over.' });

export const recoverInput = z
  .object({
    endpointId: idSchema.describe('The endpoint to send the events to.'),
    since: timestampSchema.describe("Every event from this time on that the endpoint's filter matches is sent again."),
  })
  .meta({ description: 'Sends an endpoint every matching event since a time again, e.g. after an outage.' });

export const recoverOutput = z
  .object({
    queued: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'How many deliveries were queued.', examples: [42] }),
  })
  .meta({ description: 'The deliveries queued.' });

export const deliveryAttemptSchema = z
  .object({
    number: z.number().int().min(1).describe('1 for the first attempt, one more for each retry.'),
    attemptedAt: timestampSchema.describe('When it was sent.'),
    statusCode: z
      .number()
      .int()
      .nullable()
      .meta({
        description: "The receiver's HTTP status; null when no answer came (timeout, refused, connection error).",
        examples: [200],
      }),
    durationMs: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'How long it took, in milliseconds.', examples: [182] }),
    response: z.string().nullable().describe("The first kilobyte of the answer's body; null when there was none."),
    error: z
      .string()
      .nullable()
      .meta({ description: 'What went wrong, when no answer came; null otherwise.', examples: ['timeout after 15 s'] }),
  })
  .meta({ id: 'WebhookDeliveryAttempt', description: 'One attempt to deliver an event to an endpoint.' });

export const webhookDeliverySchema = z
  .object({
    id: idSchema.describe(
      "The delivery's id, also the `webhook-id` header: the same on every attempt, so receivers can drop repeats.",
    ),
    endpointId: idSchema.describe('The endpoint it goes to.'),
    eventId: z
      .uuid()
      .meta({ description: "The event's id (a UUID).", examples: ['0193a5e6-2b3c-7d4e-9f50-6a7b8c9d0e1f'] }),
    eventSequence: z
      .number()
      .int()
      .meta({ description: "The event's sequence in the event log.", examples: [10452] }),
    eventType: z.string().meta({ description: 'The event type.', examples: ['assignment.status_changed'] }),
    status: deliveryStatusSchema,
    attemptCount: z.number().int().min(0).describe('How many attempts have been made.'),
    nextAttemptAt: timestampSchema.nullable().describe('When the next attempt is due; null when none is coming.'),
    lastAttemptAt: timestampSchema.nullable().describe('When the last attempt was made; null before the first.'),
    lastStatusCode: z
      .number()
      .int()
      .nullable()
      .describe("The HTTP status of the last attempt's answer; null before the first or when no answer came."),
    createdAt: timestampSchema.describe('When the delivery was queued.'),
    updatedAt: timestampSchema.describe('When it last changed.'),
    attempts: z.array(deliveryAttemptSchema).describe('The attempts, oldest first: the 50 latest.'),
  })
  .meta({
    id: 'WebhookDelivery',
    description: 'One event on its way to one endpoint, and every attempt to deliver it.',
  });

export const webhookDeliveryPageSchema = pageOf(webhookDeliverySchema).meta({
  id: 'WebhookDeliveryPage',
  description: 'One page of deliveries.',
});

export type CreateWebhookInput = z.output<typeof createWebhookInput>;
export type UpdateWebhookInput = z.output<typeof updateWebhookInput>;
export type WebhookPatch = UpdateWebhookInput['patch'];
export type ListWebhooksInput = z.output<typeof listWebhooksInput>;
export type ListDeliveriesInput = z.output<typeof listDeliveriesInput>;
export type RecoverInput = z.output<typeof recoverInput>;
export type WebhookEndpointDto = z.output<typeof webhookEndpointSchema>;
export type WebhookDeliveryDto = z.output<typeof webhookDeliverySchema>;
export type DeliveryAttemptDto = z.output<typeof deliveryAttemptSchema>;

export const getWebhookSecretInput = z
  .object({ id: idSchema.describe("The endpoint's id.") })
  .meta({ description: "Reads an endpoint's signing secrets again." });

/**
 * An endpoint's signing secrets, read again (`webhooks.getSecret`): the current one, and the one
 * before the last rotation while it still signs deliveries (null otherwise, with its expiry).
 */
export const webhookSecretSchema = z
  .object({
    endpointId: idSchema.describe("The endpoint's id."),
    secret: secretSchema,
    previousSecret: z
      .string()
      .nullable()
      .describe('The secret before the last rotation while it still signs deliveries; null otherwise.'),
    previousSecretExpiresAt: timestampSchema
      .nullable()
      .describe('When `previousSecret` stops signing; null when there is none.'),
  })
  .meta({
    id: 'WebhookSecret',
    description:
      "An endpoint's signing secrets: the current one, and the one before the last rotation while it still signs.",
  });

export type WebhookSecretDto = z.output<typeof webhookSecretSchema>;
