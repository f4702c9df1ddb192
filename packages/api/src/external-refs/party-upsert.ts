import type { PartyInput, PartyPatch, UpdatePartyInput, UpsertPartyByExternalRefInput } from '@takst/contract';
import { type EntityManager, LockMode, type Party, PartyEntity } from '@takst/db';
import { inTransaction } from '../lib/transaction';
import { createPartyIn, explainPartyWriteFailure, partyNotFound, patchPartyIn } from '../parties/service';
import type { ServiceContext } from '../platform';
import { addExternalRef, lockAndFindExternalRef } from './store';

/** The fields the input gives, as a patch: what it leaves out stays as it is. */
function patchFromInput(input: PartyInput): PartyPatch {
  const patch: PartyPatch = { name: input.name };
  if (input.kind !== undefined) patch.kind = input.kind;
  if (input.email !== undefined) patch.email = input.email;
  if (input.phone !== undefined) patch.phone = input.phone;
  if (input.organizationNumber !== undefined) patch.organizationNumber = input.organizationNumber;
  if (input.address !== undefined) patch.address = input.address;
  return patch;
}

async function loadForUpdate(tx: EntityManager, id: string): Promise<Party> {
  const party = await tx.findOne(PartyEntity, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!party) throw partyNotFound(id);
  return party;
}

export interface PartyUpsert {
  party: Party;
  created: boolean;
  changed: boolean;
}

/** Creates the party a reference names and registers the reference, or updates the one it names. */
export async function upsertPartyByExternalRef(
  ctx: ServiceContext,
  input: UpsertPartyByExternalRefInput,
): Promise<PartyUpsert> {
  let update: UpdatePartyInput | undefined;
  try {
    return await inTransaction(ctx.em, async (tx) => {
      const ref = await lockAndFindExternalRef(tx, 'party', input);
      if (!ref) {
        const party = createPartyIn(tx, ctx, input.party);
        addExternalRef(tx, 'party', party.id, input);
        return { party, created: true, changed: true };
      }
      const current = await loadForUpdate(tx, ref.entityId);
      const expectedVersion = input.expectedVersion ?? current.version;
      update = { id: current.id, expectedVersion, patch: patchFromInput(input.party) };
      return { ...(await patchPartyIn(tx, ctx, update)), created: false };
    });
  } catch (error) {
    throw await explainPartyWriteFailure(ctx.em, error, {
      id: update?.id,
      expectedVersion: update?.expectedVersion,
      organizationNumber: input.party.organizationNumber,
    });
  }
}
