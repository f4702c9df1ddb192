import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A receiver of webhooks. The secrets sign deliveries, so they are stored as they are; they never
 * leave the server except in the answer to create and rotate, and never enter the audit log.
 * Deliveries and attempts are read and written with SQL (apps/server/src/webhooks), not entities.
 */
export const WebhookEndpointEntity = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    id: p.uuid().primary(),
    url: p.text(),
    eventTypes: p.array(),
    enabled: p.boolean(),
    secret: p.string(),
    previousSecret: p.string().nullable(),
    previousSecretExpiresAt: p.datetime(3).nullable(),
    disabledReason: p.string().nullable(),
    disabledAt: p.datetime(3).nullable(),
    failingSince: p.datetime(3).nullable(),
    /** The endpoint receives events after this sequence: those committed after it was created. */
    fromSequence: p.bigint('number'),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type WebhookEndpoint = InferEntity<typeof WebhookEndpointEntity>;
