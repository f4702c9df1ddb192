import {
  apiClientIdInput,
  apiClientSchema,
  createApiClientInput,
  createdApiClientSchema,
  listApiClientsOutput,
} from '@takst/contract';
import type { ApiClient, EntityManager } from '@takst/db';
import { z } from 'zod';
import { afterCommit } from '../lib/transaction';
import { procedure } from '../procedure';
import { router } from '../trpc';
import type { ApiKeyCache } from './api-key-cache';
import {
  getApiClient,
  listApiClients,
  registerApiClient,
  revokeApiClient,
  rotateApiClientKey,
  toApiClientDto,
} from './service';

// Bounded, so a slow notification never hangs the answer; the change is in force in this
// process either way.
const ANNOUNCEMENT_TIMEOUT_MS = 1_000;

/**
 * Makes a change to an API client and answers only once this process has heard the database's
 * notification of it. PostgreSQL signals every listening process at the same moment, so by the
 * time the caller holds the answer the other servers have, in practice, dropped the old key
 * too; without the wait, a quick caller could reach another server a few milliseconds before
 * its notification. Under an Idempotency-Key the change commits with the call's record, after
 * the procedure returns, so the wait is deferred until then.
 */
async function announced<T extends { client: ApiClient }>(
  ctx: { apiKeys: ApiKeyCache; em: EntityManager },
  clientId: string,
  change: () => Promise<T & { changed?: boolean }>,
): Promise<T> {
  const watch = ctx.apiKeys.watchChange(clientId);
  let handedOver = false;
  try {
    const result = await change();
    ctx.apiKeys.forget(clientId);
    if (result.changed !== false) {
      handedOver = true;
      await afterCommit(ctx.em, {
        work: async () => {
          // Forgotten again: a request may have cached the old key before the commit.
          ctx.apiKeys.forget(clientId);
          await watch.untilHeard(ANNOUNCEMENT_TIMEOUT_MS);
          watch.cancel();
        },
        rolledBack: watch.cancel,
      });
    }
    return result;
  } finally {
    if (!handedOver) watch.cancel();
  }
}

export const apiClientsRouter = router({
  create: procedure
    .meta({ scope: 'admin', description: 'Register an API client; its key is shown only in this answer' })
    .input(createApiClientInput)
    .output(createdApiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client, apiKey } = await registerApiClient(ctx, input);
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client created');
      return { client: toApiClientDto(client), apiKey };
    }),

  list: procedure
    .meta({ scope: 'admin', description: 'All API clients, oldest first' })
    .input(z.object({}).optional())
    .output(listApiClientsOutput)
    .query(async ({ ctx }) => ({ items: (await listApiClients(ctx.em)).map(toApiClientDto) })),

  get: procedure
    .meta({ scope: 'admin', description: 'One API client, without its key' })
    .input(apiClientIdInput)
    .output(apiClientSchema)
    .query(async ({ ctx, input }) => toApiClientDto(await getApiClient(ctx.em, input.id))),

  revoke: procedure
    .meta({ scope: 'admin', description: 'Revoke an API client: its key is refused from the next request on' })
    .input(apiClientIdInput)
    .output(apiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client } = await announced(ctx, input.id, () => revokeApiClient(ctx, input.id));
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client revoked');
      return toApiClientDto(client);
    }),

  rotate: procedure
    .meta({
      scope: 'admin',
      description: 'Give an API client a new key, shown only in this answer; the old key stops working',
    })
    .input(apiClientIdInput)
    .output(createdApiClientSchema)
    .mutation(async ({ ctx, input }) => {
      const { client, apiKey } = await announced(ctx, input.id, () => rotateApiClientKey(ctx, input.id));
      ctx.logger.info({ clientId: client.id, actor: ctx.actor.clientId }, 'api client key rotated');
      return { client: toApiClientDto(client), apiKey };
    }),
});
