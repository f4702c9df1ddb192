import type { AuditedChange } from '@takst/contract';
import type { EntityManager, EventSubscriber, TransactionEventArgs } from '@takst/db';
import type { Changes } from '../audit/record';
import { sql } from '../bulk/sql';
import { uuidv7 } from '../lib/uuid';
import type { Actor } from '../platform';
import { EVENT_DATA_SQL, eventDataKey, loadEventData } from './loaders';
import { eventTypeOf } from './types';

export type EventIntent = AuditedChange & {
  entityId: string;
  changes: Changes;
  reason: string | null;
  actor: Actor;
  requestId: string;
  occurredAt: Date;
  /**
   * The audit entry of the same change, written in the same transaction before it commits: the
   * event is given its changes from there rather than sending them to the database twice.
   */
  auditId?: string;
};

/**
 * The DTO of an event's entity where PostgreSQL builds it (`EVENT_DATA_SQL`): a lookup by primary
 * key per event, made only for the event's own entity type. (Joining the events to all the
 * built DTOs at once planned as a nested loop over both lists: 1,500 events took ~170 ms.)
 * `offset 0` keeps each lateral subquery a lookup per event: without it the planner may flatten
 * it into a hash join, reckoning json_to_recordset at 100 rows, and read a whole table (all
 * assignments or parties) for every write, a cost that grew with the table in the soak.
 */
const BUILT_DATA = Object.entries(EVENT_DATA_SQL).map(([type, select], i) => ({
  join: `left join lateral (${select('e.entity_id')} and e.entity_type = '${type}' offset 0) built_${i} on true`,
  column: `built_${i}.data`,
}));

/**
 * Numbers and writes a transaction's events in one statement; parameters: the count twice, then
 * the rows as JSON. The counter row stays locked until commit, so the numbers follow commit order.
 */
const INSERT_EVENTS = `with reserved as (
     update event_counter set last_sequence = last_sequence + ? returning last_sequence - ? as base),
   e as (
     select * from rows from (json_to_recordset(?::json) as (id uuid, type text, entity_type text, entity_id uuid,
       data jsonb, changes jsonb, audit_id uuid, reason text, actor_id uuid, actor_name text, user_id uuid,
       user_name text, request_id text, occurred_at timestamptz))
     with ordinality as e(id, type, entity_type, entity_id, data, changes, audit_id, reason, actor_id, actor_name,
       user_id, user_name, request_id, occurred_at, n))
   insert into events (sequence, id, type, entity_type, entity_id, data, changes, reason, actor_id, actor_name,
     user_id, user_name, request_id, occurred_at)
   select reserved.base + e.n, e.id, e.type, e.entity_type, e.entity_id,
     coalesce(${BUILT_DATA.map((built) => built.column).join(', ')}, e.data, '{}'),
     coalesce(e.changes, audit.changes, '{}'), e.reason, e.actor_id, e.actor_name, e.user_id, e.user_name,
     e.request_id, e.occurred_at
   from reserved, e
     ${BUILT_DATA.map((built) => built.join).join('\n')}
     left join audit_log audit on audit.id = e.audit_id
   order by e.n`;

// What each open transaction has changed, keyed by the EntityManager the transaction runs on.
const intents = new WeakMap<EntityManager, EventIntent[]>();

/** Notes that a change happened in `tx`; its event is written when the transaction commits. */
export function queueEvent(tx: EntityManager, intent: EventIntent): void {
  const queued = intents.get(tx);
  if (queued) queued.push(intent);
  else intents.set(tx, [intent]);
}

/**
 * Hands the events queued in a nested transaction (a savepoint) to its parent once the savepoint
 * is released: only the outermost transaction's commit runs the publisher.
 */
export function adoptQueuedEvents(parent: EntityManager, child: EntityManager): void {
  const queued = intents.get(child);
  if (!queued?.length) return;
  intents.delete(child);
  for (const intent of queued) queueEvent(parent, intent);
}

/**
 * Writes the queued events of a transaction just before it commits, inside it: each with the
 * DTO of its entity as the transaction leaves it. The change and its events commit together or
 * not at all; a transaction that rolls back never reaches this hook. The events are numbered and
 * written with one statement, in the order they were queued, however many a transaction holds;
 * PostgreSQL builds the DTOs of the types a bulk write makes by the hundred in that statement.
 */
export class EventPublisher implements EventSubscriber {
  async beforeTransactionCommit(args: TransactionEventArgs): Promise<void> {
    const em = args.em as unknown as EntityManager;
    const queued = intents.get(em);
    if (!queued?.length) return;
    intents.delete(em);
    const data = await loadEventData(em, queued);
    const rows = queued.map((intent) => ({
      id: uuidv7(),
      type: eventTypeOf(intent.entityType, intent.action),
      entity_type: intent.entityType,
      entity_id: intent.entityId,
      data: data.get(eventDataKey(intent.entityType, intent.entityId)) ?? null,
      changes: intent.auditId ? null : intent.changes,
      audit_id: intent.auditId ?? null,
      reason: intent.reason,
      actor_id: intent.actor.clientId,
      actor_name: intent.actor.name,
      user_id: intent.actor.user?.id ?? null,
      user_name: intent.actor.user?.name ?? null,
      request_id: intent.requestId,
      occurred_at: intent.occurredAt.toISOString(),
    }));
    await sql(em, INSERT_EVENTS, [rows.length, rows.length, JSON.stringify(rows)], args.transaction);
  }
}
