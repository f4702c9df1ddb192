import { uuidv7 } from '@takst/api';
import type { Queryable } from './queue';

export type DisabledReason = 'endpoint_gone' | 'failing';

const REASONS: Record<DisabledReason, string> = {
  endpoint_gone: 'The endpoint answered 410 Gone',
  failing: 'Every attempt to deliver to the endpoint failed for 5 days',
};

const ACTOR_NAME = 'webhook delivery worker';

/** A success ends a failing streak. */
export async function recordSuccess(db: Queryable, endpointId: string): Promise<void> {
  await db.query('update webhook_endpoints set failing_since = null where id = $1 and failing_since is not null', [
    endpointId,
  ]);
}

/** Starts a failing streak unless one runs already; returns since when the endpoint has been failing. */
export async function recordFailure(db: Queryable, endpointId: string, now: Date): Promise<Date | null> {
  const result = await db.query<{ since: Date | null }>(
    `update webhook_endpoints set failing_since = coalesce(failing_since, $2) where id = $1 and enabled
     returning failing_since as since`,
    [endpointId, now],
  );
  return result.rows[0]?.since ?? null;
}

/**
 * Disables the endpoint, bumping its version (a client's update at the old version conflicts),
 * and records it like any change: an audit entry and a `webhook_endpoint.disabled` event.
 */
export async function disableEndpoint(db: Queryable, endpointId: string, reason: DisabledReason, now: Date) {
  const disabled = await db.query(
    `update webhook_endpoints set enabled = false, disabled_reason = $2, disabled_at = $3, version = version + 1,
       updated_at = $3
     where id = $1 and enabled`,
    [endpointId, reason, now],
  );
  if (disabled.rowCount === 0) return;
  const changes = JSON.stringify({
    enabled: { from: true, to: false },
    disabledReason: { from: null, to: reason },
  });
  await db.query(
    `insert into audit_log (id, entity_type, entity_id, action, actor_id, actor_name, request_id, changes, occurred_at)
     values ($1, 'webhook_endpoint', $2, 'disabled', null, $3, null, $4::jsonb, $5)`,
    [uuidv7(), endpointId, ACTOR_NAME, changes, now],
  );
  await db.query(
    `insert into events (id, type, entity_type, entity_id, data, changes, reason, actor_id, actor_name, request_id,
       occurred_at)
     values ($1, 'webhook_endpoint.disabled', 'webhook_endpoint', $2, '{}'::jsonb, $3::jsonb, $4, null, $5, null, $6)`,
    [uuidv7(), endpointId, changes, REASONS[reason], ACTOR_NAME, now],
  );
}
