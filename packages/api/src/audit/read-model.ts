import type { AuditEntryDto, ListAuditInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { decodeCursor, encodeCursor } from '../lib/cursor';
import { ISO_MS, selectRows } from '../lib/read-model';

interface AuditRow {
  id: string;
  entityType: string;
  entityId: string;
  action: string;
  actorId: string | null;
  actorName: string;
  userId: string | null;
  userName: string | null;
  requestId: string | null;
  changes: AuditEntryDto['changes'];
  occurredAt: string;
}

export async function listAuditEntries(
  em: EntityManager,
  input: ListAuditInput,
): Promise<{ items: AuditEntryDto[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    conditions.push(sql);
    params.push(value);
  };
  if (input.entityType) add('entity_type = ?', input.entityType);
  if (input.entityId) add('entity_id = ?', input.entityId);
  if (input.actorId) add('actor_id = ?', input.actorId);
  if (input.userId) add('user_id = ?', input.userId);
  if (input.since) add('occurred_at >= ?', input.since);
  if (input.cursor) {
    const after = decodeCursor(input.cursor);
    conditions.push('(occurred_at, id) < (?, ?)');
    params.push(after.at, after.id);
  }
  params.push(input.limit + 1);
  const rows = await selectRows<AuditRow>(
    em,
    `select id, entity_type as "entityType", entity_id as "entityId", action, actor_id as "actorId",
       actor_name as "actorName", user_id as "userId", user_name as "userName", request_id as "requestId", changes,
       to_char(occurred_at at time zone 'UTC', ${ISO_MS}) as "occurredAt"
     from audit_log ${conditions.length ? `where ${conditions.join(' and ')}` : ''}
     order by occurred_at desc, id desc limit ?`,
    params,
  );
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      id: row.id,
      entityType: row.entityType,
      entityId: row.entityId,
      action: row.action,
      actor: { id: row.actorId, name: row.actorName },
      user: row.userId === null ? null : { id: row.userId, name: row.userName ?? '' },
      requestId: row.requestId,
      changes: row.changes,
      occurredAt: row.occurredAt,
    })),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ at: last.occurredAt, id: last.id }) : null,
  };
}
