import type {
  ExternalRefEntityType,
  LinkExternalRefInput,
  ListExternalRefsInput,
  ResolveExternalRefInput,
  ResolveExternalRefOutput,
  Scope,
} from '@takst/contract';
import { AssignmentEntity, type EntityManager, InspectionEntity, PartyEntity, PropertyEntity } from '@takst/db';
import { toAssignmentDto } from '../assignments/mapper';
import { getAssignment } from '../assignments/service';
import { recordAudit } from '../audit/record';
import { hasScope } from '../auth/scopes';
import { DomainError, notFound } from '../errors';
import { toInspectionDto } from '../inspections/mapper';
import { getInspection } from '../inspections/service';
import { inTransaction } from '../lib/transaction';
import { toPartyDto } from '../parties/mapper';
import { getParty } from '../parties/service';
import type { Actor, ServiceContext } from '../platform';
import { toPropertyDto } from '../properties/mapper';
import { getProperty } from '../properties/service';
import {
  addExternalRef,
  type ExternalRefRow,
  externalRefConflict,
  externalRefNotFound,
  findExternalRefs,
  listExternalRefRows,
  lockAndFindExternalRef,
} from './store';

// Inspections hang off assignments and share their scopes, as everywhere in the API.
const READ_SCOPE: Record<ExternalRefEntityType, Scope> = {
  assignment: 'assignments:read',
  inspection: 'assignments:read',
  party: 'parties:read',
  property: 'properties:read',
};
const WRITE_SCOPE: Record<ExternalRefEntityType, Scope> = {
  assignment: 'assignments:write',
  inspection: 'assignments:write',
  party: 'parties:write',
  property: 'properties:write',
};

/** The procedure's own scope lets the caller in; this one is the scope of the entity it reaches. */
function requireScope(actor: Actor, scope: Scope): void {
  if (hasScope(actor.scopes, scope)) return;
  throw new DomainError('FORBIDDEN', 'MISSING_SCOPE', `This API key lacks the scope '${scope}'`, {
    requiredScope: scope,
  });
}

/** The tool uses one id for entities of two types (a booking id for an assignment and its inspection). */
function refusedAsAmbiguous(input: ResolveExternalRefInput, refs: ExternalRefRow[]): DomainError {
  const entityTypes = refs.map((ref) => ref.entityType);
  const message = `${input.system}/${input.externalId} names a ${entityTypes.join(' and a ')}; give entityType to say which`;
  return new DomainError('BAD_REQUEST', 'EXTERNAL_REF_AMBIGUOUS', message, { entityTypes });
}

async function resolvedEntity(em: EntityManager, ref: ExternalRefRow): Promise<ResolveExternalRefOutput> {
  const entityId = ref.entityId;
  const entityType = ref.entityType as ExternalRefEntityType;
  switch (entityType) {
    case 'assignment':
      return { entityType, entityId, entity: toAssignmentDto(await getAssignment(em, entityId)) };
    case 'party':
      return { entityType, entityId, entity: toPartyDto(await getParty(em, entityId)) };
    case 'property':
      return { entityType, entityId, entity: toPropertyDto(await getProperty(em, entityId)) };
    case 'inspection': {
      const row = await getInspection(em, entityId);
      return { entityType, entityId, entity: toInspectionDto(row, row.appraiserName) };
    }
  }
}

/** The entity a reference points to; the caller needs the read scope of its type. */
export async function resolveExternalRef(
  ctx: ServiceContext,
  input: ResolveExternalRefInput,
): Promise<ResolveExternalRefOutput> {
  const refs = await findExternalRefs(ctx.em, input, input.entityType);
  const [ref] = refs;
  if (!ref) throw externalRefNotFound(input, input.entityType);
  if (refs.length > 1) throw refusedAsAmbiguous(input, refs);
  requireScope(ctx.actor, READ_SCOPE[ref.entityType as ExternalRefEntityType]);
  return resolvedEntity(ctx.em, ref);
}

export function listExternalRefs(ctx: ServiceContext, input: ListExternalRefsInput): Promise<ExternalRefRow[]> {
  requireScope(ctx.actor, READ_SCOPE[input.entityType]);
  return listExternalRefRows(ctx.em, input.entityType, input.entityId);
}

const COUNT_BY_ID: Record<ExternalRefEntityType, (tx: EntityManager, id: string) => Promise<number>> = {
  assignment: (tx, id) => tx.count(AssignmentEntity, { id }),
  party: (tx, id) => tx.count(PartyEntity, { id }),
  property: (tx, id) => tx.count(PropertyEntity, { id }),
  inspection: (tx, id) => tx.count(InspectionEntity, { id }),
};
const NOT_FOUND_CODE = {
  assignment: 'ASSIGNMENT_NOT_FOUND',
  party: 'PARTY_NOT_FOUND',
  property: 'PROPERTY_NOT_FOUND',
  inspection: 'INSPECTION_NOT_FOUND',
} as const;

async function assertEntityExists(tx: EntityManager, entityType: ExternalRefEntityType, id: string): Promise<void> {
  if ((await COUNT_BY_ID[entityType](tx, id)) === 0) {
    throw notFound(NOT_FOUND_CODE[entityType], `No ${entityType} with id ${id}`);
  }
}

/**
 * Gives an existing entity a reference. Linking it again to the same entity changes nothing;
 * a reference that already points to another entity of the type is EXTERNAL_REF_CONFLICT.
 */
export async function linkExternalRef(ctx: ServiceContext, input: LinkExternalRefInput) {
  requireScope(ctx.actor, WRITE_SCOPE[input.entityType]);
  return inTransaction(ctx.em, async (tx) => {
    await assertEntityExists(tx, input.entityType, input.entityId);
    const existing = await lockAndFindExternalRef(tx, input.entityType, input);
    if (existing?.entityId === input.entityId) return { ref: existing, created: false };
    if (existing) {
      throw externalRefConflict(
        `${input.system}/${input.externalId} already points to ${input.entityType} ${existing.entityId}`,
        { entityType: input.entityType, entityId: existing.entityId },
      );
    }
    const ref = addExternalRef(tx, input.entityType, input.entityId, input);
    recordAudit(tx, ctx, {
      entityType: input.entityType,
      entityId: input.entityId,
      action: 'external_ref_added',
      before: null,
      after: { externalRef: { system: input.system, externalId: input.externalId } },
    });
    return { ref, created: true };
  });
}
