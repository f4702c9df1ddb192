import type { PropertyInput } from '@takst/contract';
import { type EntityManager, type Property, PropertyEntity } from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { canonicalCadastreId } from './mapper';

/** The identity a property is found by: its canonical cadastre id, or its cooperative share. */
function identityOf(input: PropertyInput): Partial<Property> | null {
  if (input.cadastre) {
    const c = { ...input.cadastre, fnr: input.cadastre.fnr ?? 0, snr: input.cadastre.snr ?? 0 };
    return { cadastreId: canonicalCadastreId(c) };
  }
  if (input.share) {
    return {
      cooperativeOrganizationNumber: input.share.organizationNumber,
      shareNumber: input.share.shareNumber,
    };
  }
  return null;
}

/**
 * Returns the property with the input's identity, creating it when there is none. A property
 * without an identity (an address alone) cannot be matched, so it is always created. Runs in
 * the caller's transaction; the existing property is returned as it is, not overwritten.
 */
export async function upsertProperty(
  tx: EntityManager,
  ctx: ServiceContext,
  input: PropertyInput,
): Promise<{ property: Property; created: boolean }> {
  const identity = identityOf(input);
  if (identity) {
    const existing = await tx.findOne(PropertyEntity, identity);
    if (existing) return { property: existing, created: false };
  }
  const now = new Date();
  const cadastre = input.cadastre;
  const property = tx.create(PropertyEntity, {
    id: uuidv7(),
    municipality: cadastre?.municipality ?? null,
    gnr: cadastre?.gnr ?? null,
    bnr: cadastre?.bnr ?? null,
    fnr: cadastre ? (cadastre.fnr ?? 0) : null,
    snr: cadastre ? (cadastre.snr ?? 0) : null,
    cadastreId: identity?.cadastreId ?? null,
    cooperativeOrganizationNumber: input.share?.organizationNumber ?? null,
    shareNumber: input.share?.shareNumber ?? null,
    street: input.address.street,
    postalCode: input.address.postalCode,
    city: input.address.city,
    unitNumber: input.address.unitNumber ?? null,
    buildingYear: input.buildingYear ?? null,
    buildingType: input.buildingType ?? null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
  recordAudit(tx, ctx, {
    entityType: 'property',
    entityId: property.id,
    action: 'created',
    before: null,
    after: snapshot(property),
  });
  return { property, created: true };
}
