import { isTakstError } from '@takst/sdk';
import { useQueryClient } from '@tanstack/react-query';
import { trpc } from '../api';

/** After a report or its assignment moved: the versions, the assignment and their history are read again. */
export function useRefreshReport() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.reports.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.assignments.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
    ]);
}

/**
 * For an action's onError: when the report or assignment moved on meanwhile (or is no longer in the
 * state the action needs), the page reads it again, so what the refusal says matches what is shown.
 */
export const refreshWhenStale = (refresh: () => Promise<unknown>) => (error: unknown) => {
  if (isTakstError(error, 'VERSION_CONFLICT') || isTakstError(error, 'REPORT_WRONG_STATE')) void refresh();
};
