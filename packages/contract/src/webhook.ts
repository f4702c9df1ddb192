import { z } from 'zod';
import { idSchema, pageOf, paginationInput, timestampSchema } from './common';
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

/** Only http and https, without user or password; where it may point is checked on the server. */
export const webhookUrlSchema = z
  .url({ protocol: /^https?$/, message: 'Expected an http:// or https:// URL' })
  .max(2048)
  .refine((url) => {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  }, 'The URL must not carry a user name or password');

/**
 * Empty: every event except `webhook_endpoint.*` ones (those only when listed). Duplicates are
 * dropped.
 */
const eventTypesInput = z
  .array(webhookEventTypeSchema)
  .max(100)
  .transform((types) => [...new Set(types)].sort());

export const createWebhookInput = z.object({
  url: webhookUrlSchema,
  eventTypes: eventTypesInput.default([]),
  enabled: z.boolean().default(true),
});

export const getWebhookInput = z.object({ id: idSchema });

export const updateWebhookInput = z.object({
  id: idSchema,
  expectedVersion: z.number().int().min(1),
  patch: z
    .object({ url: webhookUrlSchema, eventTypes: eventTypesInput, enabled: z.boolean() })
    .partial()
    .refine((patch) => Object.keys(patch).length > 0, 'The patch must change at least one field'),
});

export const deleteWebhookInput = z.object({ id: idSchema });
export const rotateWebhookSecretInput = z.object({ id: idSchema });

export const listWebhooksInput = z.object({ ...paginationInput }).prefault({});

export const webhookEndpointSchema = z.object({
  id: idSchema,
  url: z.string(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.enum(WEBHOOK_DISABLED_REASONS).nullable(),
  disabledAt: timestampSchema.nullable(),
  /** Since when every attempt has failed; cleared by a success. Five days of it disables the endpoint. */
  failingSince: timestampSchema.nullable(),
  /** After a rotation the old secret also signs deliveries until this time. */
  previousSecretExpiresAt: timestampSchema.nullable(),
  version: z.number().int().min(1),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const webhookEndpointPageSchema = pageOf(webhookEndpointSchema);

/** The signing secret (`whsec_` + base64) is only ever shown here: on create and on rotation. */
export const webhookWithSecretSchema = z.object({ endpoint: webhookEndpointSchema, secret: z.string() });

export const deletedWebhookSchema = z.object({ id: idSchema });

export const listDeliveriesInput = z.object({
  ...paginationInput,
  endpointId: idSchema,
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
});

export const redeliverInput = z.object({ deliveryId: idSchema });

export const recoverInput = z.object({
  endpointId: idSchema,
  /** Every event from this time on that the endpoint's filter matches is sent again. */
  since: timestampSchema,
});

export const recoverOutput = z.object({ queued: z.number().int().min(0) });

export const deliveryAttemptSchema = z.object({
  number: z.number().int().min(1),
  attemptedAt: timestampSchema,
  /** The receiver's HTTP status; null when no answer came (timeout, refused, connection error). */
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int().min(0),
  /** The first kilobyte of the answer's body. */
  response: z.string().nullable(),
  error: z.string().nullable(),
});

export const webhookDeliverySchema = z.object({
  /** Also the `webhook-id` header: the same for every attempt, so receivers can drop repeats. */
  id: idSchema,
  endpointId: idSchema,
  eventId: z.uuid(),
  eventSequence: z.number().int(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attemptCount: z.number().int().min(0),
  nextAttemptAt: timestampSchema.nullable(),
  lastAttemptAt: timestampSchema.nullable(),
  lastStatusCode: z.number().int().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  /** Oldest first; the 50 latest. */
  attempts: z.array(deliveryAttemptSchema),
});

export const webhookDeliveryPageSchema = pageOf(webhookDeliverySchema);

export type CreateWebhookInput = z.output<typeof createWebhookInput>;
export type UpdateWebhookInput = z.output<typeof updateWebhookInput>;
export type WebhookPatch = UpdateWebhookInput['patch'];
export type ListWebhooksInput = z.output<typeof listWebhooksInput>;
export type ListDeliveriesInput = z.output<typeof listDeliveriesInput>;
export type RecoverInput = z.output<typeof recoverInput>;
export type WebhookEndpointDto = z.output<typeof webhookEndpointSchema>;
export type WebhookDeliveryDto = z.output<typeof webhookDeliverySchema>;
export type DeliveryAttemptDto = z.output<typeof deliveryAttemptSchema>;

export const getWebhookSecretInput = z.object({ id: idSchema });

/**
 * An endpoint's signing secrets, read again (`webhooks.getSecret`): the current one, and the one
 * before the last rotation while it still signs deliveries (null otherwise, with its expiry).
 */
export const webhookSecretSchema = z.object({
  endpointId: idSchema,
  secret: z.string(),
  previousSecret: z.string().nullable(),
  previousSecretExpiresAt: timestampSchema.nullable(),
});

export type WebhookSecretDto = z.output<typeof webhookSecretSchema>;
