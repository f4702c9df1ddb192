import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * A receiver of webhooks. The secrets sign deliveries, so the server must read them back: they
 * are stored sealed with the server's key (`v1:<key id>:…`, AES-256-GCM, see
 * packages/api/src/lib/secret-box.ts), or plain `whsec_…` in a row from before encryption until
 * the next start-up seals it. They leave the server only in the answers to create, rotate and
 * getSecret, and never enter the audit log. Deliveries and attempts are read and written with SQL
 * (apps/server/src/webhooks), not entities.
 */
export const WebhookEndpointEntity = defineEntity({
  name: 'WebhookEndpoint',
  tableName: 'webhook_endpoints',
  properties: {
    id: p.uuid().primary(),
    url: p.text(),
    eventTypes: p.array(),
    enabled: p.boolean(),
    /** Sealed; open it with the SecretBox of the server's TAKST_SECRETS_KEY. */
    secret: p.text(),
    /** Sealed like `secret`; signs too until `previousSecretExpiresAt`. */
    previousSecret: p.text().nullable(),
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
