// Every event the platform writes, and nothing else: a change is recorded only under a type
// listed here (the audit log's `entityType` and `action` are typed from this table), so this is
// the whole list a connector can meet. Zod-free, so the SDK can carry it as it is.

interface EventTypeEntry {
  /** The kind of entity in `entityType` and `data`. */
  readonly entityType: EventEntityType;
  /** The audit log's action for the same change. */
  readonly action: string;
  readonly description: string;
}

export const EVENT_ENTITY_TYPES = [
  'assignment',
  'property',
  'party',
  'appraiser',
  'inspection',
  'report',
  'note',
  'user',
  'api_client',
  'webhook_endpoint',
] as const;
export type EventEntityType = (typeof EVENT_ENTITY_TYPES)[number];

const externalRefAdded = (entity: string) =>
  ({
    action: 'external_ref_added',
    description: `A connected system's id was linked to an existing ${entity} (\`externalRefs.link\`); \`changes.externalRef.to\` is \`{ system, externalId }\`.`,
  }) as const;

export const EVENT_TYPES = {
  'assignment.created': {
    entityType: 'assignment',
    action: 'created',
    description:
      'An assignment was received: `assignments.create`, an import (`assignments.bulkUpsert`) or `assignments.upsertByExternalRef`.',
  },
  'assignment.updated': {
    entityType: 'assignment',
    action: 'updated',
    description:
      'Fields of an assignment changed (`assignments.update`, an upsert, a bulk update); `changes` names them.',
  },
  'assignment.assigned': {
    entityType: 'assignment',
    action: 'assigned',
    description: 'The assignment was given to an appraiser, or taken from one; `changes.appraiserId`.',
  },
  'assignment.status_changed': {
    entityType: 'assignment',
    action: 'status_changed',
    description:
      'The assignment moved in its lifecycle (`assignments.transition`, or a booking or report that moves it); `changes.status` has from and to, `reason` why.',
  },
  'assignment.external_ref_added': { entityType: 'assignment', ...externalRefAdded('assignment') },
  'property.created': {
    entityType: 'property',
    action: 'created',
    description: 'A property was registered (directly or inline with an assignment).',
  },
  'property.external_ref_added': { entityType: 'property', ...externalRefAdded('property') },
  'party.created': {
    entityType: 'party',
    action: 'created',
    description: 'A customer, payer or broker was registered (directly, inline with an assignment, or by an upsert).',
  },
  'party.updated': { entityType: 'party', action: 'updated', description: 'Fields of a party changed.' },
  'party.external_ref_added': { entityType: 'party', ...externalRefAdded('party') },
  'appraiser.created': { entityType: 'appraiser', action: 'created', description: 'An appraiser was added.' },
  'appraiser.updated': {
    entityType: 'appraiser',
    action: 'updated',
    description: 'An appraiser changed: name, contact, certifications, or made inactive.',
  },
  'inspection.booked': {
    entityType: 'inspection',
    action: 'booked',
    description:
      'An inspection was booked (`inspections.book`, or a booking tool through `inspections.upsertByExternalRef`).',
  },
  'inspection.rescheduled': {
    entityType: 'inspection',
    action: 'rescheduled',
    description: 'An inspection moved to another time; the earlier time is the last of `data.previousTimes`.',
  },
  'inspection.cancelled': {
    entityType: 'inspection',
    action: 'cancelled',
    description: 'An inspection was cancelled; `data.cancelReason` says why.',
  },
  'inspection.completed': { entityType: 'inspection', action: 'completed', description: 'The appraiser was there.' },
  'inspection.external_ref_added': { entityType: 'inspection', ...externalRefAdded('inspection') },
  'report.drafted': {
    entityType: 'report',
    action: 'draft_created',
    description: 'A report version was started (its first draft, or a revision after delivery).',
  },
  'report.updated': { entityType: 'report', action: 'draft_updated', description: "A draft's content was saved." },
  'report.submitted': { entityType: 'report', action: 'submitted', description: 'The appraiser sent it for review.' },
  'report.approved': { entityType: 'report', action: 'approved', description: 'A reviewer approved it.' },
  'report.rejected': {
    entityType: 'report',
    action: 'rejected',
    description: 'A reviewer sent it back to the appraiser; `reason` says why.',
  },
  'report.delivered': {
    entityType: 'report',
    action: 'delivered',
    description: 'The approved version was delivered to the customer (with the assignment moving to delivered).',
  },
  'report.revised': {
    entityType: 'report',
    action: 'revised',
    description: 'A delivered version was superseded: a new draft follows it.',
  },
  'note.added': {
    entityType: 'note',
    action: 'created',
    description: 'A note was added to an assignment (`data.assignmentId`), by a person or a connected system.',
  },
  'user.created': { entityType: 'user', action: 'created', description: 'A person was given an account.' },
  'user.updated': {
    entityType: 'user',
    action: 'updated',
    description: "A person's name, roles or appraiser changed.",
  },
  'user.deactivated': {
    entityType: 'user',
    action: 'deactivated',
    description: 'A person can no longer sign in; their sessions ended.',
  },
  'user.sessions_ended': {
    entityType: 'user',
    action: 'sessions_ended',
    description: 'Every session of a person was ended (`users.endSessions`).',
  },
  'user.set_password_link_issued': {
    entityType: 'user',
    action: 'set_password_link_issued',
    description: 'A one-time set-password link was made for a person (never the link itself).',
  },
  'api_client.created': {
    entityType: 'api_client',
    action: 'created',
    description: 'An API client was made (its name and scopes; never the key).',
  },
  'api_client.revoked': {
    entityType: 'api_client',
    action: 'revoked',
    description: "An API client's key stopped working, in every server process.",
  },
  'api_client.key_rotated': {
    entityType: 'api_client',
    action: 'key_rotated',
    description: 'An API client was given a new key; the old one stopped working.',
  },
  'webhook_endpoint.created': {
    entityType: 'webhook_endpoint',
    action: 'created',
    description: 'A webhook endpoint was made. Like every `webhook_endpoint.*` event, `data` is `{}`.',
  },
  'webhook_endpoint.updated': {
    entityType: 'webhook_endpoint',
    action: 'updated',
    description: "An endpoint's URL, event types or enabled flag changed.",
  },
  'webhook_endpoint.deleted': {
    entityType: 'webhook_endpoint',
    action: 'deleted',
    description: 'An endpoint was removed.',
  },
  'webhook_endpoint.secret_rotated': {
    entityType: 'webhook_endpoint',
    action: 'secret_rotated',
    description: "An endpoint's signing secret was replaced; the old one signs too for 24 hours.",
  },
  'webhook_endpoint.redelivery_requested': {
    entityType: 'webhook_endpoint',
    action: 'redelivery_requested',
    description: 'One delivery was queued again (`webhooks.redeliver`).',
  },
  'webhook_endpoint.recovery_requested': {
    entityType: 'webhook_endpoint',
    action: 'recovery_requested',
    description: 'Every matching event since a time was queued again (`webhooks.recover`).',
  },
  'webhook_endpoint.disabled': {
    entityType: 'webhook_endpoint',
    action: 'disabled',
    description:
      'The platform disabled an endpoint: it answered 410 Gone, or failed for 5 days (`changes.disabledReason`).',
  },
} as const satisfies Record<string, EventTypeEntry>;

export type EventType = keyof typeof EVENT_TYPES;
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[];

/** The entity type of each event type, e.g. `EventEntityTypeOf<'note.added'>` is `'note'`. */
export type EventEntityTypeOf<T extends EventType> = (typeof EVENT_TYPES)[T]['entityType'];

/** An audited change, as `entityType` + `action`: only the pairs that have an event type. */
export type AuditedChange = {
  [T in EventType]: { entityType: (typeof EVENT_TYPES)[T]['entityType']; action: (typeof EVENT_TYPES)[T]['action'] };
}[EventType];

/** The audit actions of one entity type, e.g. `AuditActionOf<'inspection'>`. */
export type AuditActionOf<E extends EventEntityType> = Extract<AuditedChange, { entityType: E }>['action'];

const BY_AUDIT_ACTION = new Map<string, EventType>(
  EVENT_TYPE_NAMES.map((type) => [`${EVENT_TYPES[type].entityType}.${EVENT_TYPES[type].action}`, type]),
);

/** The event type of an audited change; undefined for a pair the table does not list. */
export const eventTypeOfChange = (entityType: string, action: string): EventType | undefined =>
  BY_AUDIT_ACTION.get(`${entityType}.${action}`);

export const isEventType = (type: string): type is EventType => Object.hasOwn(EVENT_TYPES, type);

/**
 * What a webhook endpoint or an events filter may name: an event type, or `<entity>.*` for every
 * event of an entity type (also those added to the catalogue later).
 */
export function matchesEventTypePattern(pattern: string, type: EventType): boolean {
  if (pattern.endsWith('.*')) return EVENT_TYPES[type].entityType === pattern.slice(0, -2);
  return pattern === type;
}

/** The event types a pattern stands for; empty for a pattern that names none. */
export const eventTypesOfPattern = (pattern: string): EventType[] =>
  EVENT_TYPE_NAMES.filter((type) => matchesEventTypePattern(pattern, type));
