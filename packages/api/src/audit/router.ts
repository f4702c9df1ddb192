import { auditPageSchema, listAuditInput } from '@takst/contract';
import { EVERYONE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { listAuditEntries } from './read-model';

export const auditRouter = router({
  list: procedure
    .meta({
      rest: { method: 'GET', path: '/audit' },
      scope: 'audit:read',
      roles: EVERYONE,
      description: 'Audit entries newest first, by entity, actor or time',
    })
    .input(listAuditInput)
    .output(auditPageSchema)
    .query(({ ctx, input }) => listAuditEntries(ctx.readEm, input)),
});
