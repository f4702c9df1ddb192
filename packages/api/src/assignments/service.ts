import type { AssignmentPatch, CreateAssignmentInput, ListAssignmentsInput } from '@takst/contract';
import { type Assignment, AssignmentEntity, type EntityManager, OptimisticLockError } from '@takst/db';

import { DomainError, notFound } from '../errors';
import { uuidv7 } from '../lib/uuid';
import { type AssignmentRow, findAssignmentRow, listAssignmentRows } from './read-model';

type PropertyInput = CreateAssignmentInput['property'];
type ClientInput = CreateAssignmentInput['client'];

/** The next reference of the year, e.g. 2026-000123; the counter row stays locked until commit. */
async function nextReference(em: EntityManager, now: Date): Promise<string> {
  const year = now.getUTCFullYear();
  const rows = await em.getConnection().execute<{ last_value: number }[]>(
    `insert into reference_counters (year, last_value) values (?, 1)
     on conflict (year) do update set last_value = reference_counters.last_value + 1
     returning last_value`,
    [year],
    'all',
    em.getTransactionContext(),
  );
  const value = rows[0]?.last_value;
  if (value === undefined) throw new Error('reference counter returned no row');
  return `${year}-${String(value).padStart(6, '0')}`;
}

function propertyColumns(property: PropertyInput) {
  const { address, cadastre } = property;
  return {
    propertyStreet: address.street,
    propertyPostalCode: address.postalCode,
    propertyCity: address.city,
    cadastreMunicipality: cadastre?.municipality ?? null,
    cadastreGnr: cadastre?.gnr ?? null,
    cadastreBnr: cadastre?.bnr ?? null,
    cadastreFnr: cadastre ? (cadastre.fnr ?? 0) : null,
    cadastreSnr: cadastre ? (cadastre.snr ?? 0) : null,
  };
}

function clientColumns(client: ClientInput) {
  return {
    clientName: client.name,
    clientEmail: client.email ?? null,
    clientPhone: client.phone ?? null,
    clientOrganizationNumber: client.organizationNumber ?? null,
  };
}

export async function createAssignment(em: EntityManager, input: CreateAssignmentInput): Promise<Assignment> {
  return em.transactional(async (tx) => {
    const now = new Date();
    const assignment = tx.create(AssignmentEntity, {
      id: uuidv7(now.getTime()),
      reference: await nextReference(tx, now),
      type: input.type,
      status: 'received',
      version: 1,
      ...propertyColumns(input.property),
      ...clientColumns(input.client),
      dueDate: input.dueDate ?? null,
      notes: input.notes ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.flush();
    return assignment;
  });
}

const assignmentNotFound = (what: string) => notFound('ASSIGNMENT_NOT_FOUND', `No assignment with ${what}`);

async function loadAssignment(em: EntityManager, id: string): Promise<Assignment> {
  const assignment = await em.findOne(AssignmentEntity, { id });
  if (!assignment) throw assignmentNotFound(`id ${id}`);
  return assignment;
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

/** Field-by-field: only what the patch really changes is written, and an empty change writes nothing. */
function changedColumns(assignment: Assignment, patch: AssignmentPatch): Partial<Assignment> {
  const next: Partial<Assignment> = {};
  if (patch.type !== undefined) next.type = patch.type;
  if (patch.property !== undefined) Object.assign(next, propertyColumns(patch.property));
  if (patch.client !== undefined) Object.assign(next, clientColumns(patch.client));
  if (patch.dueDate !== undefined) next.dueDate = patch.dueDate;
  if (patch.notes !== undefined) next.notes = patch.notes;
  const changed: Partial<Assignment> = {};
  for (const [key, value] of Object.entries(next) as [keyof Assignment, unknown][]) {
    if (assignment[key] !== value) Object.assign(changed, { [key]: value });
  }
  return changed;
}

export async function updateAssignment(
  em: EntityManager,
  input: { id: string; expectedVersion: number; patch: AssignmentPatch },
): Promise<Assignment> {
  const assignment = await loadAssignment(em, input.id);
  const versionConflict = () =>
    new DomainError(
      'CONFLICT',
      'VERSION_CONFLICT',
      `Assignment ${assignment.reference} is at version ${assignment.version}, not ${input.expectedVersion}; fetch it again and reapply the change`,
      { currentVersion: assignment.version },
    );
  if (assignment.version !== input.expectedVersion) throw versionConflict();
  const changed = changedColumns(assignment, input.patch);
  if (Object.keys(changed).length === 0) return assignment;
  em.assign(assignment, { ...changed, updatedAt: new Date() });
  try {
    // The version column makes the UPDATE conditional on the version we read.
    await em.flush();
  } catch (error) {
    if (error instanceof OptimisticLockError) {
      const current = await em.fork().findOne(AssignmentEntity, { id: input.id });
      assignment.version = current?.version ?? assignment.version;
      throw versionConflict();
    }
    throw error;
  }
  return assignment;
}
