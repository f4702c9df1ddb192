import { createApiClient, hashApiKey, type Logger } from '@takst/api';
import { SCOPES } from '@takst/contract';
import { ApiClientEntity, type MikroORM } from '@takst/db';

export type BootstrapOutcome = 'registered-bootstrap-key' | 'bootstrap-key-present' | 'created-admin-key' | 'nothing';

/**
 * Makes sure an operator can get in: registers TAKST_BOOTSTRAP_ADMIN_KEY when given
 * (idempotently), or on an empty database creates an admin key and prints it once.
 */
export async function bootstrapAdmin(
  orm: MikroORM,
  logger: Logger,
  bootstrapKey: string | undefined,
  printOnce: (message: string) => void,
): Promise<BootstrapOutcome> {
  const em = orm.em.fork();
  if (bootstrapKey) {
    const existing = await em.findOne(ApiClientEntity, { keyHash: hashApiKey(bootstrapKey) });
    if (existing) {
      // A revoked bootstrap key stays revoked: the environment never overrides an operator's revocation.
      logger.info(
        { clientId: existing.id, revoked: existing.revokedAt !== null },
        'bootstrap admin key already registered',
      );
      return 'bootstrap-key-present';
    }
    const { client } = await createApiClient(em, { name: 'bootstrap-admin', scopes: SCOPES, apiKey: bootstrapKey });
    logger.info({ clientId: client.id }, 'registered the bootstrap admin key from TAKST_BOOTSTRAP_ADMIN_KEY');
    return 'registered-bootstrap-key';
  }
  if ((await em.count(ApiClientEntity, {})) > 0) return 'nothing';
  const { client, apiKey } = await createApiClient(em, { name: 'admin', scopes: SCOPES });
  // Keys never go into the logs (they are often shipped elsewhere); this goes to the terminal only.
  printOnce(
    [
      '',
      '  No API clients existed, so an admin API key was created. It is shown only this once:',
      '',
      `    ${apiKey}`,
      '',
      '  Use it as "Authorization: Bearer <key>". Set TAKST_BOOTSTRAP_ADMIN_KEY to choose the key yourself.',
      '',
    ].join('\n'),
  );
  logger.warn({ clientId: client.id }, 'created an admin API key and printed it to stderr once');
  return 'created-admin-key';
}
