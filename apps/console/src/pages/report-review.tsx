import type { Report } from '@takst/sdk';
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { reportText } from '../text/report';
import type { ReportAccess } from './report-access';
import { refreshWhenStale, useRefreshReport } from './report-refresh';
import { ReportRefusal } from './report-refusal';

const words = reportText.actions;

/** Send back to draft with what must be put right: from review, or from an approval not yet delivered. */
function SendBack({ report, onDone }: { report: Report; onDone: (message: string) => void }) {
  const refresh = useRefreshReport();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const reject = useMutation(
    trpc.reports.reject.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.rejected);
      },
    }),
  );
  const missingReason = tried && reason.trim() === '';
  return (
    <form
      className="report-send-back"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (reason.trim() === '') return;
        reject.mutate({ id: report.id, expectedVersion: report.version, reason: reason.trim() });
      }}
    >
      <div className="report-field">
        <label htmlFor={reasonId}>{words.rejectReason}</label>
        <textarea
          id={reasonId}
          rows={3}
          value={reason}
          required
          aria-invalid={missingReason ? true : undefined}
          aria-describedby={`${reasonId}-hint${missingReason ? ` ${reasonId}-problem` : ''}`}
          onChange={(event) => setReason(event.target.value)}
        />
        <p id={`${reasonId}-hint`} className="small muted field-hint">
          {words.rejectHint}
        </p>
        {missingReason ? (
          <p id={`${reasonId}-problem`} className="field-problem">
            {words.rejectNeedsReason}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button-secondary" disabled={reject.isPending}>
        {words.reject}
      </button>
      <ReportRefusal error={reject.error} />
    </form>
  );
}

/** The reviewer's screen: approve a submitted version, or send it back with a reason; never one's own. */
export function ReviewPanel({
  report,
  access,
  onDone,
}: {
  report: Report;
  access: ReportAccess;
  onDone: (message: string) => void;
}) {
  const refresh = useRefreshReport();
  const approve = useMutation(
    trpc.reports.approve.mutationOptions({
      onError: refreshWhenStale(refresh),
      onSuccess: async () => {
        await refresh();
        onDone(words.approved);
      },
    }),
  );
  if (!access.reviews) {
    return report.status === 'submitted' ? <p className="muted">{words.onlyReviewer}</p> : null;
  }
  return (
    <section className="card report-review" aria-labelledby="review-title">
      <h3 id="review-title">{words.reviewTitle}</h3>
      {access.wrote(report) ? (
        <p className="alert alert-warn">{words.ownReport}</p>
      ) : (
        <>
          <p>{report.status === 'submitted' ? words.reviewIntro : words.reviewApprovedIntro}</p>
          {report.status === 'submitted' ? (
            <p>
              <button
                type="button"
                disabled={approve.isPending}
                onClick={() => approve.mutate({ id: report.id, expectedVersion: report.version })}
              >
                {words.approve}
              </button>
            </p>
          ) : null}
          <ReportRefusal error={approve.error} />
          <SendBack report={report} onDone={onDone} />
        </>
      )}
    </section>
  );
}
