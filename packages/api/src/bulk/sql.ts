import type { EntityManager } from '@takst/db';
import type { Actor } from '../platform';

/**
 * Runs SQL with `?` placeholders as a parameterised statement on the EntityManager's
 * transaction. Unlike `execute()`, which quotes every value into the SQL text in JavaScript, the
 * values travel as statement parameters: a bulk statement carries its rows as one JSON text, and
 * quoting a megabyte of it costs milliseconds. Arrays would be spread into lists by knex, so pass
 * them as JSON (`json_array_elements_text(?::json)`) or as PostgreSQL array literals.
 */
export async function sql<Row>(
  em: EntityManager,
  text: string,
  params: ReadonlyArray<string | number | boolean | null>,
  transaction: unknown = em.getTransactionContext(),
): Promise<Row[]> {
  const statement = em
    .getConnection()
    .getKnex()
    .raw(text, [...params]);
  if (transaction) statement.transacting(transaction as Parameters<typeof statement.transacting>[0]);
  const result = (await statement) as { rows: Row[] };
  return result.rows;
}

/** A PostgreSQL array literal of uuids or other values without commas, quotes or braces. */
export const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`;

/** Rows as one JSON parameter, read back with `json_to_recordset(?::json) as r(…columns…)`. */
export const jsonRows = (rows: readonly object[]) => JSON.stringify(rows);

/**
 * Takes PostgreSQL advisory locks on these keys for the rest of the transaction, in one round
 * trip and in sorted order, so two bulk calls wanting some of the same keys cannot deadlock. The
 * keys are the ones single writes lock (`lockKeyForTransaction`), so both kinds take turns.
 */
export async function lockKeys(em: EntityManager, keys: Iterable<string>): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;
  await sql(
    em,
    `select pg_advisory_xact_lock(hashtext(k.key))
     from json_array_elements_text(?::json) with ordinality as k(key, n) order by k.n`,
    [JSON.stringify(sorted)],
  );
}

/**
 * Who acted, as the history tables' `actor_id, actor_name, user_id, user_name` take it: the API
 * client (null for a person signed in), the name shown, and the person where one acted.
 */
export const actorParams = (actor: Actor): [string | null, string, string | null, string | null] => [
  actor.clientId,
  actor.name,
  actor.user?.id ?? null,
  actor.user?.name ?? null,
];
