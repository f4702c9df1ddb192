import type { EventDto, EventPage, ListEventsInput } from '@takst/contract';
import { eventTypesOfPattern } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { ISO_MS, placeholders, selectRows } from '../lib/read-model';

interface EventRow {
  // bigint: pg hands it over as a string.
  sequence: string;
  id: string;
  type: string;
  entityType: string;
  entityId: string;
  data: unknown;
  changes: EventDto['changes'];
  reason: string | null;
  actorId: string | null;
  actorName: string;
  userId: string | null;
  userName: string | null;
  requestId: string | null;
  occurredAt: string;
}

export interface EventQuery {
  /** Events after this sequence. */
  after: number;
  types?: readonly string[] | undefined;
  entityId?: string | undefined;
  limit: number;
}

// The type, the entity type and the data go together as the catalogue says: the publisher
// writes an event only under a catalogued type, with the DTO of that type's entity.
function toEventDto(row: EventRow): EventDto {
  return {
    sequence: Number(row.sequence),
    id: row.id,
    type: row.type,
    entityType: row.entityType,
    entityId: row.entityId,
    data: row.data,
    changes: row.changes,
    reason: row.reason,
    actor: { id: row.actorId, name: row.actorName },
    user: row.userId === null ? null : { id: row.userId, name: row.userName ?? '' },
    requestId: row.requestId,
    occurredAt: row.occurredAt,
  } as EventDto;
}

/**
 * Events after a sequence, in sequence order. Sequences are handed out in commit order, so the
 * committed events always form an unbroken prefix of the log: reading `sequence > n` never
 * skips one that commits later.
 */
export async function readEvents(em: EntityManager, query: EventQuery): Promise<EventDto[]> {
  const conditions = ['sequence > ?'];
  const params: unknown[] = [query.after];
  if (query.types?.length) {
    // `<entity>.*` stands for the entity's event types; those are few, so they are listed.
    const types = [...new Set(query.types.flatMap(eventTypesOfPattern))];
    conditions.push(`type in (${placeholders(types)})`);
    params.push(...types);
  }
  if (query.entityId) {
    conditions.push('entity_id = ?');
    params.push(query.entityId);
  }
  params.push(query.limit);
  const rows = await selectRows<EventRow>(
    em,
    `select sequence, id, type, entity_type as "entityType", entity_id as "entityId", data, changes, reason,
       actor_id as "actorId", actor_name as "actorName", user_id as "userId", user_name as "userName",
       request_id as "requestId", to_char(occurred_at at time zone 'UTC', ${ISO_MS}) as "occurredAt"
     from events where ${conditions.join(' and ')}
     order by sequence limit ?`,
    params,
  );
  return rows.map(toEventDto);
}

export async function listEvents(em: EntityManager, input: ListEventsInput): Promise<EventPage> {
  const rows = await readEvents(em, { ...input, after: input.after ?? 0, limit: input.limit + 1 });
  const items = rows.slice(0, input.limit);
  const hasMore = rows.length > input.limit;
  return { items, nextAfter: hasMore ? (items.at(-1)?.sequence ?? null) : null };
}

/** The sequence of the newest committed event, 0 when there is none. */
export async function latestSequence(em: EntityManager): Promise<number> {
  const [row] = await selectRows<{ latest: string }>(em, 'select coalesce(max(sequence), 0) as latest from events', []);
  return Number(row?.latest ?? 0);
}
