import { type Assignment, REQUIRED_CERTIFICATION } from '@takst/sdk';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { trpc } from '../api';
import { useMe } from '../me';
import { text } from '../text';
import { Refusal } from '../ui/refusal';
import { useAssignmentRefresh } from './oppdrag-status';

const words = text.assignment.appraiser;

/** Who does the work, and (for the office) giving it to an appraiser certified for its type today. */
export function AppraiserSection({ assignment }: { assignment: Assignment }) {
  const { has } = useMe();
  const refresh = useAssignmentRefresh(assignment.id);
  const selectId = useId();
  const [chosen, setChosen] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const mayAssign = has('support', 'admin');
  const certified = useQuery({
    // A type that asks for no certification (e.g. a handover) may go to any active appraiser.
    ...trpc.appraisers.list.queryOptions({
      active: true,
      ...(REQUIRED_CERTIFICATION[assignment.type]
        ? { certifiedFor: REQUIRED_CERTIFICATION[assignment.type] ?? undefined }
        : {}),
      limit: 200,
    }),
    enabled: mayAssign,
  });
  const assign = useMutation(
    trpc.assignments.assign.mutationOptions({
      onSuccess: async (assigned) => {
        setDone(words.assigned(assigned.appraiser?.name ?? ''));
        await refresh();
      },
    }),
  );
  return (
    <section className="card" aria-labelledby="appraiser-title">
      <h2 id="appraiser-title">{words.title}</h2>
      <p>{assignment.appraiser?.name ?? words.none}</p>
      {mayAssign ? (
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            if (chosen) assign.mutate({ id: assignment.id, appraiserId: chosen, expectedVersion: assignment.version });
          }}
        >
          <label htmlFor={selectId}>
            {words.choose}
            <span className="muted small"> ({words.hint})</span>
          </label>
          <select id={selectId} value={chosen} onChange={(event) => setChosen(event.target.value)} required>
            <option value="">—</option>
            {(certified.data?.items ?? []).map((appraiser) => (
              <option key={appraiser.id} value={appraiser.id}>
                {appraiser.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={assign.isPending || !chosen}>
            {words.assign}
          </button>
        </form>
      ) : null}
      <Refusal error={assign.error} />
      <p role="status" className="small">
        {done ?? ''}
      </p>
    </section>
  );
}
