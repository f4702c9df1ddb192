import type { EntityManager } from '@takst/db';
import type { Changes } from '../audit/record';
import type { EventIntent } from '../events/publisher';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import type { ExistingAssignment, ScalarFields } from './existing';
import { actorParams, jsonRows, sql } from './sql';

/** An item that changes only the type, due date or notes of the assignment its key names. */
export interface UpdateCandidate {
  index: number;
  existing: ExistingAssignment;
  changes: Partial<ScalarFields>;
}

export interface UpdateOutcome {
  updated: Map<number, { id: string; reference: string }>;
  /** The events of the updates, for the caller to queue once the writes are sure to stay. */
  events: EventIntent[];
}

/** The audit changes `patchAssignmentIn` records: each changed field, from what it was to what it is. */
function changesOf({ existing, changes }: UpdateCandidate): Changes {
  const recorded: Changes = {};
  for (const [field, to] of Object.entries(changes)) {
    recorded[field] = { from: existing[field as keyof ScalarFields], to };
  }
  return recorded;
}

const nextValue = <K extends keyof ScalarFields>(candidate: UpdateCandidate, field: K): ScalarFields[K] =>
  field in candidate.changes ? (candidate.changes[field] as ScalarFields[K]) : candidate.existing[field];

/**
 * Updates many assignments' type, due date and notes with one statement, as `patchAssignmentIn`
 * would one by one: at the version read (the rows are locked), the version bumped, the change
 * time set, an audit entry `updated` with the changed fields, and an `assignment.updated` event.
 * Throws when a row is not at the version read; run it in a savepoint, and fall back to item by item.
 */
export async function updateInBatch(
  tx: EntityManager,
  ctx: ServiceContext,
  candidates: readonly UpdateCandidate[],
  now: Date,
): Promise<UpdateOutcome> {
  const rows = candidates.map((candidate) => ({
    id: candidate.existing.id,
    version: candidate.existing.version,
    type: nextValue(candidate, 'type'),
    dueDate: nextValue(candidate, 'dueDate'),
    notes: nextValue(candidate, 'notes'),
    auditId: uuidv7(),
    changes: changesOf(candidate),
  }));
  const at = now.toISOString();
  const written = await sql<{ id: string }>(
    tx,
    `with input as (
       select * from json_to_recordset(?::json)
         as u(id uuid, version integer, type text, "dueDate" date, notes text, "auditId" uuid, changes jsonb)),
     updated as (
       update assignments a
       set type = input.type, due_date = input."dueDate", notes = input.notes, version = a.version + 1,
         updated_at = ?::timestamptz
       from input where a.id = input.id and a.version = input.version
       returning a.id)
     insert into audit_log (id, entity_type, entity_id, action, actor_id, actor_name, user_id, user_name, request_id,
       changes, occurred_at)
     select input."auditId", 'assignment', input.id, 'updated', ?::uuid, ?, ?::uuid, ?, ?, input.changes, ?::timestamptz
     from input join updated on updated.id = input.id
     returning entity_id as id`,
    [jsonRows(rows), at, ...actorParams(ctx.actor), ctx.requestId, at],
  );
  if (written.length !== rows.length) throw new Error('an assignment was not at the version read');
  return {
    updated: new Map(
      candidates.map(({ index, existing }) => [index, { id: existing.id, reference: existing.reference }]),
    ),
    events: rows.map((row) => ({
      entityType: 'assignment',
      entityId: row.id,
      action: 'updated',
      changes: {},
      reason: null,
      actor: ctx.actor,
      requestId: ctx.requestId,
      occurredAt: now,
      auditId: row.auditId,
    })),
  };
}
