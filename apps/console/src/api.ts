import { type AppRouter, createTakstClient, isTakstError } from '@takst/sdk';
import { QueryClient } from '@tanstack/react-query';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';

/**
 * The platform's own typed client, on the page's origin with the session cookie: the same
 * router type as every other TypeScript app, so the console never writes a fetch for a procedure.
 */
export const takst = createTakstClient({ baseUrl: '', credentials: 'same-origin', maxRetries: 1 });

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A refusal the person can act on is shown, not retried; only what may pass on another try is. */
function worthRetrying(failures: number, error: unknown): boolean {
  if (isTakstError(error) && error.httpStatus !== null && error.httpStatus < 500 && error.httpStatus !== 429)
    return false;
  return failures < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 10_000, retry: worthRetrying, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
}

/** Whether a call failed because the session is gone: the console then asks the person to sign in. */
export const isSignedOut = (error: unknown): boolean => isTakstError(error) && error.httpStatus === 401;

export const queryClient = createQueryClient();

/**
 * Query and mutation options for every procedure, typed by the router:
 * `useQuery(trpc.assignments.get.queryOptions({ id }))`, `trpc.assignments.list.queryKey()`.
 */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: takst, queryClient });
