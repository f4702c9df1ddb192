import { useId } from 'react';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { useAssignmentPages } from '../ui/list-pages';
import { Refusal } from '../ui/list-refusal';
import { AssignmentTable, MoreButton } from '../ui/list-table';

const PAGE_SIZE = 25;

/**
 * What waits for a reviewer: assignments in review, due soonest first. The reviewer's own
 * assignments are marked, since the platform will not let them approve their own report.
 */
export function ReviewQueue({ ownAppraiserId }: { ownAppraiserId: string | null }) {
  const headingId = useId();
  const pages = useAssignmentPages({ status: ['in_review'], sort: 'dueDate', limit: PAGE_SIZE });
  const assignments = pages.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section className="queue-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{text.queue.review.title}</h2>
      <p className="muted">{text.queue.review.intro}</p>
      {pages.isPending ? <Loading /> : null}
      {pages.error ? <Refusal error={pages.error} onRetry={() => pages.refetch()} /> : null}
      {pages.isSuccess && assignments.length === 0 ? (
        <p role="status" className="muted">
          {text.queue.review.empty}
        </p>
      ) : null}
      {assignments.length > 0 ? (
        <AssignmentTable
          assignments={assignments}
          caption={text.queue.review.caption}
          noteFor={(assignment) =>
            ownAppraiserId !== null && assignment.appraiser?.id === ownAppraiserId
              ? text.queue.review.ownAssignment
              : null
          }
        />
      ) : null}
      <MoreButton hasMore={pages.hasNextPage} loading={pages.isFetchingNextPage} onMore={() => pages.fetchNextPage()} />
    </section>
  );
}
