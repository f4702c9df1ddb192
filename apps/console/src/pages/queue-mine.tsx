import type { AssignmentStatus } from '@takst/sdk';
import { useId, useState } from 'react';
import { text } from '../text';
import { Loading } from '../ui/feedback';
import { useAssignmentPages } from '../ui/list-pages';
import { Refusal } from '../ui/list-refusal';
import { OPEN_STATUSES } from '../ui/list-statuses';
import { AssignmentTable, MoreButton } from '../ui/list-table';

const PAGE_SIZE = 25;
const ALL_OPEN = 'open';

/** Whose work this is: the appraiser's open assignments, due soonest first, narrowed to one status. */
export function MyAssignments({ appraiserId }: { appraiserId: string | null }) {
  const headingId = useId();
  return (
    <section className="queue-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{text.queue.mine.title}</h2>
      <p className="muted">{text.queue.mine.intro}</p>
      {appraiserId ? (
        <MyAssignmentsOf appraiserId={appraiserId} />
      ) : (
        <p className="alert alert-warn">{text.queue.mine.noAppraiserRecord}</p>
      )}
    </section>
  );
}

function MyAssignmentsOf({ appraiserId }: { appraiserId: string }) {
  const selectId = useId();
  const [shown, setShown] = useState<AssignmentStatus | typeof ALL_OPEN>(ALL_OPEN);
  const pages = useAssignmentPages(
    { appraiserId, status: shown === ALL_OPEN ? [...OPEN_STATUSES] : [shown], sort: 'dueDate', limit: PAGE_SIZE },
    { keepPrevious: true },
  );
  const assignments = pages.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <div className="queue-filter">
        <label htmlFor={selectId}>{text.queue.mine.status}</label>
        <select
          id={selectId}
          value={shown}
          onChange={(event) => setShown(event.target.value as AssignmentStatus | typeof ALL_OPEN)}
        >
          <option value={ALL_OPEN}>{text.queue.mine.allOpen}</option>
          {OPEN_STATUSES.map((status) => (
            <option key={status} value={status}>
              {text.status[status]}
            </option>
          ))}
        </select>
      </div>
      {pages.isPending ? <Loading /> : null}
      {pages.error ? <Refusal error={pages.error} onRetry={() => pages.refetch()} /> : null}
      {pages.isSuccess && assignments.length === 0 ? (
        <p role="status" className="muted">
          {text.queue.mine.empty}
        </p>
      ) : null}
      {assignments.length > 0 ? (
        <AssignmentTable
          assignments={assignments}
          caption={text.queue.mine.caption}
          withoutAppraiser
          busy={pages.isPlaceholderData}
        />
      ) : null}
      <MoreButton
        hasMore={pages.hasNextPage && !pages.isPlaceholderData}
        loading={pages.isFetchingNextPage}
        onMore={() => pages.fetchNextPage()}
      />
    </>
  );
}
