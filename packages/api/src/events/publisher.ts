import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@takst/db';
import type { Changes } from '../audit/record';
import { uuidv7 } from '../lib/uuid';
import type { Actor } from '../platform';
import { EVENT_DATA_LOADERS } from './loaders';
import { eventTypeOf } from './types';

export interface EventIntent {
  entityType: string;
  entityId: string;
  action: string;
  changes: Changes;
  reason: string | null;
  actor: Actor;
  requestId: string;
  occurredAt: Date;
}

// What each open transaction has changed, keyed by the EntityManager the transaction runs on.
const intents = new WeakMap<EntityManager, EventIntent[]>();

/** Notes that a change happened in `tx`; its event is written when the transaction commits. */
export function queueEvent(tx: EntityManager, intent: EventIntent): void {
  const queued = intents.get(tx);
  if (queued) queued.push(intent);
  else intents.set(tx, [intent]);
}

/**
 * Writes the queued events of a transaction just before it commits, inside it: each with the
 * DTO of its entity as the transaction leaves it. The change and its events commit together or
 * not at all; a transaction that rolls back never reaches this hook.
 */
export class EventPublisher implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const em = args.em as unknown as EntityManager;
    const queued = intents.get(em);
    if (!queued?.length) return;
    intents.delete(em);
    const connection = em.getConnection();
    for (const intent of queued) {
      const load = EVENT_DATA_LOADERS[intent.entityType];
      const data = load ? await load(em, intent.entityId) : null;
      await connection.execute(
        `insert into events (id, type, entity_type, entity_id, data, changes, reason, actor_id, actor_name, request_id,
           occurred_at) values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?)`,
        [
          uuidv7(),
          eventTypeOf(intent.entityType, intent.action),
          intent.entityType,
          intent.entityId,
          JSON.stringify(data ?? {}),
          JSON.stringify(intent.changes),
          intent.reason,
          intent.actor.clientId,
          intent.actor.name,
          intent.requestId,
          intent.occurredAt,
        ],
        'run',
        args.transaction,
      );
    }
  }
}
