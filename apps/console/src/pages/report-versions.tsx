import type { Report } from '@takst/sdk';
import { skipToken, useQuery } from '@tanstack/react-query';
import { trpc } from '../api';
import { text } from '../text';
import { reportText } from '../text/report';
import { formatDateTime } from '../ui/format';

const words = reportText.versions;

/** An appraiser record's name; authors and reviewers are named by it on a version. */
export function useAppraiserName(id: string | null): string {
  const appraiser = useQuery(trpc.appraisers.get.queryOptions(id ? { id } : skipToken));
  if (id === null) return words.unknownPerson;
  if (appraiser.isPending) return '…';
  return appraiser.data?.name ?? words.unknownPerson;
}

export function AppraiserName({ id }: { id: string }) {
  return <>{useAppraiserName(id)}</>;
}

function ReviewerName({ report }: { report: Report }) {
  if (report.reviewerId) return <AppraiserName id={report.reviewerId} />;
  // Approved by a reviewer who has no appraiser record: the person is named in the history.
  return <>{report.reviewerUserId ? words.reviewerWithoutRecord : text.common.none}</>;
}

/** Every version of the report, newest first; one is shown below, the latest unless another is chosen. */
export function VersionsTable({
  versions,
  shownId,
  onShow,
}: {
  versions: readonly Report[];
  shownId: string;
  onShow: (id: string) => void;
}) {
  const byNumber = new Map(versions.map((version) => [version.id, version.number]));
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">{words.title}</h2>
      <table className="report-versions">
        <thead>
          <tr>
            <th scope="col">{words.number}</th>
            <th scope="col">{words.status}</th>
            <th scope="col">{words.author}</th>
            <th scope="col">{words.reviewer}</th>
            <th scope="col">{words.changed}</th>
            <th scope="col">
              <span className="visually-hidden">{words.show}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((version) => {
            const shown = version.id === shownId;
            const revises = version.revisesId ? byNumber.get(version.revisesId) : undefined;
            return (
              <tr key={version.id} aria-current={shown ? 'true' : undefined} className={shown ? 'is-shown' : undefined}>
                <th scope="row">
                  {reportText.version(version.number)}
                  {revises ? <span className="small muted"> ({words.revises(revises)})</span> : null}
                </th>
                <td>
                  <span className={`badge report-status report-status-${version.status}`}>
                    {reportText.statuses[version.status]}
                  </span>
                </td>
                <td>
                  <AppraiserName id={version.authorId} />
                </td>
                <td>
                  <ReviewerName report={version} />
                </td>
                <td>{formatDateTime(version.updatedAt)}</td>
                <td>
                  {shown ? (
                    <span className="small muted">{words.showing}</span>
                  ) : (
                    <button type="button" className="button-quiet" onClick={() => onShow(version.id)}>
                      {words.showVersion(version.number)}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
