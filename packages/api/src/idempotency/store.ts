import type { ErrorCode } from '@takst/contract/enums';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import pg from 'pg';
import { DomainError } from '../errors';
import type { Logger } from '../lib/logger';
import { KeyedMutex } from './keyed-mutex';

/** One keyed mutation: who sent it, under which key, and what it asked for. */
export interface IdempotentCall {
  clientId: string;
  key: string;
  path: string;
  fingerprint: string;
  /** A refusal to keep in place of an output that must not be stored (one holding a secret). */
  withheld?: (output: unknown) => DomainError | null;
}

/** What running a procedure gives back: tRPC's middleware result, reduced to what is kept. */
export type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

export interface IdempotencyStoreOptions {
  connectionString: string;
  /** Connections for the locks; at most this many keyed mutations run at once in this process. */
  poolMax: number;
  /** How long an outcome is kept; 24 hours. */
  ttlSeconds?: number;
  /** How often, at most, expired records are swept away; every ten minutes. */
  sweepIntervalMs?: number;
}

interface StoredError {
  code: TRPCError['code'];
  errorCode: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

interface StoredRecord {
  fingerprint: string;
  output: string | null;
  error: StoredError | null;
}

interface Storable {
  status: number;
  output: string | null;
  error: StoredError | null;
}

// The two-integer advisory lock space is apart from the one-bigint space the domain's
// natural-key locks use, so a key's lock can never collide with a lock its own procedure takes.
const IDEMPOTENCY_LOCK_SPACE = 0x54414b53;

// Refusals that say "not now" rather than "no": a retry should get another try.
const TRANSIENT: ReadonlySet<TRPCError['code']> = new Set(['TOO_MANY_REQUESTS', 'TIMEOUT', 'CLIENT_CLOSED_REQUEST']);

/**
 * Runs each keyed mutation once and keeps its outcome, so a retry with the same key and input
 * gets the first outcome back without acting again.
 *
 * Per (client, key): calls in this process queue in memory; across processes, the one at the
 * head of the queue takes a transaction-scoped advisory lock, looks for a stored outcome, and
 * either replays it or runs the procedure and stores the outcome before it commits, which
 * releases the lock. Concurrent duplicates therefore wait for the first and replay it.
 *
 * The lock's transaction lives on a pool of its own, apart from the ORM's: a call holds its lock
 * connection while the procedure takes ORM connections, and sharing one pool would let lock
 * holders starve their own procedures. The queue in memory keeps duplicates from tying up more
 * than one lock connection per process.
 *
 * The outcome is stored after the procedure's own transaction commits. Should the process die
 * between the two, the lock is released with its connection and a retry acts again: a window of
 * one round trip, where a lost answer would otherwise be the norm.
 */
export class IdempotencyStore {
  readonly #options: Required<IdempotencyStoreOptions>;
  readonly #logger: Logger;
  readonly #queue = new KeyedMutex();
  #pool: pg.Pool | null = null;
  #lastSweep = 0;

  constructor(options: IdempotencyStoreOptions, logger: Logger) {
    this.#options = { ttlSeconds: 24 * 60 * 60, sweepIntervalMs: 10 * 60_000, ...options };
    this.#logger = logger;
  }

  /**
   * Runs `proceed` unless an outcome for the key is stored; then gives `replay(output)` for a
   * stored output, throws a stored refusal again, or refuses a key first used for other input.
   */
  execute<R extends CallOutcome>(
    call: IdempotentCall,
    proceed: () => Promise<R>,
    replay: (output: unknown) => R,
  ): Promise<R> {
    return this.#queue.run(`${call.clientId}\n${call.key}`, () => this.#underLock(call, proceed, replay));
  }

  async close(): Promise<void> {
    const pool = this.#pool;
    this.#pool = null;
    await pool?.end();
  }

  async #underLock<R extends CallOutcome>(
    call: IdempotentCall,
    proceed: () => Promise<R>,
    replay: (output: unknown) => R,
  ): Promise<R> {
    const connection = await this.#connections().connect();
    let stored: StoredRecord | null;
    try {
      await connection.query('begin');
      await connection.query('select pg_advisory_xact_lock($1::int, hashtext($2))', [
        IDEMPOTENCY_LOCK_SPACE,
        `${call.clientId}:${call.key}`,
      ]);
      stored = await this.#find(connection, call);
      if (stored) await connection.query('commit');
    } catch (error) {
      connection.release(true);
      throw error;
    }
    if (stored) {
      connection.release();
      return replayed(stored, call, replay);
    }
    let outcome: R | undefined;
    try {
      outcome = await proceed();
      await this.#keep(connection, call, outcome);
      connection.release();
      return outcome;
    } catch (error) {
      // Dropping the connection ends its transaction, and with it the lock.
      connection.release(true);
      if (outcome === undefined) throw error;
      // The procedure has acted; its answer is the truth even if it could not be kept.
      this.#logger.error({ err: error, path: call.path }, 'could not keep the outcome of an idempotent call');
      return outcome;
    }
  }

  async #find(connection: pg.PoolClient, call: IdempotentCall): Promise<StoredRecord | null> {
    const { rows } = await connection.query<StoredRecord & { expired: boolean }>(
      `select fingerprint, output::text as output, error, expires_at <= now() as expired
       from idempotency_keys where client_id = $1 and key = $2`,
      [call.clientId, call.key],
    );
    const row = rows[0];
    if (!row) return null;
    if (!row.expired) return row;
    await connection.query('delete from idempotency_keys where client_id = $1 and key = $2', [call.clientId, call.key]);
    return null;
  }

  async #keep(connection: pg.PoolClient, call: IdempotentCall, outcome: CallOutcome): Promise<void> {
    const storable = storableOf(outcome, call);
    if (!storable) {
      await connection.query('rollback');
      return;
    }
    await connection.query(
      `insert into idempotency_keys
         (client_id, key, path, fingerprint, response_status, output, error, created_at, expires_at)
       values ($1, $2, $3, $4, $5, $6::json, $7::jsonb, now(), now() + make_interval(secs => $8))`,
      [
        call.clientId,
        call.key,
        call.path,
        call.fingerprint,
        storable.status,
        storable.output,
        storable.error && JSON.stringify(storable.error),
        this.#options.ttlSeconds,
      ],
    );
    await connection.query('commit');
    this.#sweepNowAndThen();
  }

  /** Expired records are also deleted when their key comes back; this catches the rest. */
  #sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.#lastSweep < this.#options.sweepIntervalMs) return;
    this.#lastSweep = now;
    this.#connections()
      .query(
        `delete from idempotency_keys where (client_id, key) in
           (select client_id, key from idempotency_keys where expires_at < now() limit 1000)`,
      )
      .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not sweep expired idempotency keys'));
  }

  #connections(): pg.Pool {
    if (this.#pool) return this.#pool;
    const pool = new pg.Pool({
      connectionString: this.#options.connectionString,
      max: this.#options.poolMax,
      application_name: 'takst-idempotency',
      // Idle lock connections must not keep a one-off command's process alive.
      allowExitOnIdle: true,
    });
    // An idle connection the server drops must not crash the process; the next call reconnects.
    pool.on('error', (error) => this.#logger.warn({ err: error }, 'idempotency connection failed while idle'));
    this.#pool = pool;
    return pool;
  }
}

function replayed<R>(stored: StoredRecord, call: IdempotentCall, replay: (output: unknown) => R): R {
  if (stored.fingerprint !== call.fingerprint) {
    throw new DomainError(
      'CONFLICT',
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request',
    );
  }
  if (stored.error) {
    const { code, errorCode, message, details } = stored.error;
    throw new DomainError(code, errorCode, message, details);
  }
  return replay(stored.output === null ? undefined : JSON.parse(stored.output));
}

/**
 * Outputs and the procedure's own refusals (DomainErrors) are kept; an output the call withholds
 * is kept as the refusal it names instead. Not kept: input that failed
 * validation (nothing was attempted, so a corrected retry under the same key may go ahead),
 * internal errors (a retry may run again), and transient refusals.
 */
function storableOf(outcome: CallOutcome, call: IdempotentCall): Storable | null {
  if (outcome.ok) {
    const withheld = call.withheld?.(outcome.data);
    if (withheld) return storableOf({ ok: false, error: withheld }, call);
    return { status: 200, output: outcome.data === undefined ? null : JSON.stringify(outcome.data), error: null };
  }
  const { error } = outcome;
  if (!(error instanceof DomainError) || TRANSIENT.has(error.code)) return null;
  const status = getHTTPStatusCodeFromError(error);
  if (status >= 500) return null;
  const stored: StoredError = { code: error.code, errorCode: error.errorCode, message: error.message };
  if (error.details) stored.details = error.details;
  return { status, output: null, error: stored };
}
