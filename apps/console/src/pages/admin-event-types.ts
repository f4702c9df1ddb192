import { text } from '../text';

/**
 * The event types the platform publishes (`<entity>.<verb>`, from its audit actions), for
 * choosing what a webhook gets. An endpoint may also list others, set through the API; those
 * are kept and shown as they are.
 */
export const EVENT_TYPES_BY_ENTITY: Readonly<Record<string, readonly string[]>> = {
  assignment: [
    'assignment.created',
    'assignment.updated',
    'assignment.status_changed',
    'assignment.assigned',
    'assignment.external_ref_added',
  ],
  inspection: [
    'inspection.booked',
    'inspection.rescheduled',
    'inspection.cancelled',
    'inspection.completed',
    'inspection.external_ref_added',
  ],
  report: [
    'report.drafted',
    'report.updated',
    'report.submitted',
    'report.approved',
    'report.rejected',
    'report.revised',
    'report.delivered',
  ],
  note: ['note.added'],
  party: ['party.created', 'party.updated', 'party.external_ref_added'],
  property: ['property.created', 'property.updated', 'property.external_ref_added'],
  appraiser: ['appraiser.created', 'appraiser.updated'],
  user: ['user.created', 'user.updated', 'user.deactivated', 'user.sessions_ended', 'user.set_password_link_issued'],
  api_client: ['api_client.created', 'api_client.key_rotated', 'api_client.revoked'],
  webhook_endpoint: [
    'webhook_endpoint.created',
    'webhook_endpoint.updated',
    'webhook_endpoint.deleted',
    'webhook_endpoint.secret_rotated',
    'webhook_endpoint.disabled',
    'webhook_endpoint.redelivery_requested',
    'webhook_endpoint.recovery_requested',
  ],
};

/** What kind of thing an entity type is, in the firm's words; the code when we have none. */
export const entityLabel = (entityType: string): string => text.admin.entities[entityType] ?? entityType;

/** `assignment.status_changed` as «Oppdrag: ny status»; an unknown verb as it is. */
export function eventLabel(type: string): string {
  const [entity = type, verb = ''] = type.split('.', 2);
  return `${entityLabel(entity)}: ${text.admin.verbs[verb] ?? verb}`;
}
