/** The public name of an event, `<entity>.<verb>` in the past tense, from the audit action. */
const EVENT_TYPES: Record<string, Record<string, string>> = {
  note: { created: 'note.added' },
  report: { draft_created: 'report.drafted', draft_updated: 'report.updated' },
};

export function eventTypeOf(entityType: string, action: string): string {
  return EVENT_TYPES[entityType]?.[action] ?? `${entityType}.${action}`;
}
