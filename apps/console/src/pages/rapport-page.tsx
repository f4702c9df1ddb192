import { type Assignment, isTakstError, REPORT_KIND_BY_TYPE, type Report } from '@takst/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useId, useRef, useState } from 'react';
import { takst, trpc } from '../api';
import { useMe } from '../me';
import { text } from '../text';
import { ErrorMessage, Loading } from '../ui/feedback';
import { formatDateTime, StatusBadge } from '../ui/format';
import { Refusal } from '../ui/refusal';
import { type Content, ContentEditor, editable, emptyContent } from './rapport-content';
import './rapport.css';

const route = getRouteApi('/signed-in/oppdrag/$id/rapport');
const words = text.rapport;
const AUTOSAVE_AFTER_MS = 1_000;

type SaveState = 'saved' | 'unsaved' | 'saving';

/** Who changed the report last, and what: the newest audit entry of the version. */
async function conflictMessage(reportId: string): Promise<string> {
  const [last] = (await takst.audit.list.query({ entityId: reportId, limit: 1 })).items;
  if (!last) return words.conflictUnknown;
  const who = last.user?.name ?? last.actor.name;
  return words.conflict(who, formatDateTime(last.occurredAt), Object.keys(last.changes).join(', '));
}

function useRefreshReport(assignmentId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.assignments.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/** The draft as typed, saved a second after the last change with the version it was read at. */
function DraftEditor({ report, writable }: { report: Report; writable: boolean }) {
  const queryClient = useQueryClient();
  const [content, setContent] = useState<Content>(() => editable(report.content));
  const [state, setState] = useState<SaveState>('saved');
  const [conflict, setConflict] = useState<string | null>(null);
  const version = useRef(report.version);
  const save = useMutation(
    trpc.reports.updateDraft.mutationOptions({
      onSuccess: (saved) => {
        version.current = saved.version;
        setState('saved');
        void queryClient.invalidateQueries({
          queryKey: trpc.reports.list.queryKey({ assignmentId: report.assignmentId }),
        });
      },
      onError: async (error) => {
        setState('unsaved');
        if (isTakstError(error, 'VERSION_CONFLICT')) setConflict(await conflictMessage(report.id));
      },
    }),
  );
  useEffect(() => {
    if (state !== 'unsaved' || conflict) return;
    const timer = setTimeout(() => {
      setState('saving');
      save.mutate({ id: report.id, expectedVersion: version.current, content });
    }, AUTOSAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [content, state, conflict, report.id, save]);
  const reload = async () => {
    const fresh = await takst.reports.get.query({ id: report.id });
    version.current = fresh.version;
    setContent(editable(fresh.content));
    setConflict(null);
    setState('saved');
  };
  return (
    <div className="report-editor">
      <p role="status" aria-live="polite" className="small muted save-state">
        {state === 'saving' ? words.saving : state === 'saved' ? words.saved : words.unsaved}
      </p>
      {conflict ? (
        <div role="alert" className="alert alert-warn">
          <p>{conflict}</p>
          <button type="button" onClick={reload}>
            {words.reload}
          </button>
        </div>
      ) : null}
      {save.error && !conflict ? <Refusal error={save.error} /> : null}
      <ContentEditor
        content={content}
        readOnly={!writable}
        onChange={(next) => {
          setContent(next);
          setState('unsaved');
        }}
      />
      <SubmitButton
        report={report}
        version={version}
        blocked={state !== 'saved' || conflict !== null}
        writable={writable}
      />
    </div>
  );
}

function SubmitButton({
  report,
  version,
  blocked,
  writable,
}: {
  report: Report;
  version: { current: number };
  blocked: boolean;
  writable: boolean;
}) {
  const refresh = useRefreshReport(report.assignmentId);
  const submit = useMutation(trpc.reports.submit.mutationOptions({ onSuccess: () => refresh() }));
  if (!writable) return null;
  return (
    <>
      <button
        type="button"
        disabled={blocked || submit.isPending}
        onClick={() => submit.mutate({ id: report.id, expectedVersion: version.current })}
      >
        {words.actions.submit}
      </button>
      <Refusal error={submit.error} />
    </>
  );
}

/** The reviewer's screen: approve, or send back with what must be put right. */
function Review({ report }: { report: Report }) {
  const refresh = useRefreshReport(report.assignmentId);
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const approve = useMutation(trpc.reports.approve.mutationOptions({ onSuccess: () => refresh() }));
  const reject = useMutation(trpc.reports.reject.mutationOptions({ onSuccess: () => refresh() }));
  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">{words.actions.review}</h2>
      <p>{words.actions.reviewIntro}</p>
      <button
        type="button"
        disabled={approve.isPending}
        onClick={() => approve.mutate({ id: report.id, expectedVersion: report.version })}
      >
        {words.actions.approve}
      </button>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (reason.trim()) reject.mutate({ id: report.id, expectedVersion: report.version, reason: reason.trim() });
        }}
      >
        <label htmlFor={reasonId}>{words.actions.rejectReason}</label>
        <textarea id={reasonId} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />
        <button type="submit" className="button-secondary" disabled={!reason.trim() || reject.isPending}>
          {words.actions.confirmReject}
        </button>
      </form>
      <Refusal error={approve.error ?? reject.error} />
    </section>
  );
}

/** An approved report goes to the customer: with its assignment (the first version) or on its own (a revision). */
function Deliver({ report, assignment }: { report: Report; assignment: Assignment }) {
  const refresh = useRefreshReport(report.assignmentId);
  const withAssignment = useMutation(trpc.assignments.transition.mutationOptions({ onSuccess: () => refresh() }));
  const revision = useMutation(trpc.reports.deliverRevision.mutationOptions({ onSuccess: () => refresh() }));
  const deliver = () =>
    report.revisesId
      ? revision.mutate({ id: report.id, expectedVersion: report.version })
      : withAssignment.mutate({ id: assignment.id, to: 'delivered', expectedVersion: assignment.version });
  return (
    <>
      <button type="button" onClick={deliver} disabled={withAssignment.isPending || revision.isPending}>
        {report.revisesId ? words.actions.deliverRevision : words.actions.deliver}
      </button>
      <Refusal error={withAssignment.error ?? revision.error} />
    </>
  );
}

function Revise({ assignmentId }: { assignmentId: string }) {
  const refresh = useRefreshReport(assignmentId);
  const revise = useMutation(trpc.reports.revise.mutationOptions({ onSuccess: () => refresh() }));
  return (
    <>
      <button type="button" className="button-secondary" onClick={() => revise.mutate({ assignmentId })}>
        {words.actions.revise}
      </button>
      <Refusal error={revise.error} />
    </>
  );
}

function StartReport({ assignment }: { assignment: Assignment }) {
  const refresh = useRefreshReport(assignment.id);
  const start = useMutation(trpc.reports.createDraft.mutationOptions({ onSuccess: () => refresh() }));
  return (
    <>
      <button
        type="button"
        onClick={() =>
          start.mutate({ assignmentId: assignment.id, content: emptyContent(REPORT_KIND_BY_TYPE[assignment.type]) })
        }
      >
        {words.start}
      </button>
      <Refusal error={start.error} />
    </>
  );
}

export function ReportPage() {
  const { id } = route.useParams();
  const { has } = useMe();
  const assignment = useQuery(trpc.assignments.get.queryOptions({ id }));
  const reports = useQuery(trpc.reports.list.queryOptions({ assignmentId: id }));
  if (assignment.isPending || reports.isPending) return <Loading />;
  if (assignment.isError) return <ErrorMessage error={assignment.error} />;
  if (reports.isError) return <ErrorMessage error={reports.error} />;
  const versions = reports.data.items;
  const latest = versions.at(-1);
  const current = assignment.data;
  return (
    <article className="report-page">
      <h1>{words.title(current.reference)}</h1>
      <p>
        <Link to="/oppdrag/$id" params={{ id }}>
          {words.back}
        </Link>{' '}
        · <StatusBadge status={current.status} />
      </p>
      {versions.length > 1 ? (
        <p className="small muted">
          {words.versions}:{' '}
          {versions.map((version) => `${words.version(version.number)} (${words.statuses[version.status]})`).join(', ')}
        </p>
      ) : null}
      {!latest ? (
        <section className="card">
          <p>{words.none}</p>
          {has('appraiser') ? <StartReport assignment={current} /> : <p className="muted">{words.onlyAppraiser}</p>}
        </section>
      ) : (
        <>
          <h2>
            {words.version(latest.number)}: {words.statuses[latest.status]}
          </h2>
          {latest.status === 'delivered' ? <p className="alert alert-ok">{words.readOnly}</p> : null}
          <DraftEditor
            key={`${latest.id}:${latest.status}`}
            report={latest}
            writable={latest.status === 'draft' && has('appraiser')}
          />
          {latest.status === 'submitted' && has('reviewer') ? <Review report={latest} /> : null}
          {latest.status === 'approved' && has('reviewer', 'support', 'admin') ? (
            <Deliver report={latest} assignment={current} />
          ) : null}
          {latest.status === 'delivered' && has('appraiser') ? <Revise assignmentId={id} /> : null}
        </>
      )}
    </article>
  );
}
