import type { EntityManager } from '@takst/db';

/** to_char format of an ISO 8601 UTC timestamp with milliseconds, as `Date.toISOString()` writes it. */
export const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The SELECT list that reads a table straight into the shape of its entity (camelCase keys),
 * made from the entity's metadata so a new column needs no second edit. Timestamps come out of
 * PostgreSQL already as ISO 8601 strings in UTC with milliseconds.
 */
export function selectListFor(em: EntityManager, entityName: string, alias: string): string {
  const meta = em.getMetadata().find(entityName);
  if (!meta) throw new Error(`no metadata for ${entityName}`);
  return meta.props
    .filter((prop) => prop.fieldNames?.length === 1 && prop.persist !== false)
    .map((prop) => {
      const column = `${alias}.${prop.fieldNames[0]}`;
      const expression = prop.runtimeType === 'Date' ? `to_char(${column} at time zone 'UTC', ${ISO_MS})` : column;
      return `${expression} as "${prop.name}"`;
    })
    .join(', ');
}

/**
 * Reads rows without hydrating entities. Read paths use this: hydration costs several times the
 * query itself (see docs/performance.md). Writes keep using entities and the unit of work.
 */
export async function selectRows<Row>(em: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  return em.getConnection().execute<Row[]>(sql, params, 'all', em.getTransactionContext());
}

/** `?, ?, ?` for an IN list, one placeholder per value (knex would splice an array bound to one `?`). */
export const placeholders = (values: readonly unknown[]) => values.map(() => '?').join(', ');

/**
 * Holds a PostgreSQL advisory lock on `key` until the transaction ends, so that "find, else
 * create" on a natural key runs one transaction at a time: a unique-index violation would
 * abort the caller's whole transaction.
 */
export async function lockKeyForTransaction(tx: EntityManager, key: string): Promise<void> {
  await tx
    .getConnection()
    .execute('select pg_advisory_xact_lock(hashtext(?))', [key], 'all', tx.getTransactionContext());
}
