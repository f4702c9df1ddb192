import { createApiClientInput, createdApiClientSchema, listApiClientsOutput } from '@takst/contract';
import { z } from 'zod';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { createApiClient, listApiClients, toApiClientDto } from './service';

export const apiClientsRouter = router({
  create: procedure
    .meta({ scope: 'admin', description: 'Register an API client; its key is shown only in this answer' })
    .input(createApiClientInput)
    .output(createdApiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client, apiKey } = await createApiClient(ctx.em, input);
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client created');
      return { client: toApiClientDto(client), apiKey };
    }),

  list: procedure
    .meta({ scope: 'admin', description: 'All API clients, oldest first' })
    .input(z.object({}).optional())
    .output(listApiClientsOutput)
    .query(async ({ ctx }) => ({ items: (await listApiClients(ctx.em)).map(toApiClientDto) })),
});
