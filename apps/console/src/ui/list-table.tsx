import type { Assignment, AssignmentStatus } from '@takst/sdk';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { text } from '../text';
import { formatDate, StatusBadge } from './format';
import { todayInOslo } from './list-dates';
import { OPEN_STATUSES } from './list-statuses';
import './list.css';

const DUE_MATTERS: ReadonlySet<AssignmentStatus> = new Set(OPEN_STATUSES);

export function AddressOf({ assignment }: { assignment: Pick<Assignment, 'property'> }) {
  const { street, postalCode, city, unitNumber } = assignment.property.address;
  return (
    <>
      {street}
      {unitNumber ? `, ${text.list.unit(unitNumber)}` : ''}
      <span className="muted small list-city">
        {postalCode} {city}
      </span>
    </>
  );
}

function DueDate({ assignment, today }: { assignment: Assignment; today: string }) {
  const overdue = assignment.dueDate !== null && assignment.dueDate < today && DUE_MATTERS.has(assignment.status);
  return (
    <>
      {assignment.dueDate ? (
        <time dateTime={assignment.dueDate}>{formatDate(assignment.dueDate)}</time>
      ) : (
        text.common.none
      )}
      {overdue ? <span className="list-overdue"> {text.list.overdue}</span> : null}
    </>
  );
}

interface AssignmentTableProps {
  assignments: readonly Assignment[];
  caption: string;
  /** The caption is for screen readers when a heading above says the same. */
  captionHidden?: boolean;
  withoutAppraiser?: boolean;
  /** Extra words under a row's reference, e.g. why the reviewer cannot take it. */
  noteFor?: (assignment: Assignment) => ReactNode;
  busy?: boolean;
}

/** Assignments as rows, each one's reference a link to it. */
export function AssignmentTable({
  assignments,
  caption,
  captionHidden = true,
  withoutAppraiser = false,
  noteFor,
  busy = false,
}: AssignmentTableProps) {
  const today = todayInOslo();
  const columns = text.list.columns;
  return (
    <div className="list-table-scroll">
      <table className="list-table" aria-busy={busy}>
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{columns.reference}</th>
            <th scope="col">{columns.address}</th>
            <th scope="col">{columns.type}</th>
            <th scope="col">{columns.status}</th>
            {withoutAppraiser ? null : <th scope="col">{columns.appraiser}</th>}
            <th scope="col">{columns.dueDate}</th>
          </tr>
        </thead>
        <tbody>
          {assignments.map((assignment) => (
            <tr key={assignment.id}>
              <th scope="row">
                <Link to="/oppdrag/$id" params={{ id: assignment.id }}>
                  {assignment.reference}
                </Link>
                {noteFor ? <span className="muted small list-note">{noteFor(assignment)}</span> : null}
              </th>
              <td>
                <AddressOf assignment={assignment} />
              </td>
              <td>{text.list.types[assignment.type]}</td>
              <td>
                <StatusBadge status={assignment.status} />
              </td>
              {withoutAppraiser ? null : (
                <td>{assignment.appraiser?.name ?? <span className="muted">{text.list.unassigned}</span>}</td>
              )}
              <td className="list-nowrap">
                <DueDate assignment={assignment} today={today} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Vis flere" under a paged table, while another page exists. */
export function MoreButton({ hasMore, loading, onMore }: { hasMore: boolean; loading: boolean; onMore: () => void }) {
  if (!hasMore) return null;
  return (
    <p className="list-more">
      <button type="button" className="button-secondary" onClick={onMore} disabled={loading} aria-busy={loading}>
        {loading ? text.list.updating : text.common.more}
      </button>
    </p>
  );
}
