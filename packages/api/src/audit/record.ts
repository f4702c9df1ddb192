import type { AuditedChange } from '@takst/contract';
import { AuditEntryEntity, type EntityManager } from '@takst/db';
import { queueEvent } from '../events/publisher';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';

/** A plain copy of an entity's fields, as they are compared and stored in the audit log. */
export type Snapshot = Record<string, unknown>;
export type Changes = Record<string, { from: unknown; to: unknown }>;

// Bookkeeping that changes on every write and says nothing about what changed.
const IGNORED = new Set(['updatedAt', 'createdAt', 'version']);

function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

export function snapshot(entity: object): Snapshot {
  const copy: Snapshot = {};
  for (const [key, value] of Object.entries(entity)) {
    if (!IGNORED.has(key) && typeof value !== 'function') copy[key] = plain(value);
  }
  return copy;
}

/** JSON with object keys in one order: PostgreSQL's jsonb hands keys back in an order of its own. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/** Field by field: what was, what is. JSON values (lists, documents) compare by content. */
export function diff(before: Snapshot | null, after: Snapshot | null): Changes {
  const changes: Changes = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    const from = before?.[key] ?? null;
    const to = after?.[key] ?? null;
    if (stableJson(from) !== stableJson(to)) changes[key] = { from, to };
  }
  return changes;
}

/** What changed; `entityType` and `action` only as a pair the event catalogue lists. */
export type AuditInput = AuditedChange & {
  entityId: string;
  before: Snapshot | null;
  after: Snapshot | null;
  /** Why, where the caller gave a reason (status changes); it travels with the event. */
  reason?: string | null;
};

/**
 * Queues an audit entry on `tx`; it is written by the same flush, in the same transaction, as
 * the change it describes, so a change never lands without its entry or the other way round.
 */
export function recordAudit(tx: EntityManager, ctx: Pick<ServiceContext, 'actor' | 'requestId'>, input: AuditInput) {
  const changes = diff(input.before, input.after);
  const occurredAt = new Date();
  tx.create(AuditEntryEntity, {
    id: uuidv7(),
    entityType: input.entityType,
    entityId: input.entityId,
    action: input.action,
    actorId: ctx.actor.clientId,
    actorName: ctx.actor.name,
    userId: ctx.actor.user?.id ?? null,
    userName: ctx.actor.user?.name ?? null,
    requestId: ctx.requestId,
    changes,
    occurredAt,
  });
  // Every audited change is also an event, written when the transaction commits.
  queueEvent(tx, {
    ...input,
    reason: input.reason ?? null,
    changes,
    actor: ctx.actor,
    requestId: ctx.requestId,
    occurredAt,
  });
}
