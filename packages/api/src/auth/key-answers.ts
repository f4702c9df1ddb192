import { DomainError } from '../errors';
import type { Withheld } from '../idempotency/store';
import { keptOfWebhookSecretAnswer } from '../webhooks/secret-replay';
import { isWellFormedApiKey } from './api-keys';

const ALREADY_MADE = 'This call was made already under this Idempotency-Key; its answer held';

/**
 * What an idempotency record keeps of an answer that carried a secret; null for every other
 * answer, which is kept as it is.
 *
 * - A webhook signing secret (`webhooks.create`, `rotateSecret`) is kept sealed in the endpoint,
 *   so the record keeps the answer without it and a replay fills in the endpoint's current secret.
 * - An API key (`apiClients.create`, `rotate`) or a set-password link (`users.create`,
 *   `sendSetPasswordLink`) is kept only as a hash and cannot be read again: the retry is refused,
 *   naming what the first call made, and nothing acts twice.
 */
export function withheldOfSecretAnswer(output: unknown): Withheld | null {
  const webhook = keptOfWebhookSecretAnswer(output);
  if (webhook) return { kept: webhook, replayFill: 'webhook_secret' };
  if (typeof output !== 'object' || output === null) return null;
  const { setPasswordToken, user } = output as { setPasswordToken?: unknown; user?: { id?: unknown } };
  if (typeof setPasswordToken === 'string') {
    return {
      refusal: new DomainError(
        'CONFLICT',
        'CONFLICT',
        `${ALREADY_MADE} a set-password link, which is shown only once. Send a new link with users.sendSetPasswordLink.`,
        typeof user?.id === 'string' ? { userId: user.id } : undefined,
      ),
    };
  }
  const { apiKey, client } = output as { apiKey?: unknown; client?: { id?: unknown } };
  if (typeof apiKey !== 'string' || !isWellFormedApiKey(apiKey)) return null;
  const apiClientId = typeof client?.id === 'string' ? client.id : undefined;
  return {
    refusal: new DomainError(
      'CONFLICT',
      'CONFLICT',
      `${ALREADY_MADE} an API key, which is shown only once. Rotate the client for a new key.`,
      apiClientId ? { apiClientId } : undefined,
    ),
  };
}
