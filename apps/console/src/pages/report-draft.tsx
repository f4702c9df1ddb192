import type { Report } from '@takst/sdk';
import { useMutation } from '@tanstack/react-query';
import { useBlocker } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { trpc } from '../api';
import { reportText } from '../text/report';
import { formatTime } from '../ui/format';
import { type Autosave, useAutosave } from './report-autosave';
import { type ContentChange, describeChanges } from './report-changes';
import { ConflictBanner } from './report-conflict';
import { ContentEditor } from './report-content-editor';
import { isShownAtField, issueMessage, issuePath, type ReportForm, ReportFormProvider } from './report-form';
import { type FieldPath, missingRequired } from './report-model';
import { refreshWhenStale, useRefreshReport } from './report-refresh';
import { ReportRefusal } from './report-refusal';

const words = reportText;

function saveLabel(draft: Autosave, missing: number, localProblems: number): string {
  if (localProblems > 0 && (draft.state === 'saved' || draft.state === 'pending')) return words.save.localProblem;
  switch (draft.state) {
    case 'saved':
      return words.save.saved;
    case 'saving':
      return words.save.saving;
    case 'pending':
      return words.save.pending;
    case 'incomplete':
      return words.save.incomplete(missing);
    case 'invalid':
      return words.save.invalid;
    case 'conflict':
      return words.save.conflict;
    default:
      return words.save.failed;
  }
}

/** "Lagret" / "Lagrer …", read out as it changes; the time beside it is not, to keep it short. */
function SaveStatus({ draft, missing, localProblems }: { draft: Autosave; missing: number; localProblems: number }) {
  const label = saveLabel(draft, missing, localProblems);
  const calm = label === words.save.saved || label === words.save.saving || label === words.save.pending;
  return (
    <div className={`save-status${calm ? '' : ' save-status-problem'}`}>
      <p role="status" className="save-state">
        {label}
      </p>
      {draft.savedAt && label === words.save.saved ? (
        <span className="small muted">{words.save.savedAt(formatTime(draft.savedAt))}</span>
      ) : null}
      {draft.state === 'failed' ? (
        <button type="button" className="button-secondary" onClick={() => void draft.flush()}>
          {words.save.retry}
        </button>
      ) : null}
    </div>
  );
}

/** Which fields to point at: what the server refused, and required fields left empty once visited. */
function useFieldProblems(draft: Autosave, showAllMissing: boolean) {
  const [touched, setTouched] = useState<ReadonlySet<FieldPath>>(new Set());
  const [localProblems, setLocalProblems] = useState<ReadonlySet<FieldPath>>(new Set());
  const missing = useMemo(() => missingRequired(draft.content), [draft.content]);
  const serverProblems = useMemo(
    () => new Map(draft.issues.map((issue) => [issuePath(issue), issueMessage(issue)])),
    [draft.issues],
  );
  const touch = useCallback(
    (path: FieldPath) => setTouched((before) => (before.has(path) ? before : new Set(before).add(path))),
    [],
  );
  const setLocalProblem = useCallback((path: FieldPath, hasProblem: boolean) => {
    setLocalProblems((before) => {
      if (before.has(path) === hasProblem) return before;
      const next = new Set(before);
      if (hasProblem) next.add(path);
      else next.delete(path);
      return next;
    });
  }, []);
  const form: ReportForm = {
    problemAt: (path) =>
      serverProblems.get(path) ??
      (missing.includes(path) && (showAllMissing || touched.has(path)) ? words.fieldProblems.required : null),
    // Leaving a field saves at once, not a second later.
    touch: (path) => {
      touch(path);
      void draft.flush();
    },
    setLocalProblem,
  };
  const elsewhere = draft.issues.filter((issue) => !isShownAtField(issue)).map(issueMessage);
  return { form, missing, localProblems, elsewhere };
}

/**
 * The draft, editable by the assignment's appraiser: saved as it is typed, refused saves said
 * beside their fields, a conflict said with who changed what, and sent for review from here.
 */
export function DraftEditor({
  report,
  onDone,
  onLost,
}: {
  report: Report;
  onDone: (message: string) => void;
  onLost: (changes: ContentChange[]) => void;
}) {
  const draft = useAutosave(report, onLost);
  const [showAllMissing, setShowAllMissing] = useState(false);
  const problems = useFieldProblems(draft, showAllMissing);
  const refresh = useRefreshReport();
  const submit = useMutation(
    trpc.reports.submit.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.actions.submitted);
      },
    }),
  );
  const [blocked, setBlocked] = useState(false);

  const { adopt } = draft;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a newer version of the report is news
  useEffect(() => adopt(report), [report.version]);

  // Leaving while a save waits or runs is fine (it is finished on the way out); closing the tab is not,
  // and neither is leaving what cannot be saved as it stands.
  const unsaved = draft.state !== 'saved';
  const unsaveable = !['saved', 'pending', 'saving'].includes(draft.state) || problems.localProblems.size > 0;
  useBlocker({
    shouldBlockFn: () => unsaveable && !window.confirm(words.save.leaveWarning),
    enableBeforeUnload: () => unsaved,
  });

  const mine = draft.state === 'conflict' ? describeChanges(draft.base, draft.content) : [];
  const sendForReview = async () => {
    setBlocked(false);
    const saved = problems.localProblems.size === 0 && (await draft.flush());
    if (!saved) {
      setShowAllMissing(true);
      setBlocked(true);
      return;
    }
    submit.mutate({ id: report.id, expectedVersion: draft.version() });
  };

  return (
    <div className="report-draft">
      <SaveStatus draft={draft} missing={problems.missing.length} localProblems={problems.localProblems.size} />
      {draft.state === 'conflict' ? (
        <ConflictBanner
          report={report}
          mine={mine}
          onReload={(fresh) => {
            if (mine.length > 0) onLost(mine);
            draft.reset(fresh);
            void refresh();
          }}
          onKeepMine={draft.keepMine}
        />
      ) : null}
      {draft.state === 'failed' ? <ReportRefusal error={draft.error} /> : null}
      {problems.elsewhere.length > 0 ? (
        <div className="alert alert-error">
          <ul>
            {problems.elsewhere.map((message) => (
              <li key={message}>{message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <ReportFormProvider value={problems.form}>
        <div className="report-fields">
          <ContentEditor key={draft.generation} content={draft.content} onChange={draft.change} />
        </div>
      </ReportFormProvider>
      <section className="card report-submit" aria-labelledby="submit-title">
        <h3 id="submit-title">{words.actions.reviewTitle}</h3>
        <p className="small muted">{words.actions.submitHint}</p>
        <button
          type="button"
          disabled={draft.state === 'conflict' || submit.isPending}
          onClick={() => void sendForReview()}
        >
          {words.actions.submit}
        </button>
        {blocked && (draft.state !== 'saved' || problems.localProblems.size > 0) ? (
          <p role="alert" className="field-problem">
            {words.actions.submitBlocked}
          </p>
        ) : null}
        <ReportRefusal error={submit.error} />
      </section>
    </div>
  );
}
