import type { AuditEntry, Report } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api';
import { reportText } from '../text/report';
import { formatDateTime } from '../ui/format';
import { type ContentChange, describeChanges } from './report-changes';
import { ReportRefusal } from './report-refusal';

const words = reportText.conflict;

/** The person, and the system that acted for them when one did. */
export const whoDid = (entry: Pick<AuditEntry, 'actor' | 'user'>): string =>
  entry.user
    ? entry.actor.id
      ? reportText.via(entry.user.name, entry.actor.name)
      : entry.user.name
    : entry.actor.name;

export function ChangeList({ changes }: { changes: readonly ContentChange[] }) {
  if (changes.length === 0) return <p className="small muted">{words.nothingListed}</p>;
  return (
    <dl className="change-list">
      {changes.map((change, index) => (
        // A list made once from two contents; nothing in it moves.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <div key={index}>
          <dt>{[change.where, change.field].filter(Boolean).join(' – ')}</dt>
          <dd>{change.value ? <q>{change.value}</q> : null}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Who changed the version last, when, and what: the newest audit entry of the report. */
function WhoChanged({ entry }: { entry: AuditEntry }) {
  const action = entry.action === 'draft_updated' ? '' : words.actions[entry.action];
  const content = entry.changes.content;
  const theirs = content ? describeChanges(content.from, content.to) : [];
  return (
    <>
      <p role="alert" className="conflict-who">
        {words.changedBy(whoDid(entry), formatDateTime(entry.occurredAt))}
        {action ? ` (${action})` : ''}
      </p>
      {theirs.length > 0 ? (
        <>
          <p className="conflict-list-title">{words.theirs}</p>
          <ChangeList changes={theirs} />
        </>
      ) : null}
    </>
  );
}

/**
 * Saving was refused because the version moved on. Says who moved it and what they changed, shows
 * what was typed here (still in the fields), and lets the person load theirs or keep their own.
 */
export function ConflictBanner({
  report,
  mine,
  onReload,
  onKeepMine,
}: {
  report: Report;
  mine: readonly ContentChange[];
  onReload: (fresh: Report) => void;
  onKeepMine: (fresh: Report) => Promise<boolean>;
}) {
  const last = useQuery({
    ...trpc.audit.list.queryOptions({ entityId: report.id, limit: 1 }),
    staleTime: 0,
    refetchOnMount: 'always',
  });
  const current = useQuery({
    ...trpc.reports.get.queryOptions({ id: report.id }),
    staleTime: 0,
    refetchOnMount: 'always',
  });
  const entry = last.isFetchedAfterMount ? last.data?.items[0] : undefined;
  const fresh = current.isFetchedAfterMount ? current.data : undefined;
  return (
    <section className="alert alert-warn conflict" aria-labelledby="conflict-title">
      <h3 id="conflict-title">{words.title}</h3>
      {entry ? (
        <WhoChanged entry={entry} />
      ) : (
        <p role="alert" className="conflict-who">
          {last.isFetchedAfterMount || last.isError ? words.unknown : words.looking}
        </p>
      )}
      <p>{words.notSaved}</p>
      {mine.length > 0 ? (
        <>
          <p className="conflict-list-title">{words.mine}</p>
          <ChangeList changes={mine} />
        </>
      ) : null}
      {fresh && fresh.status !== 'draft' ? <p>{words.noLongerDraft}</p> : null}
      <p className="row">
        <button type="button" disabled={!fresh} onClick={() => fresh && onReload(fresh)}>
          {words.reload}
        </button>
        {fresh?.status === 'draft' && mine.length > 0 ? (
          <button
            type="button"
            className="button-secondary"
            aria-describedby="keep-mine-hint"
            onClick={() => void onKeepMine(fresh)}
          >
            {words.keepMine}
          </button>
        ) : null}
      </p>
      {fresh?.status === 'draft' && mine.length > 0 ? (
        <p id="keep-mine-hint" className="small">
          {words.keepMineHint}
        </p>
      ) : null}
      <ReportRefusal error={current.error ?? last.error} />
    </section>
  );
}

/** What was typed but dropped for the newer version: shown until the person has taken what they want. */
export function LostText({ changes, onDismiss }: { changes: readonly ContentChange[]; onDismiss: () => void }) {
  return (
    <section className="card lost-text" aria-labelledby="lost-text-title">
      <h2 id="lost-text-title">{words.lostTitle}</h2>
      <p>{words.lostIntro}</p>
      <ChangeList changes={changes} />
      <button type="button" className="button-secondary" onClick={onDismiss}>
        {words.dismiss}
      </button>
    </section>
  );
}
