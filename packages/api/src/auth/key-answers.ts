import { DomainError } from '../errors';
import { isWellFormedApiKey } from './api-keys';

const ALREADY_MADE = 'This call was made already under this Idempotency-Key; its answer held';

/**
 * What an idempotent replay gives instead of an answer that carried a secret — an API key
 * (`apiClients.create`, `rotate`), a webhook signing secret (`webhooks.create`, `rotateSecret`)
 * or a set-password link (`users.create`, `sendSetPasswordLink`): secrets are shown once, so the
 * answer itself is never kept. The retry is refused, naming what the first call made, and nothing
 * acts twice. Null for every other answer.
 */
export function refusalInPlaceOfKey(output: unknown): DomainError | null {
  if (typeof output !== 'object' || output === null) return null;
  const { secret, endpoint } = output as { secret?: unknown; endpoint?: { id?: unknown } };
  if (typeof secret === 'string' && secret.startsWith('whsec_')) {
    return new DomainError(
      'CONFLICT',
      'CONFLICT',
      `${ALREADY_MADE} a webhook secret, which is shown only once. Rotate the secret for a new one.`,
      typeof endpoint?.id === 'string' ? { webhookEndpointId: endpoint.id } : undefined,
    );
  }
  const { setPasswordToken, user } = output as { setPasswordToken?: unknown; user?: { id?: unknown } };
  if (typeof setPasswordToken === 'string') {
    return new DomainError(
      'CONFLICT',
      'CONFLICT',
      `${ALREADY_MADE} a set-password link, which is shown only once. Send a new link with users.sendSetPasswordLink.`,
      typeof user?.id === 'string' ? { userId: user.id } : undefined,
    );
  }
  const { apiKey, client } = output as { apiKey?: unknown; client?: { id?: unknown } };
  if (typeof apiKey !== 'string' || !isWellFormedApiKey(apiKey)) return null;
  const apiClientId = typeof client?.id === 'string' ? client.id : undefined;
  return new DomainError(
    'CONFLICT',
    'CONFLICT',
    `${ALREADY_MADE} an API key, which is shown only once. Rotate the client for a new key.`,
    apiClientId ? { apiClientId } : undefined,
  );
}
