import {
  createWebhookInput,
  deletedWebhookSchema,
  deleteWebhookInput,
  getWebhookInput,
  getWebhookSecretInput,
  listDeliveriesInput,
  listWebhooksInput,
  recoverInput,
  recoverOutput,
  redeliverInput,
  rotateWebhookSecretInput,
  updateWebhookInput,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointPageSchema,
  webhookEndpointSchema,
  webhookSecretSchema,
  webhookWithSecretSchema,
} from '@takst/contract';
import { ADMIN_ONLY } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toWebhookDeliveryDto, toWebhookEndpointDto } from './mapper';
import { listDeliveryRows, listEndpointRows } from './read-model';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookSecret,
  recover,
  redeliver,
  rotateWebhookSecret,
  updateWebhook,
} from './service';

const withSecret = ({ endpoint, secret }: Awaited<ReturnType<typeof createWebhook>>) => ({
  endpoint: toWebhookEndpointDto(endpoint),
  secret,
});

export const webhooksRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/webhooks', status: 201 },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Register a webhook endpoint; the answer holds its signing secret (read it again with getSecret)',
    })
    .input(createWebhookInput)
    .output(webhookWithSecretSchema)
    .mutation(async ({ ctx, input }) => withSecret(await createWebhook(ctx, input))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/webhooks' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Webhook endpoints newest first, keyset-paginated',
    })
    .input(listWebhooksInput)
    .output(webhookEndpointPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listEndpointRows(ctx.em, input);
      return { items: page.items.map(toWebhookEndpointDto), nextCursor: page.nextCursor };
    }),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/webhooks/{id}' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'One webhook endpoint by id (without its secret)',
    })
    .input(getWebhookInput)
    .output(webhookEndpointSchema)
    .query(async ({ ctx, input }) => toWebhookEndpointDto(await getWebhook(ctx.em, input.id))),

  getSecret: procedure
    .meta({
      rest: { method: 'GET', path: '/webhooks/{id}/secret' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: "An endpoint's signing secret, and the one before it while it still signs",
    })
    .input(getWebhookSecretInput)
    .output(webhookSecretSchema)
    .query(async ({ ctx, input }) => getWebhookSecret(ctx, input.id)),

  update: procedure
    .meta({
      rest: { method: 'PATCH', path: '/webhooks/{id}' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Change the URL, event types or enabled flag of an endpoint at the version you read',
    })
    .input(updateWebhookInput)
    .output(webhookEndpointSchema)
    .mutation(async ({ ctx, input }) => toWebhookEndpointDto(await updateWebhook(ctx, input))),

  delete: procedure
    .meta({
      rest: { method: 'DELETE', path: '/webhooks/{id}' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Delete an endpoint with its delivery log',
    })
    .input(deleteWebhookInput)
    .output(deletedWebhookSchema)
    .mutation(async ({ ctx, input }) => {
      await deleteWebhook(ctx, input.id);
      return { id: input.id };
    }),

  rotateSecret: procedure
    .meta({
      rest: { method: 'POST', path: '/webhooks/{id}/rotate-secret' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'A new signing secret, in the answer; the old one also signs for 24 hours',
    })
    .input(rotateWebhookSecretInput)
    .output(webhookWithSecretSchema)
    .mutation(async ({ ctx, input }) => withSecret(await rotateWebhookSecret(ctx, input.id))),

  deliveries: procedure
    .meta({
      rest: { method: 'GET', path: '/webhook-deliveries' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: "An endpoint's deliveries with their attempts, newest event first, keyset-paginated",
    })
    .input(listDeliveriesInput)
    .output(webhookDeliveryPageSchema)
    .query(async ({ ctx, input }) => {
      await getWebhook(ctx.em, input.endpointId);
      const page = await listDeliveryRows(ctx.em, input);
      return { items: page.items.map(toWebhookDeliveryDto), nextCursor: page.nextCursor };
    }),

  redeliver: procedure
    .meta({
      rest: { method: 'POST', path: '/webhook-deliveries/{deliveryId}/redeliver' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Send a delivery again now, starting its retry schedule over',
    })
    .input(redeliverInput)
    .output(webhookDeliverySchema)
    .mutation(async ({ ctx, input }) => toWebhookDeliveryDto(await redeliver(ctx, input.deliveryId))),

  recover: procedure
    .meta({
      rest: { method: 'POST', path: '/webhooks/{endpointId}/recover' },
      scope: 'webhooks:manage',
      roles: ADMIN_ONLY,
      description: 'Send again every event since a time that the endpoint subscribes to',
    })
    .input(recoverInput)
    .output(recoverOutput)
    .mutation(async ({ ctx, input }) => recover(ctx, input)),
});
