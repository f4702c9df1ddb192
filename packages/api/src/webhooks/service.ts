import type { CreateWebhookInput, RecoverInput, UpdateWebhookInput, WebhookPatch } from '@takst/contract';
import { type EntityManager, OptimisticLockError, type WebhookEndpoint, WebhookEndpointEntity } from '@takst/db';
import { recordAudit, type Snapshot } from '../audit/record';
import { DomainError, notFound, versionConflict } from '../errors';
import type { Logger } from '../lib/logger';
import { selectRows } from '../lib/read-model';
import { type SecretBox, SecretUnreadableError } from '../lib/secret-box';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { allowedAddresses, UrlRefusedError } from './address';
import { REQUEUE_CHANNEL } from './channels';
import { ENDPOINT_WANTS_EVENT_SQL } from './event-filter';
import { findDeliveryRow, findEndpointRow, type WebhookEndpointRow } from './read-model';
import { redactWebhookUrl } from './redact';
import { generateWebhookSecret, PREVIOUS_SECRET_GRACE_MS } from './secret';
import { type OpenedSecrets, openWebhookSecrets, sealedForStorage } from './secret-storage';
import { privateUrlPolicyOf, secretBoxOf } from './settings';

const ENTITY_TYPE = 'webhook_endpoint';

export const webhookNotFound = (id: string) => notFound('WEBHOOK_NOT_FOUND', `No webhook endpoint with id ${id}`);
const deliveryNotFound = (id: string) => notFound('DELIVERY_NOT_FOUND', `No webhook delivery with id ${id}`);
const endpointDisabled = (id: string) =>
  new DomainError('CONFLICT', 'CONFLICT', `Webhook endpoint ${id} is disabled; enable it before sending to it again`);

export interface WebhookWithSecret {
  endpoint: WebhookEndpoint;
  /** The plain secret, for the answer; the endpoint holds it sealed. */
  secret: string;
}

/**
 * What the audit log (and so the event log) keeps of an endpoint: never a secret, and the URL only
 * redacted, since those logs are read without `webhooks:manage`.
 */
function auditSnapshot(endpoint: WebhookEndpoint): Snapshot {
  return {
    url: redactWebhookUrl(endpoint.url),
    eventTypes: [...endpoint.eventTypes],
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason ?? null,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null,
  };
}

async function assertUrlAllowed(em: EntityManager, url: string): Promise<void> {
  try {
    await allowedAddresses(new URL(url), privateUrlPolicyOf(em));
  } catch (error) {
    if (error instanceof UrlRefusedError) {
      throw new DomainError('BAD_REQUEST', 'WEBHOOK_URL_REFUSED', `Webhook URL refused: ${error.message}`);
    }
    throw error;
  }
}

async function execute<Row>(tx: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  return selectRows<Row>(tx, sql, params);
}

/**
 * The sequence of the last committed event, read under the event counter's lock: no other event
 * can commit until this transaction does, so every event after it is visible to a dispatcher
 * together with this endpoint.
 */
async function lockEventSequence(tx: EntityManager): Promise<number> {
  const [row] = await execute<{ last: string }>(tx, 'select last_sequence as last from event_counter for update', []);
  return Number(row?.last ?? 0);
}

export async function createWebhook(ctx: ServiceContext, input: CreateWebhookInput): Promise<WebhookWithSecret> {
  await assertUrlAllowed(ctx.em, input.url);
  const secret = generateWebhookSecret();
  const sealed = secretBoxOf(ctx.em).seal(secret);
  const endpoint = await inTransaction(ctx.em, async (tx) => {
    const now = new Date();
    const created = tx.create(WebhookEndpointEntity, {
      id: uuidv7(now.getTime()),
      url: input.url,
      eventTypes: input.eventTypes,
      enabled: input.enabled,
      secret: sealed,
      previousSecret: null,
      previousSecretExpiresAt: null,
      disabledReason: input.enabled ? null : 'disabled_by_client',
      disabledAt: input.enabled ? null : now,
      failingSince: null,
      fromSequence: await lockEventSequence(tx),
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    recordAudit(tx, ctx, {
      entityType: ENTITY_TYPE,
      entityId: created.id,
      action: 'created',
      before: null,
      after: auditSnapshot(created),
    });
    await tx.flush();
    return created;
  });
  return { endpoint, secret };
}

export async function getWebhook(em: EntityManager, id: string): Promise<WebhookEndpointRow> {
  const row = await findEndpointRow(em, id);
  if (!row) throw webhookNotFound(id);
  return row;
}

async function loadEndpoint(em: EntityManager, id: string): Promise<WebhookEndpoint> {
  const endpoint = await em.findOne(WebhookEndpointEntity, { id });
  if (!endpoint) throw webhookNotFound(id);
  return endpoint;
}

const sameTypes = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((type, i) => type === b[i]);

/** The fields the patch really changes; enabling clears why it was disabled, disabling records it. */
function changedFields(endpoint: WebhookEndpoint, patch: WebhookPatch, now: Date): Partial<WebhookEndpoint> {
  const changed: Partial<WebhookEndpoint> = {};
  if (patch.url !== undefined && patch.url !== endpoint.url) changed.url = patch.url;
  if (patch.eventTypes !== undefined && !sameTypes(patch.eventTypes, [...endpoint.eventTypes].sort())) {
    changed.eventTypes = patch.eventTypes;
  }
  if (patch.enabled !== undefined && patch.enabled !== endpoint.enabled) {
    Object.assign(
      changed,
      patch.enabled
        ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }
        : { enabled: false, disabledReason: 'disabled_by_client', disabledAt: now },
    );
  }
  return changed;
}

async function currentVersionOf(em: EntityManager, id: string): Promise<number> {
  const current = await em.fork().findOne(WebhookEndpointEntity, { id }, { fields: ['version'] });
  return current?.version ?? 0;
}

/** Applies the patch at the version the caller read; a new URL is checked like on create. */
export async function updateWebhook(ctx: ServiceContext, input: UpdateWebhookInput): Promise<WebhookEndpoint> {
  if (input.patch.url !== undefined) await assertUrlAllowed(ctx.em, input.patch.url);
  const conflict = (current: number) => versionConflict(`Webhook endpoint ${input.id}`, current, input.expectedVersion);
  try {
    return await inTransaction(ctx.em, async (tx) => {
      const endpoint = await loadEndpoint(tx, input.id);
      if (endpoint.version !== input.expectedVersion) throw conflict(endpoint.version);
      const now = new Date();
      const changed = changedFields(endpoint, input.patch, now);
      if (Object.keys(changed).length === 0) return endpoint;
      const before = auditSnapshot(endpoint);
      tx.assign(endpoint, { ...changed, updatedAt: now });
      recordAudit(tx, ctx, {
        entityType: ENTITY_TYPE,
        entityId: endpoint.id,
        action: 'updated',
        before,
        after: auditSnapshot(endpoint),
      });
      await tx.flush();
      return endpoint;
    });
  } catch (error) {
    if (error instanceof OptimisticLockError) throw conflict(await currentVersionOf(ctx.em, input.id));
    throw error;
  }
}

/** Deletes the endpoint with its deliveries and their attempts; queued jobs for them find nothing to do. */
export async function deleteWebhook(ctx: ServiceContext, id: string): Promise<void> {
  await inTransaction(ctx.em, async (tx) => {
    // The delivery worker locks a delivery, then its endpoint (recording an attempt and the
    // endpoint's health). Locking the deliveries first keeps that order, so a delete while an
    // attempt is being recorded waits for it instead of deadlocking with it.
    await execute(tx, 'select 1 from webhook_deliveries where endpoint_id = ? order by id for update', [id]);
    const endpoint = await loadEndpoint(tx, id);
    recordAudit(tx, ctx, {
      entityType: ENTITY_TYPE,
      entityId: id,
      action: 'deleted',
      before: auditSnapshot(endpoint),
      after: null,
    });
    tx.remove(endpoint);
    await tx.flush();
  });
}

/**
 * The old secret as the previous slot keeps it: sealed (a plain one from before encryption is
 * sealed on the way). One that no key of this server opens (its key was lost) could sign
 * nothing, and would hold up every delivery for the grace period, so it is dropped: rotating is
 * how an endpoint recovers from a lost key.
 */
function stillSigning(box: SecretBox, stored: string): string | null {
  try {
    box.open(stored);
  } catch (error) {
    if (error instanceof SecretUnreadableError) return null;
    throw error;
  }
  return sealedForStorage(box, stored);
}

/** A new secret; the old one keeps signing too (a second signature) for 24 hours. */
export async function rotateWebhookSecret(ctx: ServiceContext, id: string): Promise<WebhookWithSecret> {
  const box = secretBoxOf(ctx.em);
  const secret = generateWebhookSecret();
  const endpoint = await inTransaction(ctx.em, async (tx) => {
    const current = await loadEndpoint(tx, id);
    const before = auditSnapshot(current);
    const now = new Date();
    const previous = stillSigning(box, current.secret);
    tx.assign(current, {
      previousSecret: previous,
      previousSecretExpiresAt: previous === null ? null : new Date(now.getTime() + PREVIOUS_SECRET_GRACE_MS),
      secret: box.seal(secret),
      updatedAt: now,
    });
    recordAudit(tx, ctx, {
      entityType: ENTITY_TYPE,
      entityId: id,
      action: 'secret_rotated',
      before,
      after: auditSnapshot(current),
    });
    await tx.flush();
    return current;
  });
  return { endpoint, secret };
}

/**
 * The endpoint's secrets, opened, for a caller who lost them (an answer that never arrived, a
 * receiver set up again). Reading one is logged, not audited: audit entries become events, and a
 * read changes nothing.
 */
export async function getWebhookSecret(ctx: ServiceContext & { logger: Logger }, id: string): Promise<OpenedSecrets> {
  const secrets = await openWebhookSecrets(ctx.em, id);
  if (!secrets) throw webhookNotFound(id);
  ctx.logger.info(
    {
      endpointId: id,
      actor: { clientId: ctx.actor.clientId, userId: ctx.actor.user?.id ?? null },
      requestId: ctx.requestId,
    },
    'webhook secret read',
  );
  return secrets;
}

/** Wakes the dispatchers when the transaction commits; the periodic poll is the fallback. */
async function notifyDispatchers(tx: EntityManager): Promise<void> {
  await execute(tx, `select pg_notify('${REQUEUE_CHANNEL}', '')`, []);
}

// A requeued delivery starts the retry schedule over, from now.
const REQUEUE = `status = 'pending', round_attempts = 0, next_attempt_at = now(), wants_job = true, updated_at = now()`;

export async function redeliver(ctx: ServiceContext, deliveryId: string) {
  await inTransaction(ctx.em, async (tx) => {
    const [delivery] = await execute<{ endpointId: string; enabled: boolean }>(
      tx,
      `select d.endpoint_id as "endpointId", w.enabled from webhook_deliveries d
       join webhook_endpoints w on w.id = d.endpoint_id where d.id = ? for update of d`,
      [deliveryId],
    );
    if (!delivery) throw deliveryNotFound(deliveryId);
    if (!delivery.enabled) throw endpointDisabled(delivery.endpointId);
    await execute(tx, `update webhook_deliveries set ${REQUEUE} where id = ?`, [deliveryId]);
    await notifyDispatchers(tx);
    recordAudit(tx, ctx, {
      entityType: ENTITY_TYPE,
      entityId: delivery.endpointId,
      action: 'redelivery_requested',
      before: null,
      after: { deliveryId },
    });
    await tx.flush();
  });
  const row = await findDeliveryRow(ctx.em, deliveryId);
  if (!row) throw deliveryNotFound(deliveryId);
  return row;
}

/**
 * Queues every event since `since` that the endpoint's filter matches (and that came after the
 * endpoint was created): deliveries that exist start over, missing ones (events from while the
 * endpoint was disabled) are created. Receivers drop repeats by `webhook-id`.
 */
export async function recover(ctx: ServiceContext, input: RecoverInput): Promise<{ queued: number }> {
  return inTransaction(ctx.em, async (tx) => {
    const endpoint = await loadEndpoint(tx, input.endpointId);
    if (!endpoint.enabled) throw endpointDisabled(endpoint.id);
    const [counts] = await execute<{ queued: string }>(
      tx,
      `with matching as (
         select e.sequence, e.type from events e, webhook_endpoints w
         where w.id = ? and e.sequence > w.from_sequence and e.occurred_at >= ?
           and ${ENDPOINT_WANTS_EVENT_SQL}
       ), created as (
         insert into webhook_deliveries (id, endpoint_id, event_sequence, event_type, status, next_attempt_at, wants_job,
           created_at, updated_at)
         select webhook_uuidv7(), ?, m.sequence, m.type, 'pending', now(), true, now(), now() from matching m
         on conflict (endpoint_id, event_sequence) do nothing
         returning 1
       ), requeued as (
         update webhook_deliveries d set ${REQUEUE}
         from matching m where d.endpoint_id = ? and d.event_sequence = m.sequence
         returning 1
       )
       select (select count(*) from created) + (select count(*) from requeued) as queued`,
      [endpoint.id, input.since, endpoint.id, endpoint.id],
    );
    await notifyDispatchers(tx);
    recordAudit(tx, ctx, {
      entityType: ENTITY_TYPE,
      entityId: endpoint.id,
      action: 'recovery_requested',
      before: null,
      after: { since: input.since },
    });
    await tx.flush();
    return { queued: Number(counts?.queued ?? 0) };
  });
}
