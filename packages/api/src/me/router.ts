import { meSchema, SCOPES, type Scope } from '@takst/contract';
import { z } from 'zod';
import { EVERYONE } from '../auth/roles';
import { AUTHENTICATED } from '../auth/scopes';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toUserDto } from '../users/mapper';
import { getUser } from '../users/service';

const isScope = (scope: string): scope is Scope => (SCOPES as readonly string[]).includes(scope);

export const meRouter = router({
  get: procedure
    .meta({
      rest: { method: 'GET', path: '/me' },
      scope: AUTHENTICATED,
      roles: EVERYONE,
      description: 'Who is calling: the person, the API client, and the scopes the call holds',
    })
    .input(z.object({}).optional())
    .output(meSchema)
    .query(async ({ ctx }) => {
      const { actor } = ctx;
      const scopes = actor.scopes.filter(isScope);
      const user = actor.user ? toUserDto(await getUser(ctx.em, actor.user.id)) : null;
      if (actor.clientId === null) return { user, apiClient: null, scopes, via: 'session' as const };
      // An API client acting for a person names both.
      return { user, apiClient: { id: actor.clientId, name: actor.name }, scopes, via: 'api_key' as const };
    }),
});
