import type { RouterInputs, RouterOutputs } from '@takst/sdk';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { takst, trpc } from '../api';

export type AssignmentListInput = Omit<Exclude<RouterInputs['assignments']['list'], undefined>, 'cursor'>;
type AssignmentPage = RouterOutputs['assignments']['list'];

/**
 * Pages of `assignments.list`, one keyset cursor after another. Not tRPC's infiniteQueryOptions:
 * it writes its own `direction` ('forward') into the input, over the list's sort direction
 * (which the API then refuses), and leaves `direction` out of the cache key. The key has tRPC's
 * shape, so invalidating `trpc.assignments.pathKey()` refreshes these pages too.
 */
export function useAssignmentPages(input: AssignmentListInput, { keepPrevious = false } = {}) {
  const [path] = trpc.assignments.list.pathKey();
  return useInfiniteQuery({
    queryKey: [path, { input, type: 'infinite' }],
    queryFn: ({ pageParam, signal }): Promise<AssignmentPage> =>
      takst.assignments.list.query(pageParam ? { ...input, cursor: pageParam } : input, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
    // The rows of the last filter stay (dimmed) until the new ones come, so the page does not jump.
    placeholderData: keepPrevious ? keepPreviousData : undefined,
  });
}
