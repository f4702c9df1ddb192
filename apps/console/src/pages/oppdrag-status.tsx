import { type Assignment, type AssignmentStatus, allowedTransitions, isTakstError } from '@takst/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { text } from '../text';
import { StatusBadge } from '../ui/format';
import { Refusal } from '../ui/refusal';

const words = text.assignment.status;

/** Everything on the page that a change to the assignment may have changed. */
export function useAssignmentRefresh(id: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.assignments.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.inspections.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.notes.list.queryKey({ assignmentId: id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/** The status now and the moves the shared transition table allows from it, as buttons. */
export function StatusMoves({ assignment }: { assignment: Assignment }) {
  const refresh = useAssignmentRefresh(assignment.id);
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [target, setTarget] = useState<AssignmentStatus | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const move = useMutation(
    trpc.assignments.transition.mutationOptions({
      onSuccess: async (moved) => {
        setReason('');
        setDone(words.moved(text.status[moved.status]));
        await refresh();
      },
      onError: async (error) => {
        if (isTakstError(error, 'VERSION_CONFLICT')) await refresh();
      },
    }),
  );
  const moves = allowedTransitions(assignment.status, assignment.statusBeforeHold);
  const go = (to: AssignmentStatus) => {
    setTarget(to);
    setDone(null);
    move.mutate({
      id: assignment.id,
      to,
      expectedVersion: assignment.version,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
  };
  const guard =
    target && isTakstError(move.error, 'TRANSITION_GUARD_FAILED') ? text.assignment.guards[target] : undefined;
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">{words.title}</h2>
      <p>
        {words.now}: <StatusBadge status={assignment.status} />
      </p>
      {moves.length === 0 ? (
        <p className="muted">{words.none}</p>
      ) : (
        <>
          <label htmlFor={reasonId}>{words.reason}</label>
          <input id={reasonId} value={reason} maxLength={2000} onChange={(event) => setReason(event.target.value)} />
          <p>{words.movesIntro}</p>
          <div className="row">
            {moves.map((to) => (
              <button
                key={to}
                type="button"
                className="button-secondary"
                disabled={move.isPending}
                onClick={() => go(to)}
              >
                {words.moveTo(text.status[to])}
              </button>
            ))}
          </div>
        </>
      )}
      <Refusal error={move.error} detail={guard} />
      <p role="status" className="small">
        {done ?? ''}
      </p>
    </section>
  );
}
