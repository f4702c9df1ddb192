import { ASSIGNMENT_STATUSES, type AssignmentStatus } from '@takst/sdk';
import { useQueries } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { Refusal } from '../ui/list-refusal';

/**
 * The platform has no count (a COUNT over a million rows is what keyset paging avoids), so each
 * status is one page of at most this many: the exact number below it, "50+" at it.
 */
const COUNT_CAP = 50;

function countText(items: number, more: boolean): string {
  return more ? text.queue.board.atLeast(items) : String(items);
}

/** How many assignments stand in each status, each number a way into the list of them. */
export function StatusBoard() {
  const headingId = useId();
  const counts = useQueries({
    queries: ASSIGNMENT_STATUSES.map((status) =>
      trpc.assignments.list.queryOptions({ status: [status], limit: COUNT_CAP }, { staleTime: 60_000 }),
    ),
  });
  const firstError = counts.find((count) => count.error)?.error;
  return (
    <section className="queue-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{text.queue.board.title}</h2>
      <p className="muted">{text.queue.board.intro}</p>
      {firstError ? (
        <Refusal
          error={firstError}
          onRetry={() => {
            for (const count of counts) void count.refetch();
          }}
        />
      ) : null}
      <ul className="queue-board">
        {ASSIGNMENT_STATUSES.map((status, index) => {
          const count = counts[index];
          const shown = count?.data
            ? countText(count.data.items.length, count.data.nextCursor !== null)
            : count?.error
              ? text.queue.board.failed
              : text.queue.board.counting;
          return <StatusCount key={status} status={status} count={shown} />;
        })}
      </ul>
      <p className="muted small">{text.queue.board.capNote(COUNT_CAP)}</p>
    </section>
  );
}

function StatusCount({ status, count }: { status: AssignmentStatus; count: string }) {
  return (
    <li>
      <Link to="/oppdrag" search={{ status: [status] }} className={`queue-count status-${status}`}>
        <span className="queue-count-number">{count}</span>
        <span className="queue-count-status">
          {text.status[status]}
          <span className="visually-hidden"> {text.queue.board.assignments}</span>
        </span>
      </Link>
    </li>
  );
}
