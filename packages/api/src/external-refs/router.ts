import {
  linkExternalRefInput,
  linkExternalRefOutput,
  listExternalRefsInput,
  listExternalRefsOutput,
  resolveExternalRefInput,
  resolveExternalRefOutput,
} from '@takst/contract';
import { EVERYONE, OFFICE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toExternalRefDto } from './mapper';
import { linkExternalRef, listExternalRefs, resolveExternalRef } from './service';

// A procedure declares one scope. These reach four entity types, so each declares the scope of
// assignments, what every connected system works on, and the service then checks the scope of
// the entity type it actually reaches (parties:read for a party, and so on).
export const externalRefsRouter = router({
  resolve: procedure
    .meta({
      rest: { method: 'GET', path: '/external-refs/{system}/{externalId}' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: "The entity a system's id points to; also needs the read scope of that entity's type",
    })
    .input(resolveExternalRefInput)
    .output(resolveExternalRefOutput)
    .query(({ ctx, input }) => resolveExternalRef(ctx, input)),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/external-refs' },
      scope: 'assignments:read',
      roles: EVERYONE,
      description: "An entity's external references, oldest first; also needs the read scope of its type",
    })
    .input(listExternalRefsInput)
    .output(listExternalRefsOutput)
    .query(async ({ ctx, input }) => ({ items: (await listExternalRefs(ctx, input)).map(toExternalRefDto) })),

  link: procedure
    .meta({
      rest: { method: 'POST', path: '/external-refs', status: 201 },
      scope: 'assignments:write',
      roles: OFFICE,
      description: "Give an existing entity a system's id; also needs the write scope of the entity's type",
    })
    .input(linkExternalRefInput)
    .output(linkExternalRefOutput)
    .mutation(async ({ ctx, input }) => {
      const { ref, created } = await linkExternalRef(ctx, input);
      return { ref: toExternalRefDto(ref), created };
    }),
});
