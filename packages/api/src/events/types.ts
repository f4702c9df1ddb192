import { type EventType, eventTypeOfChange } from '@takst/contract';

/**
 * The public name of an event, `<entity>.<verb>` in the past tense, from the audited change.
 * The audit log's entity types and actions are typed from the event catalogue, so every audited
 * change has one; a pair that slipped past the types is a bug, and no event is written under a
 * name the catalogue does not list.
 */
export function eventTypeOf(entityType: string, action: string): EventType {
  const type = eventTypeOfChange(entityType, action);
  if (type === undefined) throw new Error(`${entityType}.${action} has no event type in the catalogue (EVENT_TYPES)`);
  return type;
}
