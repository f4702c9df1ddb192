import {
  type Assignment,
  type AssignmentStatus,
  allowedTransitions,
  REPORT_KIND_BY_TYPE,
  type Report,
} from '@takst/sdk';
import { useMutation } from '@tanstack/react-query';
import { trpc } from '../api';
import { text } from '../text';
import { reportText } from '../text/report';
import type { ReportAccess } from './report-access';
import { emptyContent } from './report-model';
import { refreshWhenStale, useRefreshReport } from './report-refresh';
import { ReportRefusal } from './report-refusal';

const words = reportText;

/** No report yet: the assignment's appraiser starts one, of the kind its type takes. */
export function StartReport({
  assignment,
  access,
  onDone,
}: {
  assignment: Assignment;
  access: ReportAccess;
  onDone: (message: string) => void;
}) {
  const refresh = useRefreshReport();
  const kind = REPORT_KIND_BY_TYPE[assignment.type];
  const start = useMutation(
    trpc.reports.createDraft.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.actions.started);
      },
    }),
  );
  return (
    <section className="card" aria-labelledby="no-report-title">
      <h2 id="no-report-title">{words.noneTitle}</h2>
      <p>{words.none}</p>
      {access.writes ? (
        <>
          <p>{words.startsAs(words.kindOf[kind])}</p>
          <button
            type="button"
            disabled={start.isPending}
            onClick={() => start.mutate({ assignmentId: assignment.id, content: emptyContent(kind) })}
          >
            {words.start}
          </button>
        </>
      ) : (
        <p className="muted">{access.appraiserElsewhere ? words.notYours : words.onlyAppraiser}</p>
      )}
      <ReportRefusal error={start.error} />
    </section>
  );
}

/** A move of the assignment the report's state asks for, offered to those who may make it. */
function MoveAssignment({
  assignment,
  to,
  why,
  onDone,
}: {
  assignment: Assignment;
  to: AssignmentStatus;
  why: string;
  onDone: (message: string) => void;
}) {
  const refresh = useRefreshReport();
  const move = useMutation(
    trpc.assignments.transition.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.actions.moved(text.status[to]));
      },
    }),
  );
  return (
    <div className="alert alert-warn report-follow-up">
      <p>{why}</p>
      <button
        type="button"
        className="button-secondary"
        disabled={move.isPending}
        onClick={() => move.mutate({ id: assignment.id, to, expectedVersion: assignment.version })}
      >
        {words.actions.moveAssignment(text.status[to])}
      </button>
      <ReportRefusal error={move.error} />
    </div>
  );
}

/**
 * The report and its assignment move separately: a submitted report is found by the reviewer when
 * the assignment is "Til kontroll", and a report sent back is written again when it is "Rapport skrives".
 */
export function AssignmentFollowUp({
  report,
  assignment,
  access,
  onDone,
}: {
  report: Report;
  assignment: Assignment;
  access: ReportAccess;
  onDone: (message: string) => void;
}) {
  if (!access.movesAssignment) return null;
  const allowed = allowedTransitions(assignment.status, assignment.statusBeforeHold);
  const waitingForReview = report.status === 'submitted' || report.status === 'approved';
  if (waitingForReview && assignment.status === 'drafting' && allowed.includes('in_review')) {
    return <MoveAssignment assignment={assignment} to="in_review" why={words.actions.moveToReview} onDone={onDone} />;
  }
  if (
    report.status === 'draft' &&
    !report.revisesId &&
    assignment.status === 'in_review' &&
    allowed.includes('drafting')
  ) {
    return <MoveAssignment assignment={assignment} to="drafting" why={words.actions.moveBack} onDone={onDone} />;
  }
  return null;
}

/** An approved report goes to the customer: the first version with its assignment, a revision on its own. */
export function DeliverPanel({
  report,
  assignment,
  access,
  onDone,
}: {
  report: Report;
  assignment: Assignment;
  access: ReportAccess;
  onDone: (message: string) => void;
}) {
  const refresh = useRefreshReport();
  const done = async () => {
    await refresh();
    onDone(words.actions.delivered);
  };
  const withAssignment = useMutation(
    trpc.assignments.transition.mutationOptions({ onSuccess: done, onError: refreshWhenStale(refresh) }),
  );
  const revision = useMutation(
    trpc.reports.deliverRevision.mutationOptions({ onSuccess: done, onError: refreshWhenStale(refresh) }),
  );
  const isRevision = report.revisesId !== null;
  const may = isRevision ? access.reviews : access.delivers;
  const ready = isRevision || allowedTransitions(assignment.status, assignment.statusBeforeHold).includes('delivered');
  return (
    <section className="card report-deliver" aria-labelledby="deliver-title">
      <h3 id="deliver-title">{words.actions.deliverTitle}</h3>
      {!may ? (
        <p className="muted">{words.actions.deliverWho}</p>
      ) : !ready ? (
        <p>{words.actions.deliverNotYet(text.status[assignment.status])}</p>
      ) : (
        <>
          <p className="small muted">{isRevision ? words.actions.deliverRevisionHint : words.actions.deliverHint}</p>
          <button
            type="button"
            disabled={withAssignment.isPending || revision.isPending}
            onClick={() =>
              isRevision
                ? revision.mutate({ id: report.id, expectedVersion: report.version })
                : withAssignment.mutate({ id: assignment.id, to: 'delivered', expectedVersion: assignment.version })
            }
          >
            {isRevision ? words.actions.deliverRevision : words.actions.deliver}
          </button>
        </>
      )}
      <ReportRefusal error={withAssignment.error ?? revision.error} />
    </section>
  );
}

/** A delivered version is never changed; the assignment's appraiser starts the next version from it. */
export function RevisePanel({
  report,
  access,
  onDone,
}: {
  report: Report;
  access: ReportAccess;
  onDone: (message: string) => void;
}) {
  const refresh = useRefreshReport();
  const revise = useMutation(
    trpc.reports.revise.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.actions.revised);
      },
    }),
  );
  if (!access.writes) return null;
  return (
    <section className="card" aria-labelledby="revise-title">
      <h3 id="revise-title">{words.actions.revise}</h3>
      <p className="small muted">{words.actions.reviseHintFor(report.number + 1)}</p>
      <button
        type="button"
        className="button-secondary"
        disabled={revise.isPending}
        onClick={() => revise.mutate({ id: report.id })}
      >
        {words.actions.revise}
      </button>
      <ReportRefusal error={revise.error} />
    </section>
  );
}
