import {
  appraiserPageSchema,
  appraiserSchema,
  createAppraiserInput,
  getAppraiserInput,
  listAppraisersInput,
  updateAppraiserInput,
} from '@takst/contract';
import { ADMIN_ONLY, EVERYONE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toAppraiserDto } from './mapper';
import { createAppraiser, getAppraiser, listAppraisers, updateAppraiser } from './service';

export const appraisersRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/appraisers', status: 201 },
      scope: 'appraisers:write',
      roles: ADMIN_ONLY,
      description: 'Register an appraiser with their certifications',
    })
    .input(createAppraiserInput)
    .output(appraiserSchema)
    .mutation(async ({ ctx, input }) => toAppraiserDto(await createAppraiser(ctx, input))),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/appraisers/{id}' },
      scope: 'appraisers:read',
      roles: EVERYONE,
      description: 'One appraiser by id',
    })
    .input(getAppraiserInput)
    .output(appraiserSchema)
    .query(async ({ ctx, input }) => toAppraiserDto(await getAppraiser(ctx.em, input.id))),

  update: procedure
    .meta({
      rest: { method: 'PATCH', path: '/appraisers/{id}' },
      scope: 'appraisers:write',
      roles: ADMIN_ONLY,
      description: 'Change fields of an appraiser at the version you read',
    })
    .input(updateAppraiserInput)
    .output(appraiserSchema)
    .mutation(async ({ ctx, input }) => toAppraiserDto(await updateAppraiser(ctx, input))),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/appraisers' },
      scope: 'appraisers:read',
      roles: EVERYONE,
      description: 'Appraisers newest first, keyset-paginated; filter by active or by a certification held on a day',
    })
    .input(listAppraisersInput)
    .output(appraiserPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listAppraisers(ctx.readEm, input);
      return { items: page.items.map(toAppraiserDto), nextCursor: page.nextCursor };
    }),
});
