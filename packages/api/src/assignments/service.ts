import type {
  AssignmentPatch,
  AssignmentStatus,
  AssignmentType,
  CreateAssignmentInput,
  ListAssignmentsInput,
  PartyInput,
  PropertyInput,
} from '@takst/contract';
import {
  type Appraiser,
  AppraiserEntity,
  type Assignment,
  AssignmentEntity,
  type EntityManager,
  OptimisticLockError,
  PropertyEntity,
} from '@takst/db';
import { assertCanTake, todayInOslo } from '../appraisers/certification';
import { recordAudit, snapshot } from '../audit/record';
import { assertMayWorkOn } from '../auth/assignment-access';
import { DomainError, notFound, versionConflict } from '../errors';
import { inTransaction } from '../lib/transaction';
import { uuidv7 } from '../lib/uuid';
import { getPartyIn, resolveParty } from '../parties/service';
import type { ServiceContext } from '../platform';
import { upsertProperty } from '../properties/service';
import { changeStatus, loadAssignmentForUpdate } from './lifecycle';
import type { AssignmentRow } from './mapper';
import { findAssignmentRow, listAssignmentRows } from './read-model';

type Tx = EntityManager;

/** The next reference of the year, e.g. 2026-000123; the counter row stays locked until commit. */
/**
 * The next `count` references of the year in one step, e.g. 2026-000123; the counter row stays
 * locked until commit, so references are gapless and unique.
 */
export async function reserveReferences(tx: Tx, now: Date, count: number): Promise<string[]> {
  const year = now.getUTCFullYear();
  const rows = await tx.getConnection().execute<{ last_value: number }[]>(
    `insert into reference_counters (year, last_value) values (?, ?)
     on conflict (year) do update set last_value = reference_counters.last_value + excluded.last_value
     returning last_value`,
    [year, count],
    'all',
    tx.getTransactionContext(),
  );
  const last = rows[0]?.last_value;
  if (last === undefined) throw new Error('reference counter returned no row');
  return Array.from({ length: count }, (_, i) => `${year}-${String(last - count + 1 + i).padStart(6, '0')}`);
}

export interface AssignmentRelations {
  propertyId: string;
  clientId: string;
  payerId: string;
  brokerId: string | null;
}

/** The columns of a new, received assignment; single and bulk creates share it. */
export function newAssignmentFields<Time extends Date | string>(
  input: Pick<CreateAssignmentInput, 'type' | 'appraiserId' | 'dueDate' | 'notes'>,
  relations: AssignmentRelations,
  reference: string,
  now: Time,
) {
  return {
    id: uuidv7(),
    reference,
    type: input.type,
    status: 'received',
    statusBeforeHold: null,
    version: 1,
    ...relations,
    appraiserId: input.appraiserId ?? null,
    dueDate: input.dueDate ?? null,
    notes: input.notes ?? null,
    createdAt: now,
    updatedAt: now,
  };
}

export const assignmentNotFound = (what: string) => notFound('ASSIGNMENT_NOT_FOUND', `No assignment with ${what}`);

async function propertyIdFor(tx: Tx, ctx: ServiceContext, id: string | undefined, inline: PropertyInput | undefined) {
  if (inline) return (await upsertProperty(tx, ctx, inline)).property.id;
  if (id && (await tx.count(PropertyEntity, { id })) === 1) return id;
  throw notFound('PROPERTY_NOT_FOUND', `No property with id ${id}`);
}

async function partyIdFor(tx: Tx, ctx: ServiceContext, id: string | undefined, inline: PartyInput | undefined) {
  if (inline) return (await resolveParty(tx, ctx, inline)).id;
  if (id) return (await getPartyIn(tx, id)).id;
  return undefined;
}

async function loadAppraiser(tx: Tx, id: string): Promise<Appraiser> {
  const appraiser = await tx.findOne(AppraiserEntity, { id });
  if (!appraiser) throw notFound('APPRAISER_NOT_FOUND', `No appraiser with id ${id}`);
  return appraiser;
}

/** Reads the assignment as the API shows it, after its transaction has committed. */
async function readBack(em: EntityManager, id: string): Promise<AssignmentRow> {
  const row = await findAssignmentRow(em, { id });
  if (!row) throw assignmentNotFound(`id ${id}`);
  return row;
}

export async function createAssignment(ctx: ServiceContext, input: CreateAssignmentInput): Promise<AssignmentRow> {
  const id = await inTransaction(ctx.em, (tx) => createAssignmentIn(tx, ctx, input));
  return readBack(ctx.em, id);
}

/** Creates an assignment in the caller's transaction, with its audit entry; returns its id. */
export async function createAssignmentIn(tx: Tx, ctx: ServiceContext, input: CreateAssignmentInput): Promise<string> {
  const now = new Date();
  const propertyId = await propertyIdFor(tx, ctx, input.propertyId, input.property);
  const clientId = (await partyIdFor(tx, ctx, input.clientId, input.client)) as string;
  const payerId = (await partyIdFor(tx, ctx, input.payerId, input.payer)) ?? clientId;
  const brokerId = (await partyIdFor(tx, ctx, input.brokerId, input.broker)) ?? null;
  if (input.appraiserId) assertCanTake(await loadAppraiser(tx, input.appraiserId), input.type, todayInOslo(now));
  // Property and parties made inline go in first: the foreign keys, and the trigger that
  // copies their search fields onto the assignment, need them there.
  await tx.flush();
  const [reference] = await reserveReferences(tx, now, 1);
  const assignment = tx.create(
    AssignmentEntity,
    newAssignmentFields(input, { propertyId, clientId, payerId, brokerId }, reference as string, now),
  );
  recordAudit(tx, ctx, {
    entityType: 'assignment',
    entityId: assignment.id,
    action: 'created',
    before: null,
    after: snapshot(assignment),
  });
  await tx.flush();
  return assignment.id;
}

export async function getAssignment(em: EntityManager, id: string): Promise<AssignmentRow> {
  const row = await findAssignmentRow(em, { id });
  if (!row) throw assignmentNotFound(`id ${id}`);
  return row;
}

export async function getAssignmentByReference(em: EntityManager, reference: string): Promise<AssignmentRow> {
  const row = await findAssignmentRow(em, { reference });
  if (!row) throw assignmentNotFound(`reference ${reference}`);
  return row;
}

export const listAssignments = (em: EntityManager, input: ListAssignmentsInput) => listAssignmentRows(em, input);

const assignmentVersionConflict = (assignment: Assignment, expected: number) =>
  versionConflict(`Assignment ${assignment.reference}`, assignment.version, expected);

/** Loads the assignment for a write at the version the caller read (if it names one), locked until commit. */
export async function loadAtVersion(tx: Tx, id: string, expectedVersion: number | undefined): Promise<Assignment> {
  const assignment = await loadAssignmentForUpdate(tx, id);
  if (expectedVersion !== undefined && assignment.version !== expectedVersion) {
    throw assignmentVersionConflict(assignment, expectedVersion);
  }
  return assignment;
}

/** The columns a patch sets, with relations given inline resolved to ids. */
async function patchedColumns(tx: Tx, ctx: ServiceContext, patch: AssignmentPatch): Promise<Partial<Assignment>> {
  const next: Partial<Assignment> = {};
  if (patch.type !== undefined) next.type = patch.type;
  if (patch.propertyId !== undefined || patch.property !== undefined) {
    next.propertyId = await propertyIdFor(tx, ctx, patch.propertyId, patch.property);
  }
  const clientId = await partyIdFor(tx, ctx, patch.clientId, patch.client);
  if (clientId) next.clientId = clientId;
  const payerId = await partyIdFor(tx, ctx, patch.payerId, patch.payer);
  if (payerId) next.payerId = payerId;
  if (patch.brokerId === null) next.brokerId = null;
  else {
    const brokerId = await partyIdFor(tx, ctx, patch.brokerId, patch.broker);
    if (brokerId) next.brokerId = brokerId;
  }
  if (patch.dueDate !== undefined) next.dueDate = patch.dueDate;
  if (patch.notes !== undefined) next.notes = patch.notes;
  return next;
}

/** Field by field: only what the patch really changes is written, and an empty change writes nothing. */
export async function updateAssignment(
  ctx: ServiceContext,
  input: { id: string; expectedVersion: number; patch: AssignmentPatch },
): Promise<AssignmentRow> {
  await inTransaction(ctx.em, async (tx) => {
    const assignment = await loadAtVersion(tx, input.id, input.expectedVersion);
    await patchAssignmentIn(tx, ctx, assignment, input.patch);
  });
  return readBack(ctx.em, input.id);
}

/**
 * Applies a patch to an assignment loaded for update (and checked at its version) in the
 * caller's transaction. Returns whether anything changed.
 */
export async function patchAssignmentIn(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  patch: AssignmentPatch,
): Promise<boolean> {
  const readVersion = assignment.version;
  const next = await patchedColumns(tx, ctx, patch);
  await tx.flush();
  const changed = Object.entries(next).filter(([key, value]) => assignment[key as keyof Assignment] !== value);
  if (changed.length === 0) return false;
  if (next.type && assignment.appraiserId) {
    assertCanTake(await loadAppraiser(tx, assignment.appraiserId), next.type as AssignmentType, todayInOslo());
  }
  const before = snapshot(assignment);
  tx.assign(assignment, { ...Object.fromEntries(changed), updatedAt: new Date() });
  recordAudit(tx, ctx, {
    entityType: 'assignment',
    entityId: assignment.id,
    action: 'updated',
    before,
    after: snapshot(assignment),
  });
  await flushOrConflict(tx, assignment, readVersion);
  return true;
}

async function flushOrConflict(tx: Tx, assignment: Assignment, expectedVersion: number) {
  try {
    await tx.flush();
  } catch (error) {
    // The row lock makes this rare; the version column still guards a write that slipped past it.
    if (error instanceof OptimisticLockError) throw assignmentVersionConflict(assignment, expectedVersion);
    throw error;
  }
}

export async function transitionAssignment(
  ctx: ServiceContext,
  input: { id: string; to: AssignmentStatus; reason?: string | undefined; expectedVersion: number },
): Promise<AssignmentRow> {
  await inTransaction(ctx.em, async (tx) => {
    const assignment = await loadAtVersion(tx, input.id, input.expectedVersion);
    assertMayWorkOn(ctx, assignment);
    await changeStatus(tx, ctx, assignment, input.to, input.reason ?? null);
    await flushOrConflict(tx, assignment, input.expectedVersion);
  });
  return readBack(ctx.em, input.id);
}

const CLOSED_STATUSES: readonly string[] = ['closed', 'cancelled'];

/** Gives the assignment to an appraiser who may take its type today. */
export async function assignAppraiser(
  ctx: ServiceContext,
  input: { id: string; appraiserId: string; expectedVersion: number },
): Promise<AssignmentRow> {
  await inTransaction(ctx.em, async (tx) => {
    const assignment = await loadAtVersion(tx, input.id, input.expectedVersion);
    await assignAppraiserIn(tx, ctx, assignment, input.appraiserId);
  });
  return readBack(ctx.em, input.id);
}

/** `assignAppraiser` on an assignment loaded for update in the caller's transaction; returns whether it changed. */
export async function assignAppraiserIn(
  tx: Tx,
  ctx: ServiceContext,
  assignment: Assignment,
  appraiserId: string,
): Promise<boolean> {
  if (CLOSED_STATUSES.includes(assignment.status)) {
    throw new DomainError(
      'BAD_REQUEST',
      'INVALID_TRANSITION',
      `Assignment ${assignment.reference} is ${assignment.status} and takes no appraiser`,
    );
  }
  const appraiser = await loadAppraiser(tx, appraiserId);
  assertCanTake(appraiser, assignment.type as AssignmentType, todayInOslo());
  if (assignment.appraiserId === appraiser.id) return false;
  const readVersion = assignment.version;
  const before = snapshot(assignment);
  assignment.appraiserId = appraiser.id;
  assignment.updatedAt = new Date();
  recordAudit(tx, ctx, {
    entityType: 'assignment',
    entityId: assignment.id,
    action: 'assigned',
    before,
    after: snapshot(assignment),
  });
  await flushOrConflict(tx, assignment, readVersion);
  return true;
}
