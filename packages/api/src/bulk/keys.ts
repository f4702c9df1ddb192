import type { BulkUpsertItem, ExternalRefInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { jsonRows, lockKeys, sql } from './sql';

export type ItemKey = BulkUpsertItem['key'];

/** One string per key, telling apart every two keys that name different assignments. */
export const keyString = (key: ItemKey) =>
  'externalRef' in key
    ? `ref\n${key.externalRef.system}\n${key.externalRef.externalId}`
    : `reference\n${key.reference}`;

/** The advisory-lock key of an assignment's external reference, as `lockAndFindExternalRef` takes it. */
const externalRefLockKey = (ref: ExternalRefInput) =>
  `external-ref:${JSON.stringify(['assignment', ref.system, ref.externalId])}`;

const externalRefsOf = (keys: readonly ItemKey[]) =>
  keys.flatMap((key) => ('externalRef' in key ? [key.externalRef] : []));

/**
 * Finds the assignment each key names, if any. External references not found are locked for the
 * transaction (the advisory lock `upsertByExternalRef` takes, so the two take turns creating one)
 * and looked up again; one found needs no lock, as the assignment's row lock orders its updates.
 */
export async function lockAndFindByKeys(tx: EntityManager, keys: readonly ItemKey[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const remember = (rows: { system: string; externalId: string; entityId: string }[]) => {
    for (const row of rows) found.set(keyString({ externalRef: row }), row.entityId);
  };
  const refs = externalRefsOf(keys);
  remember(await findByExternalRefs(tx, refs));
  const missing = refs.filter((ref) => !found.has(keyString({ externalRef: ref })));
  await lockKeys(tx, missing.map(externalRefLockKey));
  remember(await findByExternalRefs(tx, missing));
  const references = keys.flatMap((key) => ('reference' in key ? [key.reference] : []));
  for (const row of await findByReferences(tx, references)) found.set(keyString({ reference: row.reference }), row.id);
  return found;
}

function findByExternalRefs(tx: EntityManager, refs: readonly ExternalRefInput[]) {
  if (refs.length === 0) return Promise.resolve([]);
  return sql<{ system: string; externalId: string; entityId: string }>(
    tx,
    `select r.system, r.external_id as "externalId", r.entity_id as "entityId"
     from json_to_recordset(?::json) as k(system text, "externalId" text)
       join external_refs r on r.system = k.system and r.external_id = k."externalId" and r.entity_type = 'assignment'`,
    [jsonRows(refs)],
  );
}

function findByReferences(tx: EntityManager, references: readonly string[]) {
  if (references.length === 0) return Promise.resolve([]);
  return sql<{ id: string; reference: string }>(
    tx,
    'select a.id, a.reference from assignments a where a.reference in (select json_array_elements_text(?::json))',
    [JSON.stringify(references)],
  );
}
