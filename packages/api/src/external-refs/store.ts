import type { ExternalRefEntityType, ExternalRefInput } from '@takst/contract';
import { type EntityManager, type ExternalRef, ExternalRefEntity } from '@takst/db';
import { DomainError, notFound } from '../errors';
import { lockKeyForTransaction, selectListFor, selectRows } from '../lib/read-model';
import { uuidv7 } from '../lib/uuid';

/** A row of external_refs as the read model returns it (timestamps as ISO strings). */
export type ExternalRefRow = Omit<ExternalRef, 'createdAt'> & { createdAt: string };

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'ExternalRef', 'r');
  return selectList;
};

export const externalRefNotFound = (ref: ExternalRefInput, entityType?: ExternalRefEntityType) =>
  notFound(
    'EXTERNAL_REF_NOT_FOUND',
    `No ${entityType ?? 'entity'} has the external reference ${ref.system}/${ref.externalId}`,
  );

export const externalRefConflict = (message: string, details: Record<string, unknown>) =>
  new DomainError('CONFLICT', 'EXTERNAL_REF_CONFLICT', message, details);

/** The refs with this system and id, of one entity type or of every type (at most one each). */
export function findExternalRefs(
  em: EntityManager,
  ref: ExternalRefInput,
  entityType?: ExternalRefEntityType,
): Promise<ExternalRefRow[]> {
  const byType = entityType ? ' and r.entity_type = ?' : '';
  return selectRows<ExternalRefRow>(
    em,
    `select ${columns(em)} from external_refs r where r.system = ? and r.external_id = ?${byType} order by r.entity_type`,
    entityType ? [ref.system, ref.externalId, entityType] : [ref.system, ref.externalId],
  );
}

export function listExternalRefRows(
  em: EntityManager,
  entityType: ExternalRefEntityType,
  entityId: string,
): Promise<ExternalRefRow[]> {
  return selectRows<ExternalRefRow>(
    em,
    `select ${columns(em)} from external_refs r where r.entity_id = ? and r.entity_type = ? order by r.created_at, r.id`,
    [entityId, entityType],
  );
}

/**
 * Finds the ref under a transaction-scoped advisory lock on it, so "find, else create and
 * register" runs one transaction at a time per ref: a concurrent second caller waits, then finds
 * what the first one registered.
 */
export async function lockAndFindExternalRef(
  tx: EntityManager,
  entityType: ExternalRefEntityType,
  ref: ExternalRefInput,
): Promise<ExternalRefRow | undefined> {
  await lockKeyForTransaction(tx, `external-ref:${JSON.stringify([entityType, ref.system, ref.externalId])}`);
  const [found] = await findExternalRefs(tx, ref, entityType);
  return found;
}

/** Registers a ref in the caller's transaction; take `lockAndFindExternalRef` first. */
export function addExternalRef(
  tx: EntityManager,
  entityType: ExternalRefEntityType,
  entityId: string,
  ref: ExternalRefInput,
): ExternalRef {
  return tx.create(ExternalRefEntity, {
    id: uuidv7(),
    entityType,
    system: ref.system,
    externalId: ref.externalId,
    entityId,
    createdAt: new Date(),
  });
}
