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

interface PooledConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

interface KnexClientPool {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
}

interface PreparedStatement {
  name: string;
  /** The text with PostgreSQL's `$n` placeholders. */
  text: string;
}

/** Statements by SQL text: one name per text, so a connection never meets a name twice with two texts. */
const preparedStatements = new Map<string, PreparedStatement>();
/** A bound on distinct prepared texts: past it, reads go unprepared rather than fill every session. */
const MAX_PREPARED_TEXTS = 500;

// Callers pass the same string object each time (a module constant), so the map's lookup hashes it once.
function preparedStatement(sql: string): PreparedStatement | undefined {
  let statement = preparedStatements.get(sql);
  if (statement === undefined && preparedStatements.size < MAX_PREPARED_TEXTS) {
    statement = { name: `takst_read_${preparedStatements.size + 1}`, text: numbered(sql) };
    preparedStatements.set(sql, statement);
  }
  return statement;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`. The texts given here carry no other `?`. */
const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * Reads rows as `selectRows` does, as a named prepared statement: each pooled connection parses
 * the text once, and after a few runs PostgreSQL keeps a generic plan, so the hot reads (an
 * assignment by id, a page of a list) skip parsing and planning, which cost more than running
 * them (docs/performance.md). Pass a constant text: the statements are kept by text. Inside a transaction the read goes the unprepared way, on the
 * transaction's connection.
 */
export async function selectPrepared<Row>(em: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const statement = em.getTransactionContext() ? undefined : preparedStatement(sql);
  if (statement === undefined) return selectRows<Row>(em, sql, params);
  const pool = em.getConnection().getKnex().client as unknown as KnexClientPool;
  const connection = await pool.acquireConnection();
  try {
    const result = await connection.query({ name: statement.name, text: statement.text, values: params });
    return result.rows as Row[];
  } finally {
    await pool.releaseConnection(connection);
  }
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
