import type { CreateAssignmentInput, PartyInput, PropertyInput } from '@takst/contract';
import type { CertificationRecord, EntityManager } from '@takst/db';
import { canonicalCadastreId } from '../properties/mapper';
import { jsonRows, lockKeys, sql, uuidArray } from './sql';

/** What the single create path reads one item at a time, read for a whole batch. */
export interface Lookups {
  propertyIds: Set<string>;
  partyIds: Set<string>;
  /** Property id by identity key (`propertyIdentityKey`). */
  propertiesByIdentity: Map<string, string>;
  /** Party id by organisation number. */
  partiesByOrganization: Map<string, string>;
  appraisers: Map<string, AppraiserRow>;
}

export interface AppraiserRow {
  id: string;
  name: string;
  active: boolean;
  certifications: CertificationRecord[];
}

/** The canonical id of a cadastre unit given inline (festenummer and seksjonsnummer default to 0). */
export const cadastreIdOf = (cadastre: NonNullable<PropertyInput['cadastre']>) =>
  canonicalCadastreId({ ...cadastre, fnr: cadastre.fnr ?? 0, snr: cadastre.snr ?? 0 });

/**
 * The key an inline property is upserted by, or null when it has no identity (an address alone).
 * It is also the advisory-lock key `upsertProperty` takes, so bulk and single writes take turns.
 */
export function propertyIdentityKey(input: PropertyInput): string | null {
  if (input.cadastre) return `property:${JSON.stringify({ cadastreId: cadastreIdOf(input.cadastre) })}`;
  if (input.share) {
    const { organizationNumber, shareNumber } = input.share;
    return `property:${JSON.stringify({ cooperativeOrganizationNumber: organizationNumber, shareNumber })}`;
  }
  return null;
}

const organizationLockKey = (organizationNumber: string) => `organization:${organizationNumber}`;

const partiesOf = (input: CreateAssignmentInput) =>
  [input.client, input.payer, input.broker].filter((party): party is PartyInput => party !== undefined);

interface Wanted {
  propertyIds: Set<string>;
  partyIds: Set<string>;
  cadastreIds: Map<string, string>;
  shares: Map<string, { organizationNumber: string; shareNumber: string }>;
  organizationNumbers: Set<string>;
  appraiserIds: Set<string>;
}

function collect(inputs: readonly CreateAssignmentInput[]): Wanted {
  const wanted: Wanted = {
    propertyIds: new Set(),
    partyIds: new Set(),
    cadastreIds: new Map(),
    shares: new Map(),
    organizationNumbers: new Set(),
    appraiserIds: new Set(),
  };
  for (const input of inputs) {
    if (input.propertyId) wanted.propertyIds.add(input.propertyId);
    const identity = input.property && propertyIdentityKey(input.property);
    if (identity && input.property?.cadastre) wanted.cadastreIds.set(identity, cadastreIdOf(input.property.cadastre));
    else if (identity && input.property?.share) {
      wanted.shares.set(identity, input.property.share);
    }
    for (const id of [input.clientId, input.payerId, input.brokerId]) if (id) wanted.partyIds.add(id);
    for (const party of partiesOf(input)) {
      if (party.organizationNumber) wanted.organizationNumbers.add(party.organizationNumber);
    }
    if (input.appraiserId) wanted.appraiserIds.add(input.appraiserId);
  }
  return wanted;
}

/**
 * Reads everything the inputs refer to, one query a kind. Property identities and organisation
 * numbers not found yet are locked (in the order single writes take them: properties, then
 * organisations) and looked up again, so that the batch creates them only if no one else has; one
 * found needs no lock, as it can no longer be created twice. Keys shared by many calls (a bank
 * that pays for half the assignments) thus stop making concurrent calls wait for each other.
 */
export async function lookUp(tx: EntityManager, inputs: readonly CreateAssignmentInput[]): Promise<Lookups> {
  const wanted = collect(inputs);
  const propertiesFound = await propertiesByIdentity(tx, wanted.cadastreIds, wanted.shares);
  const cadastreIds = missing(wanted.cadastreIds, propertiesFound);
  const shares = missing(wanted.shares, propertiesFound);
  await lockKeys(tx, [...cadastreIds.keys(), ...shares.keys()]);
  const propertiesLocked = await propertiesByIdentity(tx, cadastreIds, shares);
  const organizationsFound = await partiesByOrganization(tx, wanted.organizationNumbers);
  const organizations = new Set([...wanted.organizationNumbers].filter((number) => !organizationsFound.has(number)));
  await lockKeys(tx, [...organizations].map(organizationLockKey));
  const organizationsLocked = await partiesByOrganization(tx, organizations);
  return {
    propertyIds: await existingIds(tx, 'properties', wanted.propertyIds),
    partyIds: await existingIds(tx, 'parties', wanted.partyIds),
    propertiesByIdentity: new Map([...propertiesFound, ...propertiesLocked]),
    partiesByOrganization: new Map([...organizationsFound, ...organizationsLocked]),
    appraisers: await appraisers(tx, wanted.appraiserIds),
  };
}

const missing = <T>(wanted: Map<string, T>, found: Map<string, string>) =>
  new Map([...wanted].filter(([key]) => !found.has(key)));

async function existingIds(tx: EntityManager, table: string, ids: Set<string>): Promise<Set<string>> {
  if (ids.size === 0) return new Set();
  const rows = await sql<{ id: string }>(tx, `select id from ${table} where id = any(?::uuid[])`, [
    uuidArray([...ids]),
  ]);
  return new Set(rows.map((row) => row.id));
}

/** Property ids by identity key, of the cadastre ids and shares (both by identity key) that exist. */
async function propertiesByIdentity(
  tx: EntityManager,
  cadastreIds: Map<string, string>,
  shares: Map<string, { organizationNumber: string; shareNumber: string }>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (cadastreIds.size > 0) {
    const keyOf = new Map([...cadastreIds].map(([key, cadastreId]) => [cadastreId, key]));
    const rows = await sql<{ id: string; cadastreId: string }>(
      tx,
      `select id, cadastre_id as "cadastreId" from properties
       where cadastre_id in (select json_array_elements_text(?::json))`,
      [JSON.stringify([...keyOf.keys()])],
    );
    for (const row of rows) found.set(keyOf.get(row.cadastreId) as string, row.id);
  }
  if (shares.size > 0) {
    const rows = await sql<{ id: string; key: string }>(
      tx,
      `select p.id, s.key from json_to_recordset(?::json) as s(key text, "organizationNumber" text, "shareNumber" text)
         join properties p on p.cooperative_organization_number = s."organizationNumber"
           and p.share_number = s."shareNumber"`,
      [jsonRows([...shares].map(([key, share]) => ({ key, ...share })))],
    );
    for (const row of rows) found.set(row.key, row.id);
  }
  return found;
}

async function partiesByOrganization(tx: EntityManager, numbers: Set<string>): Promise<Map<string, string>> {
  if (numbers.size === 0) return new Map();
  const rows = await sql<{ id: string; organizationNumber: string }>(
    tx,
    `select id, organization_number as "organizationNumber" from parties
     where organization_number in (select json_array_elements_text(?::json))`,
    [JSON.stringify([...numbers])],
  );
  return new Map(rows.map((row) => [row.organizationNumber, row.id]));
}

async function appraisers(tx: EntityManager, ids: Set<string>): Promise<Map<string, AppraiserRow>> {
  if (ids.size === 0) return new Map();
  const rows = await sql<AppraiserRow>(
    tx,
    'select id, name, active, certifications from appraisers where id = any(?::uuid[])',
    [uuidArray([...ids])],
  );
  return new Map(rows.map((row) => [row.id, row]));
}
