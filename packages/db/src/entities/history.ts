import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** A note on an assignment, from a person or a connected system. */
export const NoteEntity = defineEntity({
  name: 'Note',
  tableName: 'notes',
  properties: {
    id: p.uuid().primary(),
    assignmentId: p.uuid(),
    author: p.string(),
    sourceSystem: p.string().nullable(),
    /** The note's id in `sourceSystem`: adding it again answers the note already there. */
    externalId: p.string().nullable(),
    text: p.text(),
    actorId: p.uuid().nullable(),
    /** The person who added it, where one did. */
    userId: p.uuid().nullable(),
    createdAt: p.datetime(3),
  },
});
export type Note = InferEntity<typeof NoteEntity>;

/** Every status change of an assignment, kept forever. */
export const StatusChangeEntity = defineEntity({
  name: 'StatusChange',
  tableName: 'assignment_status_changes',
  properties: {
    id: p.uuid().primary(),
    assignmentId: p.uuid(),
    fromStatus: p.string(),
    toStatus: p.string(),
    reason: p.text().nullable(),
    actorId: p.uuid().nullable(),
    actorName: p.string(),
    /** The person who did it, where one did: beside the API client, or alone when signed in. */
    userId: p.uuid().nullable(),
    userName: p.string().nullable(),
    requestId: p.string().nullable(),
    changedAt: p.datetime(3),
  },
});
export type StatusChange = InferEntity<typeof StatusChangeEntity>;

/** One write to one entity: who, when, from which request, and the fields it changed. */
export const AuditEntryEntity = defineEntity({
  name: 'AuditEntry',
  tableName: 'audit_log',
  properties: {
    id: p.uuid().primary(),
    entityType: p.string(),
    entityId: p.uuid(),
    action: p.string(),
    actorId: p.uuid().nullable(),
    actorName: p.string(),
    /** The person who did it, where one did: beside the API client, or alone when signed in. */
    userId: p.uuid().nullable(),
    userName: p.string().nullable(),
    requestId: p.string().nullable(),
    changes: p.json<Record<string, { from: unknown; to: unknown }>>(),
    occurredAt: p.datetime(3),
  },
});
export type AuditEntry = InferEntity<typeof AuditEntryEntity>;
