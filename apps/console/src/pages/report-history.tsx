import type { AuditEntry, Report } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { trpc } from '../api';
import { reportText } from '../text/report';
import { formatDateTime } from '../ui/format';
import { whoDid } from './report-conflict';

const words = reportText;

/** More than a version ever gathers in practice: every save of a draft is one entry. */
const HISTORY_LIMIT = 200;

export function useVersionHistory(report: Report) {
  return useQuery(trpc.audit.list.queryOptions({ entityId: report.id, limit: HISTORY_LIMIT }));
}

const reasonOf = (entry: AuditEntry): string | null => {
  const reason = entry.changes.rejectionReason?.to;
  return typeof reason === 'string' ? reason : null;
};

/** A draft that came back from review says so at the top, with the reviewer's reason. */
export function SentBackNote({ report, entries }: { report: Report; entries: readonly AuditEntry[] }) {
  if (report.status !== 'draft') return null;
  // Newest first: the last thing that moved the version decides.
  const last = entries.find((entry) => entry.action !== 'draft_updated');
  if (last?.action !== 'rejected') return null;
  return (
    <div className="alert alert-warn sent-back">
      <p>
        <strong>{words.sentBack(whoDid(last), formatDateTime(last.occurredAt))}</strong>
      </p>
      <blockquote>{reasonOf(last)}</blockquote>
    </div>
  );
}

/** The version's path so far, oldest first; the many saves of a draft are counted below it. */
export function VersionHistory({ entries }: { entries: readonly AuditEntry[] }) {
  if (entries.length === 0) return null;
  const saves = entries.filter((entry) => entry.action === 'draft_updated');
  const steps = entries.filter((entry) => entry.action !== 'draft_updated').reverse();
  const lastSave = saves[0];
  return (
    <details className="report-history">
      <summary>{words.history.title}</summary>
      <ol>
        {steps.map((entry) => {
          const reason = reasonOf(entry);
          const what = words.conflict.actions[entry.action] ?? entry.action;
          return (
            <li key={entry.id}>
              {words.history.entry(whoDid(entry), what, formatDateTime(entry.occurredAt))}
              {reason ? <q className="history-reason">{reason}</q> : null}
            </li>
          );
        })}
      </ol>
      {lastSave ? (
        <p className="small">
          {words.history.saves(saves.length, whoDid(lastSave), formatDateTime(lastSave.occurredAt))}
        </p>
      ) : null}
    </details>
  );
}
