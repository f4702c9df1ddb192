import type {
  AssignmentPatch,
  CreateAssignmentInput,
  PartyInput,
  PropertyInput,
  UpsertAssignmentByExternalRefInput,
} from '@takst/contract';
import { type Assignment, type EntityManager, PartyEntity, PropertyEntity } from '@takst/db';
import type { AssignmentRow } from '../assignments/mapper';
import {
  assignAppraiserIn,
  createAssignmentIn,
  getAssignment,
  loadAtVersion,
  patchAssignmentIn,
} from '../assignments/service';
import type { ServiceContext } from '../platform';
import { addExternalRef, lockAndFindExternalRef } from './store';

type Tx = EntityManager;

const orNull = <T>(value: T | null | undefined): T | null => value ?? null;

/**
 * Whether an inline property without an identity describes the assignment's property. One with
 * a cadastre or share identity needs no such check: it is upserted by that identity anyway.
 */
async function describesProperty(tx: Tx, propertyId: string, input: PropertyInput): Promise<boolean> {
  if (input.cadastre || input.share) return false;
  const property = await tx.findOne(PropertyEntity, { id: propertyId });
  if (!property || property.cadastreId || property.shareNumber) return false;
  const { street, postalCode, city, unitNumber } = input.address;
  return (
    property.street === street &&
    property.postalCode === postalCode &&
    property.city === city &&
    property.unitNumber === orNull(unitNumber)
  );
}

/**
 * Whether an inline party without an organisation number is, field for field, the party the
 * assignment already has in that role. An organisation needs no such check: it is matched by
 * its number anyway.
 */
async function describesParty(tx: Tx, partyId: string | null | undefined, input: PartyInput): Promise<boolean> {
  if (!partyId || input.organizationNumber) return false;
  const party = await tx.findOne(PartyEntity, { id: partyId });
  if (!party || party.organizationNumber) return false;
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
 * The create input as a patch of an existing assignment. What it leaves out stays as it is, and
 * a property or party given inline that describes the one the assignment already has is kept,
 * not created again, so that sending the same input twice changes nothing.
 */
async function patchFromCreateInput(
  tx: Tx,
  assignment: Assignment,
  input: CreateAssignmentInput,
): Promise<AssignmentPatch> {
  const patch: AssignmentPatch = { type: input.type };
  if (input.propertyId) patch.propertyId = input.propertyId;
  else if (input.property && !(await describesProperty(tx, assignment.propertyId, input.property))) {
    patch.property = input.property;
  }
  if (input.clientId) patch.clientId = input.clientId;
  else if (input.client && !(await describesParty(tx, assignment.clientId, input.client))) patch.client = input.client;
  if (input.payerId) patch.payerId = input.payerId;
  else if (input.payer && !(await describesParty(tx, assignment.payerId, input.payer))) patch.payer = input.payer;
  if (input.brokerId) patch.brokerId = input.brokerId;
  else if (input.broker && !(await describesParty(tx, assignment.brokerId, input.broker))) patch.broker = input.broker;
  if (input.dueDate !== undefined) patch.dueDate = input.dueDate;
  if (input.notes !== undefined) patch.notes = input.notes;
  return patch;
}

/** Updates as `assignments.update` does, then gives it a different appraiser as `assignments.assign` does. */
async function updateFromCreateInput(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  input: CreateAssignmentInput,
): Promise<boolean> {
  const patched = await patchAssignmentIn(tx, ctx, assignment, await patchFromCreateInput(tx, assignment, input));
  const newAppraiser = input.appraiserId !== undefined && input.appraiserId !== assignment.appraiserId;
  const assigned = newAppraiser && (await assignAppraiserIn(tx, ctx, assignment, input.appraiserId as string));
  return patched || assigned;
}

export interface AssignmentUpsert {
  assignment: AssignmentRow;
  created: boolean;
  changed: boolean;
}

/** Creates the assignment a reference names and registers the reference, or updates the one it names. */
export async function upsertAssignmentByExternalRef(
  ctx: ServiceContext,
  input: UpsertAssignmentByExternalRefInput,
): Promise<AssignmentUpsert> {
  const outcome = await ctx.em.transactional(async (tx) => {
    const ref = await lockAndFindExternalRef(tx, 'assignment', input);
    if (!ref) {
      const id = await createAssignmentIn(tx, ctx, input.assignment);
      addExternalRef(tx, 'assignment', id, input);
      return { id, created: true, changed: true };
    }
    const assignment = await loadAtVersion(tx, ref.entityId, input.expectedVersion);
    const changed = await updateFromCreateInput(tx, ctx, assignment, input.assignment);
    return { id: assignment.id, created: false, changed };
  });
  return { assignment: await getAssignment(ctx.em, outcome.id), created: outcome.created, changed: outcome.changed };
}
