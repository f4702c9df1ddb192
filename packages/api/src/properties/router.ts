import {
  getPropertyInput,
  propertyPageSchema,
  propertySchema,
  searchPropertiesInput,
  upsertPropertyInput,
  upsertPropertyOutput,
} from '@takst/contract';
import { EVERYONE, FIELD_AND_OFFICE } from '../auth/roles';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toPropertyDto } from './mapper';
import { getProperty, searchProperties, upsertPropertyAtomically } from './service';

export const propertiesRouter = router({
  upsert: procedure
    .meta({
      rest: { method: 'POST', path: '/properties' },
      scope: 'properties:write',
      roles: FIELD_AND_OFFICE,
      description: 'The property with this cadastre or share identity, created when there is none',
    })
    .input(upsertPropertyInput)
    .output(upsertPropertyOutput)
    .mutation(async ({ ctx, input }) => {
      const { property, created } = await upsertPropertyAtomically(ctx, input);
      return { property: toPropertyDto(property), created };
    }),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/properties/{id}' },
      scope: 'properties:read',
      roles: EVERYONE,
      description: 'One property by id',
    })
    .input(getPropertyInput)
    .output(propertySchema)
    .query(async ({ ctx, input }) => toPropertyDto(await getProperty(ctx.em, input.id))),

  search: procedure
    .meta({
      rest: { method: 'GET', path: '/properties' },
      scope: 'properties:read',
      roles: EVERYONE,
      description: 'Properties newest first by address words, municipality, gnr and bnr; keyset-paginated',
    })
    .input(searchPropertiesInput)
    .output(propertyPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await searchProperties(ctx.em, input);
      return { items: page.items.map(toPropertyDto), nextCursor: page.nextCursor };
    }),
});
