import type { Assignment, Report } from '@takst/sdk';
import { reportText } from '../text/report';
import { formatDateTime } from '../ui/format';
import type { ReportAccess } from './report-access';
import { AssignmentFollowUp, DeliverPanel, RevisePanel } from './report-actions';
import type { ContentChange } from './report-changes';
import { DraftEditor } from './report-draft';
import { SentBackNote, useVersionHistory, VersionHistory } from './report-history';
import { ReviewPanel } from './report-review';
import { useAppraiserName } from './report-versions';
import { ContentView } from './report-view';

const words = reportText;

/** Who wrote it, and when it was submitted, approved (by whom) and delivered. */
function VersionMeta({ report }: { report: Report }) {
  const author = useAppraiserName(report.authorId);
  const reviewer = useAppraiserName(report.reviewerId);
  const parts = [words.meta.written(author)];
  if (report.submittedAt) parts.push(words.meta.submitted(formatDateTime(report.submittedAt)));
  if (report.approvedAt) {
    const who = report.reviewerId ? reviewer : words.versions.reviewerWithoutRecord;
    parts.push(words.meta.approved(who, formatDateTime(report.approvedAt)));
  }
  if (report.deliveredAt) parts.push(words.meta.delivered(formatDateTime(report.deliveredAt)));
  return <p className="report-meta">{parts.join(' · ')}</p>;
}

/** What can happen to the version now, in one sentence, for those who cannot change it. */
function StateNote({ report, access }: { report: Report; access: ReportAccess }) {
  switch (report.status) {
    case 'delivered':
      return <p className="alert alert-ok">{words.state.delivered}</p>;
    case 'submitted':
      return <p className="alert report-info">{words.state.submitted}</p>;
    case 'approved':
      return <p className="alert alert-ok">{words.state.approved}</p>;
    default:
      if (access.writes) return null;
      return (
        <p className="alert report-info">{access.appraiserElsewhere ? words.notYours : words.state.draftOthers}</p>
      );
  }
}

/**
 * One version: the latest is worked on here (written by its appraiser, reviewed, delivered,
 * revised); an older one is only read.
 */
export function VersionView({
  report,
  isLatest,
  assignment,
  access,
  onDone,
  onLost,
}: {
  report: Report;
  isLatest: boolean;
  assignment: Assignment;
  access: ReportAccess;
  onDone: (message: string) => void;
  onLost: (changes: ContentChange[]) => void;
}) {
  const history = useVersionHistory(report);
  const entries = history.data?.items ?? [];
  const editable = isLatest && report.status === 'draft' && access.writes;
  const actions = { report, access, onDone };
  return (
    <section aria-labelledby="version-title" className="report-version">
      <h2 id="version-title">{words.heading(report.number, words.statuses[report.status])}</h2>
      <VersionMeta report={report} />
      {isLatest ? (
        <StateNote report={report} access={access} />
      ) : (
        <p className="alert report-info">{words.state.older}</p>
      )}
      <SentBackNote report={report} entries={entries} />
      {isLatest ? <AssignmentFollowUp {...actions} assignment={assignment} /> : null}
      {editable ? (
        <DraftEditor key={report.id} report={report} onDone={onDone} onLost={onLost} />
      ) : (
        <ContentView content={report.content} />
      )}
      {isLatest && (report.status === 'submitted' || report.status === 'approved') ? (
        <ReviewPanel {...actions} />
      ) : null}
      {isLatest && report.status === 'approved' ? <DeliverPanel {...actions} assignment={assignment} /> : null}
      {isLatest && report.status === 'delivered' ? <RevisePanel {...actions} /> : null}
      <VersionHistory entries={entries} />
    </section>
  );
}
