import { EVENT_ENTITY_TYPES, EVENT_TYPE_NAMES, EVENT_TYPES } from '@takst/sdk';
import { text } from '../text';

/**
 * The event types the platform publishes (the SDK's catalogue), by entity type, for choosing what
 * a webhook gets. An endpoint may also hold `<entity>.*` patterns set through the API; those are
 * kept and shown as they are.
 */
export const EVENT_TYPES_BY_ENTITY: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  EVENT_ENTITY_TYPES.map((entity) => [
    entity,
    EVENT_TYPE_NAMES.filter((type) => EVENT_TYPES[type].entityType === entity),
  ]),
);

/** What kind of thing an entity type is, in the firm's words; the code when we have none. */
export const entityLabel = (entityType: string): string => text.admin.entities[entityType] ?? entityType;

/** `assignment.status_changed` as «Oppdrag: ny status»; an unknown verb as it is. */
export function eventLabel(type: string): string {
  const [entity = type, verb = ''] = type.split('.', 2);
  return `${entityLabel(entity)}: ${text.admin.verbs[verb] ?? verb}`;
}
