import type { TimelineEntry } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api';
import { text } from '../text';
import { formatDateTime } from '../ui/format';

const words = text.assignment;

function describe(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'status_changed':
      return `${words.timeline.status(text.status[entry.from], text.status[entry.to])} ${words.timeline.by(entry.actor)}${entry.reason ? ` – ${entry.reason}` : ''}`;
    case 'inspection_booked':
      return words.timeline.booked(entry.appraiser.name);
    case 'inspection_rescheduled':
      return words.timeline.rescheduled;
    case 'inspection_cancelled':
      return `${words.timeline.cancelled}${entry.reason ? ` – ${entry.reason}` : ''}`;
    case 'inspection_completed':
      return words.timeline.completed;
    case 'note_added':
      return `${words.timeline.note(entry.author)}: ${entry.text}`;
    default:
      return `${words.timeline.report[entry.kind] ?? entry.kind}, ${words.timeline.version(entry.number)}`;
  }
}

export function TimelineSection({ assignmentId }: { assignmentId: string }) {
  const timeline = useQuery(trpc.assignments.timeline.queryOptions({ id: assignmentId }));
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{words.timeline.title}</h2>
      <ol className="plain-list">
        {(timeline.data?.items ?? []).map((entry, index) => (
          // The timeline is read whole and never reordered: a place in it is a stable key.
          // biome-ignore lint/suspicious/noArrayIndexKey: entries have no id of their own
          <li key={`${entry.at}-${index}`}>
            <span className="small muted">{formatDateTime(entry.at)}</span> {describe(entry)}
          </li>
        ))}
      </ol>
    </section>
  );
}

const show = (value: unknown): string =>
  value === null || value === undefined
    ? text.common.none
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);

/** Who changed what, field by field, newest first: the assignment's own audit entries. */
export function AuditSection({ assignmentId }: { assignmentId: string }) {
  const audit = useQuery(trpc.audit.list.queryOptions({ entityId: assignmentId, limit: 50 }));
  const entries = audit.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="audit-title">
      <h2 id="audit-title">{words.audit.title}</h2>
      {entries.length === 0 ? (
        <p className="muted">{words.audit.none}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{words.audit.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{words.audit.when}</th>
              <th scope="col">{words.audit.what}</th>
              <th scope="col">{words.audit.who}</th>
              <th scope="col">{words.audit.changes}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.occurredAt)}</td>
                <td>{entry.action}</td>
                <td>
                  {entry.user?.name ?? entry.actor.name}
                  {entry.user && entry.actor.id ? (
                    <span className="muted small"> {words.audit.via(entry.actor.name)}</span>
                  ) : null}
                </td>
                <td>
                  <ul className="plain-list small">
                    {Object.entries(entry.changes).map(([field, change]) => (
                      <li key={field}>
                        <code>{field}</code>: {show(change.from)} → {show(change.to)}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function ExternalRefsSection({ assignmentId }: { assignmentId: string }) {
  const refs = useQuery(trpc.externalRefs.list.queryOptions({ entityType: 'assignment', entityId: assignmentId }));
  const items = refs.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="refs-title">
      <h2 id="refs-title">{words.refs.title}</h2>
      {items.length === 0 ? (
        <p className="muted">{words.refs.none}</p>
      ) : (
        <ul className="plain-list">
          {items.map((ref) => (
            <li key={`${ref.system}:${ref.externalId}`}>
              <strong>{ref.system}</strong>: <code>{ref.externalId}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
