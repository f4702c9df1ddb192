import type { ListDeliveriesInput, ListWebhooksInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { z } from 'zod';
import { DomainError } from '../errors';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { ISO_MS, selectRows } from '../lib/read-model';
import type { WebhookDeliveryRow, WebhookEndpointRecord } from './mapper';

const iso = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_MS})`;

// Spelled out rather than made from the entity's metadata: the secrets must never be selected.
const ENDPOINT_COLUMNS = `w.id, w.url, w.event_types as "eventTypes", w.enabled, w.disabled_reason as "disabledReason",
  ${iso('w.disabled_at')} as "disabledAt", ${iso('w.failing_since')} as "failingSince",
  ${iso('w.previous_secret_expires_at')} as "previousSecretExpiresAt", w.version,
  ${iso('w.created_at')} as "createdAt", ${iso('w.updated_at')} as "updatedAt"`;

export type WebhookEndpointRow = WebhookEndpointRecord & { createdAt: string; updatedAt: string };

export async function findEndpointRow(em: EntityManager, id: string): Promise<WebhookEndpointRow | undefined> {
  const rows = await selectRows<WebhookEndpointRow>(
    em,
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints w where w.id = ?`,
    [id],
  );
  return rows[0];
}

/** Newest first, keyset-paginated on (created_at desc, id desc). */
export async function listEndpointRows(
  em: EntityManager,
  input: ListWebhooksInput,
): Promise<{ items: WebhookEndpointRow[]; nextCursor: string | null }> {
  const after = input.cursor ? decodeCursor(input.cursor) : undefined;
  const where = after ? 'where (w.created_at, w.id) < (?, ?)' : '';
  const rows = await selectRows<WebhookEndpointRow>(
    em,
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints w ${where} order by w.created_at desc, w.id desc limit ?`,
    [...(after ? [after.at, after.id] : []), input.limit + 1],
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null;
  return { items, nextCursor };
}

const MAX_ATTEMPTS_SHOWN = 50;

const DELIVERY_COLUMNS = `d.id, d.endpoint_id as "endpointId", e.id as "eventId", d.event_sequence as "eventSequence",
  d.event_type as "eventType", d.status, d.attempt_count as "attemptCount",
  ${iso('d.next_attempt_at')} as "nextAttemptAt", ${iso('d.last_attempt_at')} as "lastAttemptAt",
  d.last_status_code as "lastStatusCode", ${iso('d.created_at')} as "createdAt", ${iso('d.updated_at')} as "updatedAt",
  coalesce((
    select json_agg(a order by a.number) from (
      select number, ${iso('attempted_at')} as "attemptedAt", status_code as "statusCode", duration_ms as "durationMs",
        response_body as response, error
      from webhook_attempts where delivery_id = d.id order by number desc limit ${MAX_ATTEMPTS_SHOWN}
    ) a
  ), '[]') as attempts`;

export async function findDeliveryRow(em: EntityManager, id: string): Promise<WebhookDeliveryRow | undefined> {
  const rows = await selectRows<WebhookDeliveryRow>(
    em,
    `select ${DELIVERY_COLUMNS} from webhook_deliveries d join events e on e.sequence = d.event_sequence where d.id = ?`,
    [id],
  );
  return rows[0];
}

// Deliveries page by event sequence (unique per endpoint), not by creation time: a recovery
// creates deliveries for old events, and they belong where their events are.
const deliveryCursorSchema = z.tuple([z.literal('d'), z.number().int().positive()]);

const encodeDeliveryCursor = (sequence: number) => Buffer.from(JSON.stringify(['d', sequence])).toString('base64url');

function decodeDeliveryCursor(cursor: string): number {
  try {
    return deliveryCursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))[1];
  } catch {
    throw new DomainError('BAD_REQUEST', 'INVALID_CURSOR', 'The cursor is not one this API returned for this query');
  }
}

/** An endpoint's deliveries, newest event first, keyset-paginated on the event sequence. */
export async function listDeliveryRows(
  em: EntityManager,
  input: ListDeliveriesInput,
): Promise<{ items: WebhookDeliveryRow[]; nextCursor: string | null }> {
  const conditions = ['d.endpoint_id = ?'];
  const params: unknown[] = [input.endpointId];
  if (input.status) {
    conditions.push('d.status = ?');
    params.push(input.status);
  }
  if (input.cursor) {
    conditions.push('d.event_sequence < ?');
    params.push(decodeDeliveryCursor(input.cursor));
  }
  const rows = await selectRows<WebhookDeliveryRow>(
    em,
    `select ${DELIVERY_COLUMNS} from webhook_deliveries d join events e on e.sequence = d.event_sequence
     where ${conditions.join(' and ')} order by d.event_sequence desc limit ?`,
    [...params, input.limit + 1],
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > input.limit && last ? encodeDeliveryCursor(Number(last.eventSequence)) : null;
  return { items, nextCursor };
}
