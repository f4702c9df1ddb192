import type { Inspection } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { trpc } from '../api';
import { text } from '../text';
import { formatTime } from '../ui/format';
import { AddressOf } from '../ui/list-table';

/** An inspection names only its assignment's id: the reference and address come from the assignment. */
function AssignmentOf({ assignmentId }: { assignmentId: string }) {
  const assignment = useQuery(trpc.assignments.get.queryOptions({ id: assignmentId }, { staleTime: 60_000 }));
  return (
    <>
      <Link to="/oppdrag/$id" params={{ id: assignmentId }} className="calendar-reference">
        {assignment.data?.reference ??
          (assignment.error ? text.list.errors.ASSIGNMENT_NOT_FOUND : text.calendar.loadingAssignment)}
      </Link>
      {assignment.data ? (
        <span className="calendar-address">
          <AddressOf assignment={assignment.data} />
        </span>
      ) : null}
    </>
  );
}

export function InspectionItem({ inspection }: { inspection: Inspection }) {
  return (
    <li className={`calendar-inspection inspection-${inspection.status}`}>
      <span className="calendar-when">
        <time dateTime={inspection.startsAt}>
          {text.calendar.time(formatTime(inspection.startsAt), formatTime(inspection.endsAt))}
        </time>{' '}
        <span className="badge calendar-status" data-inspection-status={inspection.status}>
          {text.calendar.inspectionStatus[inspection.status]}
        </span>
      </span>
      <AssignmentOf assignmentId={inspection.assignmentId} />
    </li>
  );
}
