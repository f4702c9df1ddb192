/** Where `events.consume` keeps its place in the event log. */
export interface CheckpointStore {
  /** The sequence of the last event handled; null when nothing was handled yet. */
  load(): Promise<number | null>;
  /** Called with an event's sequence once its handler has resolved. */
  save(sequence: number): Promise<void>;
}

/**
 * Anything with the `query(text, values)` of the `pg` package: a `Pool`, a `Client`, the client
 * of a transaction. The SDK does not depend on `pg`.
 */
export interface SqlClient {
  // biome-ignore lint/suspicious/noExplicitAny: pg's rows are untyped, and a narrower type would refuse its Pool
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

export interface PostgresCheckpointOptions {
  /** The consumer's name: one row per name, so several consumers can share the table. */
  name: string;
  /** The table, created when missing; `takst_checkpoints` by default. May be `schema.table`. */
  table?: string;
}

export interface PostgresCheckpoint extends CheckpointStore {
  /**
   * Saves the checkpoint through `transaction` (the client a transaction runs on), so it
   * commits or rolls back with the handler's own writes: each event's effect then happens
   * exactly once. Never moves the checkpoint backwards.
   */
  saveIn(transaction: SqlClient, sequence: number): Promise<void>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `table` or `schema.table`, each part checked and quoted: it goes into SQL as a name. */
function quotedTableName(table: string): string {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new RangeError(
      `The checkpoint table must be a name such as takst_checkpoints or sync.checkpoints, not '${table}'`,
    );
  }
  return parts.map((part) => `"${part}"`).join('.');
}

function checkedSequence(sequence: number): number {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new RangeError(`A checkpoint is an event's sequence, a whole number 0 or more, not ${sequence}`);
  }
  return sequence;
}

// Two connections creating the table at once can both pass "if not exists"; the second then
// fails once the first commits: on the catalogue's unique index (23505), on the table's row
// type (42710) or on the table itself (42P07). The table is there either way.
const ALREADY_CREATED = new Set(['23505', '42710', '42P07']);

/**
 * A checkpoint in a PostgreSQL table (`name text primary key, sequence bigint, updated_at
 * timestamptz`), created when missing. `save` is an upsert that never moves the checkpoint
 * backwards. Give it a `pg` Pool (or anything with its `query`); to commit the checkpoint
 * together with the handler's own writes, call `saveIn(transactionClient, event.sequence)`
 * inside the handler's transaction.
 */
export function postgresCheckpoint(db: SqlClient, options: PostgresCheckpointOptions): PostgresCheckpoint {
  const { name } = options;
  if (typeof name !== 'string' || name.length === 0) throw new RangeError('A postgres checkpoint needs a name');
  const table = quotedTableName(options.table ?? 'takst_checkpoints');
  const upsert = `insert into ${table} (name, sequence, updated_at) values ($1, $2, now())
    on conflict (name) do update set sequence = excluded.sequence, updated_at = excluded.updated_at
    where ${table}.sequence < excluded.sequence`;

  let created: Promise<void> | undefined;
  const ensureTable = () => {
    created ??= db
      .query(
        `create table if not exists ${table} (
          name text primary key,
          sequence bigint not null,
          updated_at timestamptz not null default now()
        )`,
      )
      .then(
        () => undefined,
        (error: unknown) => {
          if (ALREADY_CREATED.has((error as { code?: unknown }).code as string)) return;
          created = undefined;
          throw error;
        },
      );
    return created;
  };

  return {
    async load() {
      await ensureTable();
      const { rows } = await db.query(`select sequence from ${table} where name = $1`, [name]);
      const stored: unknown = rows[0]?.sequence;
      // bigint comes back from pg as a string.
      return stored === undefined || stored === null ? null : Number(stored);
    },
    async save(sequence) {
      checkedSequence(sequence);
      await ensureTable();
      await db.query(upsert, [name, sequence]);
    },
    async saveIn(transaction, sequence) {
      checkedSequence(sequence);
      // Made outside the transaction, so that a rollback does not take the table with it.
      await ensureTable();
      await transaction.query(upsert, [name, sequence]);
    },
  };
}
