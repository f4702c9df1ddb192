/**
 * Whether event `e` is one endpoint `w` subscribes to, in SQL: a listed type, a listed
 * `<entity>.*` pattern, or, for an empty list, every event but the platform's own
 * `webhook_endpoint.*` ones. The dispatcher and `webhooks.recover` share it, so both send the same.
 */
export const ENDPOINT_WANTS_EVENT_SQL = `(e.type = any (w.event_types)
  or split_part(e.type, '.', 1) || '.*' = any (w.event_types)
  or (cardinality(w.event_types) = 0 and not starts_with(e.type, 'webhook_')))`;
