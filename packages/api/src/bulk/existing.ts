import type { AssignmentPatch, CreateAssignmentInput, PartyInput, PropertyInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { cadastreIdOf } from './lookups';
import { sql, uuidArray } from './sql';

/** The fields of a party an inline party input is compared with. */
export interface PartyState {
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  organizationNumber: string | null;
  street: string | null;
  postalCode: string | null;
  city: string | null;
}

/** The fields of a property an inline property input is compared with. */
export interface PropertyState {
  street: string;
  postalCode: string;
  city: string;
  unitNumber: string | null;
  cadastreId: string | null;
  cooperativeOrganizationNumber: string | null;
  shareNumber: string | null;
}

/** An assignment as an upsert compares it: its columns, its property and its parties. */
export interface ExistingAssignment {
  id: string;
  reference: string;
  type: string;
  version: number;
  propertyId: string;
  clientId: string;
  payerId: string;
  brokerId: string | null;
  appraiserId: string | null;
  dueDate: string | null;
  notes: string | null;
  property: PropertyState;
  client: PartyState;
  payer: PartyState;
  broker: PartyState | null;
}

const partyState = (alias: string) => `json_build_object('kind', ${alias}.kind, 'name', ${alias}.name,
  'email', ${alias}.email, 'phone', ${alias}.phone, 'organizationNumber', ${alias}.organization_number,
  'street', ${alias}.street, 'postalCode', ${alias}.postal_code, 'city', ${alias}.city)`;

/**
 * Loads assignments with their property and parties, locking their rows until commit as a single
 * update does (in id order, so two bulk calls cannot deadlock on them).
 */
export async function lockExistingAssignments(
  tx: EntityManager,
  ids: readonly string[],
): Promise<Map<string, ExistingAssignment>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<ExistingAssignment>(
    tx,
    `select a.id, a.reference, a.type, a.version, a.property_id as "propertyId", a.client_id as "clientId",
       a.payer_id as "payerId", a.broker_id as "brokerId", a.appraiser_id as "appraiserId",
       a.due_date::text as "dueDate", a.notes,
       json_build_object('street', p.street, 'postalCode', p.postal_code, 'city', p.city,
         'unitNumber', p.unit_number, 'cadastreId', p.cadastre_id,
         'cooperativeOrganizationNumber', p.cooperative_organization_number, 'shareNumber', p.share_number) as property,
       ${partyState('c')} as client, ${partyState('pay')} as payer,
       case when b.id is null then null else ${partyState('b')} end as broker
     from assignments a
       join properties p on p.id = a.property_id
       join parties c on c.id = a.client_id
       join parties pay on pay.id = a.payer_id
       left join parties b on b.id = a.broker_id
     where a.id = any(?::uuid[])
     order by a.id
     for update of a`,
    [uuidArray(ids)],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

const orNull = <T>(value: T | null | undefined): T | null => value ?? null;

/**
 * Whether an inline property without an identity describes the assignment's property. One with
 * a cadastre or share identity is upserted by that identity instead.
 */
function describesProperty(property: PropertyState, input: PropertyInput): boolean {
  if (input.cadastre || input.share || property.cadastreId || property.shareNumber) return false;
  const { street, postalCode, city, unitNumber } = input.address;
  return (
    property.street === street &&
    property.postalCode === postalCode &&
    property.city === city &&
    property.unitNumber === orNull(unitNumber)
  );
}

/** Whether an inline party without an organisation number is, field for field, this party. */
function describesParty(party: PartyState | null, input: PartyInput): boolean {
  if (!party || input.organizationNumber || party.organizationNumber) return false;
  return (
    party.kind === (input.kind ?? 'person') &&
    party.name === input.name &&
    party.email === orNull(input.email) &&
    party.phone === orNull(input.phone) &&
    party.street === orNull(input.address?.street) &&
    party.postalCode === orNull(input.address?.postalCode) &&
    party.city === orNull(input.address?.city)
  );
}

/**
 * The create input as a patch of an existing assignment, for `bulkUpsert` and
 * `upsertByExternalRef` alike: what the input leaves out stays, and an inline property or party
 * that describes the one the assignment has is kept rather than created again.
 */
export function patchFromCreateInput(input: CreateAssignmentInput, existing: ExistingAssignment): AssignmentPatch {
  const patch: AssignmentPatch = { type: input.type };
  if (input.propertyId) patch.propertyId = input.propertyId;
  else if (input.property && !describesProperty(existing.property, input.property)) patch.property = input.property;
  if (input.clientId) patch.clientId = input.clientId;
  else if (input.client && !describesParty(existing.client, input.client)) patch.client = input.client;
  if (input.payerId) patch.payerId = input.payerId;
  else if (input.payer && !describesParty(existing.payer, input.payer)) patch.payer = input.payer;
  if (input.brokerId) patch.brokerId = input.brokerId;
  else if (input.broker && !describesParty(existing.broker, input.broker)) patch.broker = input.broker;
  if (input.dueDate !== undefined) patch.dueDate = input.dueDate;
  if (input.notes !== undefined) patch.notes = input.notes;
  return patch;
}

/** Whether upserting an inline property finds this one: it has the input's cadastre or share identity. */
function hasIdentityOf(property: PropertyState, input: PropertyInput): boolean {
  if (input.cadastre) return property.cadastreId === cadastreIdOf(input.cadastre);
  if (input.share) {
    return (
      property.cooperativeOrganizationNumber === input.share.organizationNumber &&
      property.shareNumber === input.share.shareNumber
    );
  }
  return false;
}

/** Whether resolving an inline party finds this one: an organisation is matched by its number, anyone else is new. */
const resolvesTo = (party: PartyState | null, input: PartyInput) =>
  Boolean(input.organizationNumber) && party?.organizationNumber === input.organizationNumber;

const keeps = <T>(given: T | undefined, current: T) => given === undefined || given === current;

/** Whether the patch leaves the property, the parties and the appraiser as they are. */
function keepsRelations(patch: AssignmentPatch, input: CreateAssignmentInput, existing: ExistingAssignment): boolean {
  return (
    keeps(patch.propertyId, existing.propertyId) &&
    (patch.property === undefined || hasIdentityOf(existing.property, patch.property)) &&
    keeps(patch.clientId, existing.clientId) &&
    (patch.client === undefined || resolvesTo(existing.client, patch.client)) &&
    keeps(patch.payerId, existing.payerId) &&
    (patch.payer === undefined || resolvesTo(existing.payer, patch.payer)) &&
    keeps(patch.brokerId, existing.brokerId) &&
    (patch.broker === undefined || resolvesTo(existing.broker, patch.broker)) &&
    keeps(input.appraiserId, existing.appraiserId)
  );
}

/** The columns an upsert can change without touching relations, as the entity holds them. */
export interface ScalarFields {
  type: string;
  dueDate: string | null;
  notes: string | null;
}

/**
 * What applying the input changes, decided without writing, when all it changes are the type, the
 * due date and the notes: `{}` when it changes nothing (the upsert answers `unchanged`, as the
 * single upsert would after writing nothing), the changed fields otherwise. Null when it changes
 * a relation or the appraiser, or the type of an assignment that has an appraiser (who must be
 * certified for the new type): those go through the single path. An inline property or party
 * only keeps the current one when resolving it finds that one.
 */
export function scalarChanges(
  input: CreateAssignmentInput,
  existing: ExistingAssignment,
): Partial<ScalarFields> | null {
  const patch = patchFromCreateInput(input, existing);
  if (!keepsRelations(patch, input, existing)) return null;
  const changes: Partial<ScalarFields> = {};
  if (patch.type !== existing.type) {
    if (existing.appraiserId) return null;
    changes.type = patch.type;
  }
  if (patch.dueDate !== undefined && patch.dueDate !== existing.dueDate) changes.dueDate = patch.dueDate;
  if (patch.notes !== undefined && patch.notes !== existing.notes) changes.notes = patch.notes;
  return changes;
}
