import type { EntityManager } from '@takst/db';
import { notFound } from '../errors';
import type { Logger } from '../lib/logger';
import { openWebhookSecrets } from './secret-storage';

/** `webhooks.create` and `webhooks.rotateSecret` answer this; the endpoint is the DTO as answered. */
interface SecretAnswer {
  endpoint: { id: string };
  secret: string;
}

const isSecretAnswer = (output: unknown): output is SecretAnswer => {
  if (typeof output !== 'object' || output === null) return false;
  const { endpoint, secret } = output as { endpoint?: { id?: unknown }; secret?: unknown };
  return typeof secret === 'string' && secret.startsWith('whsec_') && typeof endpoint?.id === 'string';
};

/**
 * What an idempotency record keeps of an answer holding a webhook secret: everything but the
 * secret, which is never stored in plain text outside the (sealed) endpoint row. Null for any
 * other answer.
 */
export function keptOfWebhookSecretAnswer(output: unknown): { endpoint: SecretAnswer['endpoint'] } | null {
  if (!isSecretAnswer(output)) return null;
  const { secret: _withheld, ...kept } = output;
  return kept;
}

export interface ReplayContext {
  tx: EntityManager;
  logger: Logger;
  /** The API client or person replaying, and what they called. */
  ownerId: string;
  path: string;
}

/**
 * The replay of such an answer: the endpoint as it was answered, with the secret it has now,
 * read from the database. That is the first answer's secret unless it was rotated since, and
 * then the one that signs. An endpoint deleted since cannot be answered for: WEBHOOK_NOT_FOUND.
 */
export async function withCurrentWebhookSecret(kept: unknown, context: ReplayContext): Promise<SecretAnswer> {
  const endpoint = (kept as { endpoint?: { id?: unknown } } | null)?.endpoint;
  if (typeof endpoint?.id !== 'string') throw new Error('The kept answer names no webhook endpoint');
  const secrets = await openWebhookSecrets(context.tx, endpoint.id);
  if (!secrets) {
    throw notFound(
      'WEBHOOK_NOT_FOUND',
      `Webhook endpoint ${endpoint.id}, which this call answered with, was deleted since`,
    );
  }
  context.logger.info(
    { endpointId: endpoint.id, actor: context.ownerId, path: context.path, via: 'idempotent replay' },
    'webhook secret read',
  );
  return { ...(kept as { endpoint: SecretAnswer['endpoint'] }), secret: secrets.secret };
}
