import {
  apiClientIdInput,
  apiClientSchema,
  createApiClientInput,
  createdApiClientSchema,
  listApiClientsOutput,
} from '@takst/contract';
import { z } from 'zod';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { announced } from './announced';
import { ADMIN_ONLY } from './roles';
import {
  getApiClient,
  listApiClients,
  registerApiClient,
  revokeApiClient,
  rotateApiClientKey,
  toApiClientDto,
} from './service';

export const apiClientsRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/api-clients', status: 201 },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'Register an API client; its key is shown only in this answer',
    })
    .input(createApiClientInput)
    .output(createdApiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client, apiKey } = await registerApiClient(ctx, input);
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client created');
      return { client: toApiClientDto(client), apiKey };
    }),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/api-clients' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'All API clients, oldest first',
    })
    .input(z.object({}).optional())
    .output(listApiClientsOutput)
    .query(async ({ ctx }) => ({ items: (await listApiClients(ctx.em)).map(toApiClientDto) })),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/api-clients/{id}' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'One API client, without its key',
    })
    .input(apiClientIdInput)
    .output(apiClientSchema)
    .query(async ({ ctx, input }) => toApiClientDto(await getApiClient(ctx.em, input.id))),

  revoke: procedure
    .meta({
      rest: { method: 'POST', path: '/api-clients/{id}/revoke' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'Revoke an API client: its key is refused from the next request on',
    })
    .input(apiClientIdInput)
    .output(apiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client } = await announced(ctx, ctx.apiKeys, input.id, () => revokeApiClient(ctx, input.id));
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client revoked');
      return toApiClientDto(client);
    }),

  rotate: procedure
    .meta({
      rest: { method: 'POST', path: '/api-clients/{id}/rotate' },
      scope: 'admin',
      roles: ADMIN_ONLY,
      description: 'Give an API client a new key, shown only in this answer; the old key stops working',
    })
    .input(apiClientIdInput)
    .output(createdApiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client, apiKey } = await announced(ctx, ctx.apiKeys, input.id, () => rotateApiClientKey(ctx, input.id));
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client key rotated');
      return { client: toApiClientDto(client), apiKey };
    }),
});
