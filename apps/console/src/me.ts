import type { Role } from '@takst/sdk';
import { useQuery } from '@tanstack/react-query';
import { trpc } from './api';

/** The signed-in person (the signed-in layout made sure there is one). */
export function useMe() {
  const { data } = useQuery(trpc.me.get.queryOptions());
  const user = data?.user ?? null;
  const roles: readonly Role[] = user?.roles ?? [];
  return {
    user,
    roles,
    has: (...wanted: Role[]) => wanted.some((role) => roles.includes(role)),
  };
}
