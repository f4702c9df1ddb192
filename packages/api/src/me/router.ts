import { meSchema, SCOPES, type Scope } from '@takst/contract';
import { z } from 'zod';
import { AUTHENTICATED } from '../auth/scopes';
import { procedure } from '../procedure';
import { router } from '../trpc';

const isScope = (scope: string): scope is Scope => (SCOPES as readonly string[]).includes(scope);

export const meRouter = router({
  get: procedure
    .meta({
      scope: AUTHENTICATED,
      description: 'Who is calling: the person, the API client, and the scopes the call holds',
    })
    .input(z.object({}).optional())
    .output(meSchema)
    .query(({ ctx }) => ({
      user: null,
      apiClient: { id: ctx.actor.clientId, name: ctx.actor.name },
      scopes: ctx.actor.scopes.filter(isScope),
      via: 'api_key' as const,
    })),
});
