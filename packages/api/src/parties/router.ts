import {
  createPartyInput,
  getPartyInput,
  listPartiesInput,
  partyPageSchema,
  partySchema,
  searchPartiesInput,
  updatePartyInput,
  upsertPartyByExternalRefInput,
  upsertPartyByExternalRefOutput,
} from '@takst/contract';
import { EVERYONE, OFFICE } from '../auth/roles';
import { upsertPartyByExternalRef } from '../external-refs/party-upsert';
import { procedure } from '../procedure';
import { router } from '../trpc';
import { toPartyDto } from './mapper';
import { createParty, getParty, listParties, searchParties, updateParty } from './service';

export const partiesRouter = router({
  create: procedure
    .meta({
      rest: { method: 'POST', path: '/parties', status: 201 },
      scope: 'parties:write',
      roles: OFFICE,
      description: 'Register a person or an organisation',
    })
    .input(createPartyInput)
    .output(partySchema)
    .mutation(async ({ ctx, input }) => toPartyDto(await createParty(ctx, input))),

  get: procedure
    .meta({
      rest: { method: 'GET', path: '/parties/{id}' },
      scope: 'parties:read',
      roles: EVERYONE,
      description: 'One party by id',
    })
    .input(getPartyInput)
    .output(partySchema)
    .query(async ({ ctx, input }) => toPartyDto(await getParty(ctx.em, input.id))),

  update: procedure
    .meta({
      rest: { method: 'PATCH', path: '/parties/{id}' },
      scope: 'parties:write',
      roles: OFFICE,
      description: 'Change fields of a party at the version you read',
    })
    .input(updatePartyInput)
    .output(partySchema)
    .mutation(async ({ ctx, input }) => toPartyDto(await updateParty(ctx, input))),

  upsertByExternalRef: procedure
    .meta({
      rest: { method: 'PUT', path: '/parties/by-external-ref/{system}/{externalId}' },
      scope: 'parties:write',
      roles: OFFICE,
      description: "Create the party a system's id names, or update it with the given fields",
    })
    .input(upsertPartyByExternalRefInput)
    .output(upsertPartyByExternalRefOutput)
    .mutation(async ({ ctx, input }) => {
      const { party, created, changed } = await upsertPartyByExternalRef(ctx, input);
      return { party: toPartyDto(party), created, changed };
    }),

  list: procedure
    .meta({
      rest: { method: 'GET', path: '/parties' },
      scope: 'parties:read',
      roles: EVERYONE,
      description: 'Parties newest first, optionally of one kind; keyset-paginated',
    })
    .input(listPartiesInput)
    .output(partyPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await listParties(ctx.readEm, input);
      return { items: page.items.map(toPartyDto), nextCursor: page.nextCursor };
    }),

  search: procedure
    .meta({
      rest: { method: 'GET', path: '/parties/search' },
      scope: 'parties:read',
      roles: EVERYONE,
      description: 'Parties newest first whose name holds every word, or with this organisation number',
    })
    .input(searchPartiesInput)
    .output(partyPageSchema)
    .query(async ({ ctx, input }) => {
      const page = await searchParties(ctx.em, input);
      return { items: page.items.map(toPartyDto), nextCursor: page.nextCursor };
    }),
});
