import { type Assignment, type Inspection, isTakstError } from '@takst/sdk';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { formatDate, formatTime, osloTimestamp } from '../ui/format';
import { Refusal } from '../ui/refusal';
import { useAssignmentRefresh } from './oppdrag-status';

const words = text.assignment.inspections;

/** An overlap is the appraiser being busy then, said with the other inspection's time. */
function busyDetail(error: unknown): string | undefined {
  if (!isTakstError(error, 'APPRAISER_UNAVAILABLE')) return undefined;
  const data = error.data as { startsAt?: string; endsAt?: string } | undefined;
  if (!data?.startsAt || !data.endsAt) return undefined;
  return words.busy(`${formatDate(data.startsAt)} ${formatTime(data.startsAt)}`, formatTime(data.endsAt));
}

function BusyOrRefusal({ error }: { error: unknown }) {
  const busy = busyDetail(error);
  if (busy) {
    return (
      <p role="alert" className="alert alert-warn">
        {busy}
      </p>
    );
  }
  return <Refusal error={error} />;
}

function SlotFields({ prefix }: { prefix: string }) {
  return (
    <>
      <label>
        {words.date}
        <input type="date" name={`${prefix}date`} required />
      </label>
      <label>
        {words.starts}
        <input type="time" name={`${prefix}starts`} required step={300} />
      </label>
      <label>
        {words.ends}
        <input type="time" name={`${prefix}ends`} required step={300} />
      </label>
    </>
  );
}

const slotOf = (form: HTMLFormElement, prefix = '') => {
  const data = new FormData(form);
  const date = String(data.get(`${prefix}date`));
  return {
    startsAt: osloTimestamp(date, String(data.get(`${prefix}starts`))),
    endsAt: osloTimestamp(date, String(data.get(`${prefix}ends`))),
  };
};

function InspectionRow({ inspection, refresh }: { inspection: Inspection; refresh: () => Promise<unknown> }) {
  const [mode, setMode] = useState<'view' | 'move' | 'cancel'>('view');
  const reasonId = useId();
  const options = {
    onSuccess: async () => {
      setMode('view');
      await refresh();
    },
  };
  const complete = useMutation(trpc.inspections.complete.mutationOptions(options));
  const reschedule = useMutation(trpc.inspections.reschedule.mutationOptions(options));
  const cancel = useMutation(trpc.inspections.cancel.mutationOptions(options));
  const open = inspection.status === 'booked' || inspection.status === 'rescheduled';
  const when = `${formatDate(inspection.startsAt)} ${formatTime(inspection.startsAt)}–${formatTime(inspection.endsAt)}`;
  return (
    <tr>
      <td>
        {when}
        {inspection.previousTimes.length > 0 ? (
          <span className="muted small"> ({words.moved(inspection.previousTimes.length)})</span>
        ) : null}
      </td>
      <td>{inspection.appraiser.name}</td>
      <td>
        {words.statuses[inspection.status] ?? inspection.status}
        {inspection.cancelReason ? <span className="muted small"> – {inspection.cancelReason}</span> : null}
      </td>
      <td>
        {open && mode === 'view' ? (
          <div className="row">
            <button
              type="button"
              onClick={() => complete.mutate({ id: inspection.id, expectedVersion: inspection.version })}
              disabled={complete.isPending}
            >
              {words.complete}
            </button>
            <button type="button" className="button-secondary" onClick={() => setMode('move')}>
              {words.reschedule}
            </button>
            <button type="button" className="button-secondary" onClick={() => setMode('cancel')}>
              {words.cancel}
            </button>
          </div>
        ) : null}
        {mode === 'move' ? (
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              reschedule.mutate({
                id: inspection.id,
                expectedVersion: inspection.version,
                ...slotOf(event.currentTarget),
              });
            }}
          >
            <SlotFields prefix="" />
            <button type="submit">{words.saveReschedule}</button>
            <button type="button" className="button-quiet" onClick={() => setMode('view')}>
              {text.common.cancel}
            </button>
          </form>
        ) : null}
        {mode === 'cancel' ? (
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault();
              const reason = String(new FormData(event.currentTarget).get('reason'));
              cancel.mutate({ id: inspection.id, expectedVersion: inspection.version, reason });
            }}
          >
            <label htmlFor={reasonId}>{words.cancelReason}</label>
            <input id={reasonId} name="reason" required maxLength={2000} />
            <button type="submit" className="button-danger">
              {words.confirmCancel}
            </button>
            <button type="button" className="button-quiet" onClick={() => setMode('view')}>
              {text.common.cancel}
            </button>
          </form>
        ) : null}
        <BusyOrRefusal error={complete.error ?? reschedule.error ?? cancel.error} />
      </td>
    </tr>
  );
}

/** The assignment's inspections, with booking, moving, cancelling and completing. */
export function InspectionsSection({ assignment }: { assignment: Assignment }) {
  const refresh = useAssignmentRefresh(assignment.id);
  const list = useQuery(trpc.inspections.list.queryOptions({ assignmentId: assignment.id, limit: 100 }));
  const book = useMutation(trpc.inspections.book.mutationOptions({ onSuccess: () => refresh() }));
  const inspections = list.data?.items ?? [];
  return (
    <section className="card" aria-labelledby="inspections-title">
      <h2 id="inspections-title">{words.title}</h2>
      {inspections.length === 0 ? (
        <p className="muted">{words.none}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{words.caption}</caption>
          <thead>
            <tr>
              <th scope="col">{words.when}</th>
              <th scope="col">{words.who}</th>
              <th scope="col">{words.status}</th>
              <th scope="col">{words.actions}</th>
            </tr>
          </thead>
          <tbody>
            {inspections.map((inspection) => (
              <InspectionRow key={inspection.id} inspection={inspection} refresh={refresh} />
            ))}
          </tbody>
        </table>
      )}
      {assignment.appraiser ? (
        <form
          className="row"
          aria-label={words.book}
          onSubmit={(event) => {
            event.preventDefault();
            const appraiserId = assignment.appraiser?.id;
            if (appraiserId)
              book.mutate({ assignmentId: assignment.id, appraiserId, ...slotOf(event.currentTarget, 'book-') });
          }}
        >
          <SlotFields prefix="book-" />
          <button type="submit" disabled={book.isPending}>
            {words.book}
          </button>
        </form>
      ) : null}
      <BusyOrRefusal error={book.error} />
    </section>
  );
}
