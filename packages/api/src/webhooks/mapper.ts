import type {
  DeliveryAttemptDto,
  WebhookDeliveryDto,
  WebhookDeliveryStatus,
  WebhookDisabledReason,
  WebhookEndpointDto,
} from '@takst/contract';
import type { WebhookEndpoint } from '@takst/db';

type Timestamp = Date | string;

/** An endpoint entity or a read-model row of one; never its secrets. */
export interface WebhookEndpointRecord {
  id: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null | undefined;
  disabledAt: Timestamp | null | undefined;
  failingSince: Timestamp | null | undefined;
  previousSecretExpiresAt: Timestamp | null | undefined;
  version: number;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

const iso = (value: Timestamp) => (typeof value === 'string' ? value : value.toISOString());
const isoOrNull = (value: Timestamp | null | undefined) => (value == null ? null : iso(value));

export function toWebhookEndpointDto(e: WebhookEndpointRecord | WebhookEndpoint): WebhookEndpointDto {
  return {
    id: e.id,
    url: e.url,
    eventTypes: [...e.eventTypes],
    enabled: e.enabled,
    disabledReason: (e.disabledReason ?? null) as WebhookDisabledReason | null,
    disabledAt: isoOrNull(e.disabledAt),
    failingSince: isoOrNull(e.failingSince),
    previousSecretExpiresAt: isoOrNull(e.previousSecretExpiresAt),
    version: e.version,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

/** A delivery as the read model selects it (timestamps already ISO strings). */
export interface WebhookDeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  eventSequence: string | number;
  eventType: string;
  status: string;
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  createdAt: string;
  updatedAt: string;
  attempts: DeliveryAttemptDto[];
}

export function toWebhookDeliveryDto(d: WebhookDeliveryRow): WebhookDeliveryDto {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventSequence: Number(d.eventSequence),
    eventType: d.eventType,
    status: d.status as WebhookDeliveryStatus,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt,
    lastAttemptAt: d.lastAttemptAt,
    lastStatusCode: d.lastStatusCode,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    attempts: d.attempts,
  };
}
