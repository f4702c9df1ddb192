import type { PropertyInput, SearchPropertiesInput } from '@takst/contract';
import { type EntityManager, type Property, PropertyEntity, UniqueConstraintViolationException } from '@takst/db';
import { recordAudit, snapshot } from '../audit/record';
import { notFound } from '../errors';
import type { Page } from '../lib/keyset-search';
import { lockKeyForTransaction } from '../lib/read-model';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import type { ServiceContext } from '../platform';
import { canonicalCadastreId, type PropertyRecord } from './mapper';
import {
  findPropertyRow,
  findPropertyRowByIdentity,
  type PropertyIdentity,
  type PropertyRow,
  searchPropertyRows,
} from './read-model';

export const propertyNotFound = (id: string) => notFound('PROPERTY_NOT_FOUND', `No property with id ${id}`);

function cadastreIdOf(input: PropertyInput): string | null {
  if (!input.cadastre) return null;
  return canonicalCadastreId({ ...input.cadastre, fnr: input.cadastre.fnr ?? 0, snr: input.cadastre.snr ?? 0 });
}

function identityOf(input: PropertyInput): PropertyIdentity | null {
  const cadastreId = cadastreIdOf(input);
  if (cadastreId) return { cadastreId };
  if (input.share) {
    return { cooperativeOrganizationNumber: input.share.organizationNumber, shareNumber: input.share.shareNumber };
  }
  return null;
}

/** The columns of a new property made from its input; single and bulk writes share it. */
export function newPropertyFields<Time extends Date | string>(input: PropertyInput, now: Time) {
  const cadastre = input.cadastre;
  return {
    id: uuidv7(),
    municipality: cadastre?.municipality ?? null,
    gnr: cadastre?.gnr ?? null,
    bnr: cadastre?.bnr ?? null,
    fnr: cadastre ? (cadastre.fnr ?? 0) : null,
    snr: cadastre ? (cadastre.snr ?? 0) : null,
    cadastreId: cadastreIdOf(input),
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
  };
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
    await lockKeyForTransaction(tx, `property:${JSON.stringify(identity)}`);
    const existing = await tx.findOne(PropertyEntity, identity);
    if (existing) return { property: existing, created: false };
  }
  const property = tx.create(PropertyEntity, newPropertyFields(input, new Date()));
  recordAudit(tx, ctx, {
    entityType: 'property',
    entityId: property.id,
    action: 'created',
    before: null,
    after: snapshot(property),
  });
  return { property, created: true };
}

/**
 * `upsertProperty` in a transaction of its own. Two requests with one new identity can both
 * miss it and both insert; the unique index refuses the later insert, whose transaction is then
 * rolled back, and the property the other request created is returned instead.
 */
export async function upsertPropertyAtomically(
  ctx: ServiceContext,
  input: PropertyInput,
): Promise<{ property: PropertyRecord; created: boolean }> {
  try {
    return await inTransaction(ctx.em, (tx) => upsertProperty(tx, ctx, input));
  } catch (error) {
    const identity = identityOf(input);
    if (!(error instanceof UniqueConstraintViolationException) || !identity) throw error;
    const winner = await findPropertyRowByIdentity(ctx.em, identity);
    if (!winner) throw error;
    return { property: winner, created: false };
  }
}

export async function getProperty(em: EntityManager, id: string): Promise<PropertyRow> {
  const row = await findPropertyRow(em, id);
  if (!row) throw propertyNotFound(id);
  return row;
}

export const searchProperties = (em: EntityManager, input: SearchPropertiesInput): Promise<Page<PropertyRow>> =>
  searchPropertyRows(em, input);
