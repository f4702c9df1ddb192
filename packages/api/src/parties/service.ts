import type { PartyInput } from '@takst/contract';
import { type EntityManager, type Party, PartyEntity } from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { notFound } from '../errors';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';

export const partyNotFound = (id: string) => notFound('PARTY_NOT_FOUND', `No party with id ${id}`);

/** Creates a party in the caller's transaction and records it in the audit log. */
export function createPartyIn(tx: EntityManager, ctx: ServiceContext, input: PartyInput): Party {
  const now = new Date();
  const party = tx.create(PartyEntity, {
    id: uuidv7(),
    kind: input.kind ?? (input.organizationNumber ? 'organization' : 'person'),
    name: input.name,
    email: input.email ?? null,
    phone: input.phone ?? null,
    organizationNumber: input.organizationNumber ?? null,
    street: input.address?.street ?? null,
    postalCode: input.address?.postalCode ?? null,
    city: input.address?.city ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  recordAudit(tx, ctx, {
    entityType: 'party',
    entityId: party.id,
    action: 'created',
    before: null,
    after: snapshot(party),
  });
  return party;
}

/**
 * The party an inline reference means: an organisation is matched by its organisation number
 * (one party per number), anyone else is created.
 */
export async function resolveParty(tx: EntityManager, ctx: ServiceContext, input: PartyInput): Promise<Party> {
  if (input.organizationNumber) {
    const existing = await tx.findOne(PartyEntity, { organizationNumber: input.organizationNumber });
    if (existing) return existing;
  }
  return createPartyIn(tx, ctx, input);
}

export async function getPartyIn(em: EntityManager, id: string): Promise<Party> {
  const party = await em.findOne(PartyEntity, { id });
  if (!party) throw partyNotFound(id);
  return party;
}
