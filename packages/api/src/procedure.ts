import { parseBearer } from './auth/api-keys';
import { hasScope } from './auth/scopes';
import { DomainError } from './errors';
import { platformOf } from './platform';
import { t } from './trpc';

/**
 * The only procedure builder routers use: authenticates the caller, enforces the scope the
 * procedure declares in its meta (failing closed when it declares none), and forks the
 * EntityManager for the request.
 */
export const procedure = t.procedure.use(async ({ ctx, meta, path, next }) => {
  const platform = platformOf(ctx);
  const scope = meta?.scope;
  if (!scope) {
    platform.logger.error({ path }, 'procedure declares no scope; refusing it');
    throw new DomainError('INTERNAL_SERVER_ERROR', 'INTERNAL', `Procedure ${path} declares no scope`);
  }
  const key = parseBearer(ctx.authorization);
  if (!key) {
    throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Send an API key as "Authorization: Bearer tk_..."');
  }
  const actor = await platform.apiKeys.resolve(key);
  if (!actor) throw new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', 'Unknown or revoked API key');
  if (!hasScope(actor.scopes, scope)) {
    throw new DomainError('FORBIDDEN', 'MISSING_SCOPE', `This API key lacks the scope '${scope}'`, {
      requiredScope: scope,
    });
  }
  return next({
    ctx: {
      actor,
      em: platform.orm.em.fork(),
      logger: platform.logger,
    },
  });
});
