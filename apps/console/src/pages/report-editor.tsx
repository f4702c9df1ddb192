import type { Assignment, Report } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { reportText } from '../text/report';
import { ErrorMessage, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/format';
import { type ReportAccess, useReportAccess } from './report-access';
import { StartReport } from './report-actions';
import type { ContentChange } from './report-changes';
import { LostText } from './report-conflict';
import { VersionView } from './report-version';
import { VersionsTable } from './report-versions';
import './report-editor.css';

const route = getRouteApi('/signed-in/oppdrag/$id/rapport');
const words = reportText;

function Page({ assignment }: { assignment: Assignment }) {
  const access = useReportAccess(assignment);
  const reports = useQuery(trpc.reports.list.queryOptions({ assignmentId: assignment.id }));
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [lost, setLost] = useState<ContentChange[] | null>(null);
  const { address } = assignment.property;
  return (
    <article className="report-page">
      <header className="report-head">
        <h1>{words.title(assignment.reference)}</h1>
        <p>
          <StatusBadge status={assignment.status} /> · {text.list.types[assignment.type]} · {address.street},{' '}
          {address.postalCode} {address.city}
          {assignment.appraiser ? ` · ${text.roles.appraiser}: ${assignment.appraiser.name}` : ''}
        </p>
        <p>
          <Link to="/oppdrag/$id" params={{ id: assignment.id }}>
            {words.back}
          </Link>
        </p>
      </header>
      <p role="status" className="report-notice">
        {notice}
      </p>
      {lost ? <LostText changes={lost} onDismiss={() => setLost(null)} /> : null}
      {reports.isPending ? <Loading /> : null}
      {reports.isError ? <ErrorMessage error={reports.error} /> : null}
      {reports.data ? (
        <Versions
          versions={reports.data.items}
          chosenId={chosenId}
          onChoose={setChosenId}
          assignment={assignment}
          access={access}
          onDone={setNotice}
          onLost={setLost}
        />
      ) : null}
    </article>
  );
}

function Versions({
  versions,
  chosenId,
  onChoose,
  assignment,
  access,
  onDone,
  onLost,
}: {
  versions: readonly Report[];
  chosenId: string | null;
  onChoose: (id: string) => void;
  assignment: Assignment;
  access: ReportAccess;
  onDone: (message: string) => void;
  onLost: (changes: ContentChange[]) => void;
}) {
  const latest = versions.at(-1);
  if (!latest) return <StartReport assignment={assignment} access={access} onDone={onDone} />;
  const shown = versions.find((version) => version.id === chosenId) ?? latest;
  return (
    <>
      <VersionsTable versions={versions} shownId={shown.id} onShow={onChoose} />
      <VersionView
        key={shown.id}
        report={shown}
        isLatest={shown.id === latest.id}
        assignment={assignment}
        access={access}
        onDone={onDone}
        onLost={onLost}
      />
    </>
  );
}

/** /oppdrag/$id/rapport: the report of one assignment, its versions, and what can be done with the latest. */
export function ReportEditorPage() {
  const { id } = route.useParams();
  const assignment = useQuery(trpc.assignments.get.queryOptions({ id }));
  if (assignment.isPending) return <Loading />;
  if (assignment.isError) return <ErrorMessage error={assignment.error} />;
  return <Page assignment={assignment.data} />;
}
