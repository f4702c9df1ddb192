import type { ErrorCode } from '@takst/contract/enums';
import type { EntityManager } from '@takst/db';
import type { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { sql } from '../bulk/sql';
import { DomainError } from '../errors';
import { failpoint } from '../lib/failpoint';
import type { Logger } from '../lib/logger';
import { transactionEnded } from '../lib/transaction';
import { KeyedMutex } from './keyed-mutex';
import { fillReplay, type ReplayContext, type ReplayFillName } from './replay-fills';

/**
 * What a call keeps in place of an output that must not be stored as it is (one holding a
 * secret): a refusal that a retry gets instead (the secret cannot be read again), or the output
 * without the secret and the fill that a replay completes it with (the secret can be read again).
 */
export type Withheld = { refusal: DomainError } | { kept: unknown; replayFill: ReplayFillName };

/** One keyed mutation: who sent it, under which key, and what it asked for. */
export interface IdempotentCall {
  /** The API client or the person (`ownerOf`): keys are theirs alone. */
  ownerId: string;
  key: string;
  path: string;
  fingerprint: string;
  /** What to keep in place of an output that must not be stored as it is; null to keep the output. */
  withheld?: (output: unknown) => Withheld | null;
}

/** What running a procedure gives back: tRPC's middleware result, reduced to what is kept. */
export type CallOutcome = { ok: true; data: unknown } | { ok: false; error: TRPCError };

export interface IdempotencyStoreOptions {
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
  replayFill: string | null;
}

interface Storable {
  status: number;
  output: string | null;
  error: StoredError | null;
  replayFill: ReplayFillName | null;
}

// The two-integer advisory lock space is apart from the one-bigint space the domain's
// natural-key locks use, so a key's lock can never collide with a lock its own procedure takes.
const IDEMPOTENCY_LOCK_SPACE = 0x54414b53;

// Refusals that say "not now" rather than "no": a retry should get another try.
const TRANSIENT: ReadonlySet<TRPCError['code']> = new Set(['TOO_MANY_REQUESTS', 'TIMEOUT', 'CLIENT_CLOSED_REQUEST']);

/** Thrown inside the call's transaction to undo an outcome that is not kept; caught right outside it. */
class NotKept extends Error {}

/**
 * Runs each keyed mutation once and keeps its outcome, so a retry with the same key and input
 * gets the first outcome back without acting again.
 *
 * The whole call is one transaction: it takes a transaction-scoped advisory lock on (client,
 * key), looks for a stored outcome, and either replays it or runs the procedure on that
 * transaction (the procedure's own transactions become savepoints) and stores the outcome
 * beside the change. The change and its record commit together or not at all, so a process
 * that dies at any point leaves either both (a retry replays) or neither (a retry acts, once).
 * Concurrent duplicates wait on the lock and replay; within a process they queue in memory
 * first, so they do not tie up a connection each.
 *
 * Outcomes that are not kept (internal errors, transient refusals, bad input) roll the
 * transaction back: a retry under the same key then acts afresh on a clean slate.
 */
export class IdempotencyStore {
  readonly #options: Required<IdempotencyStoreOptions>;
  readonly #logger: Logger;
  readonly #queue = new KeyedMutex();
  #lastSweep = 0;

  constructor(options: IdempotencyStoreOptions, logger: Logger) {
    this.#options = { ttlSeconds: 24 * 60 * 60, sweepIntervalMs: 10 * 60_000, ...options };
    this.#logger = logger;
  }

  /**
   * Runs `proceed` on a transaction of `em` unless an outcome for the key is stored; then gives
   * `replay(output)` for a stored output, throws a stored refusal again, or refuses a key first
   * used for other input.
   */
  execute<R extends CallOutcome>(
    em: EntityManager,
    call: IdempotentCall,
    proceed: (tx: EntityManager) => Promise<R>,
    replay: (output: unknown) => R,
  ): Promise<R> {
    return this.#queue.run(`${call.ownerId}\n${call.key}`, () => this.#inTransaction(em, call, proceed, replay));
  }

  async #inTransaction<R extends CallOutcome>(
    em: EntityManager,
    call: IdempotentCall,
    proceed: (tx: EntityManager) => Promise<R>,
    replay: (output: unknown) => R,
  ): Promise<R> {
    let outcome: R | undefined;
    let transaction: EntityManager | undefined;
    try {
      const answer = await em.transactional(async (tx) => {
        transaction = tx;
        await sql(tx, 'select pg_advisory_xact_lock(?::int, hashtext(?))', [
          IDEMPOTENCY_LOCK_SPACE,
          `${call.ownerId}:${call.key}`,
        ]);
        const stored = await this.#find(tx, call);
        if (stored) {
          const context: ReplayContext = { tx, logger: this.#logger, ownerId: call.ownerId, path: call.path };
          return replayed(stored, call, replay, context);
        }
        outcome = await proceed(tx);
        failpoint('idempotency.after-change');
        const storable = storableOf(outcome, call);
        if (!storable) throw new NotKept();
        await this.#keep(tx, call, storable);
        return outcome;
      });
      if (transaction) await transactionEnded(transaction, 'committed');
      this.#sweepNowAndThen(em);
      return answer;
    } catch (error) {
      if (transaction) await transactionEnded(transaction, 'rolled back');
      if (error instanceof NotKept && outcome) return outcome;
      if (outcome === undefined || outcome.ok) throw error;
      // The refusal stands even though it could not be kept: whatever the call wrote is undone.
      this.#logger.error({ err: error, path: call.path }, 'could not keep the refusal of an idempotent call');
      return outcome;
    }
  }

  async #find(tx: EntityManager, call: IdempotentCall): Promise<StoredRecord | null> {
    const [row] = await sql<StoredRecord & { expired: boolean }>(
      tx,
      `select fingerprint, output::text as output, error, replay_fill as "replayFill", expires_at <= now() as expired
       from idempotency_keys where owner_id = ? and key = ?`,
      [call.ownerId, call.key],
    );
    if (!row) return null;
    if (!row.expired) return row;
    await sql(tx, 'delete from idempotency_keys where owner_id = ? and key = ?', [call.ownerId, call.key]);
    return null;
  }

  async #keep(tx: EntityManager, call: IdempotentCall, storable: Storable): Promise<void> {
    await sql(
      tx,
      `insert into idempotency_keys
         (owner_id, key, path, fingerprint, response_status, output, error, replay_fill, created_at, expires_at)
       values (?, ?, ?, ?, ?, ?::json, ?::jsonb, ?, now(), now() + make_interval(secs => ?))`,
      [
        call.ownerId,
        call.key,
        call.path,
        call.fingerprint,
        storable.status,
        storable.output,
        storable.error && JSON.stringify(storable.error),
        storable.replayFill,
        this.#options.ttlSeconds,
      ],
    );
  }

  /** Expired records are also deleted when their key comes back; this catches the rest. */
  #sweepNowAndThen(em: EntityManager): void {
    const now = Date.now();
    if (now - this.#lastSweep < this.#options.sweepIntervalMs) return;
    this.#lastSweep = now;
    sql(
      em.fork(),
      `delete from idempotency_keys where (owner_id, key) in
         (select owner_id, key from idempotency_keys where expires_at < now() limit 1000)`,
      [],
    ).catch((error: unknown) => this.#logger.warn({ err: error }, 'could not sweep expired idempotency keys'));
  }
}

async function replayed<R>(
  stored: StoredRecord,
  call: IdempotentCall,
  replay: (output: unknown) => R,
  context: ReplayContext,
): Promise<R> {
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
  const output: unknown = stored.output === null ? undefined : JSON.parse(stored.output);
  return replay(stored.replayFill ? await fillReplay(stored.replayFill, output, context) : output);
}

/**
 * Outputs and the procedure's own refusals (DomainErrors) are kept; an output the call withholds
 * is kept as the refusal it names instead, or without its secret and with the name of the fill
 * that puts it back on replay. Not kept: input that failed
 * validation (nothing was attempted, so a corrected retry under the same key may go ahead),
 * internal errors (a retry may run again), and transient refusals.
 */
function storableOf(outcome: CallOutcome, call: IdempotentCall): Storable | null {
  if (outcome.ok) {
    const withheld = call.withheld?.(outcome.data);
    if (withheld && 'refusal' in withheld) return storableOf({ ok: false, error: withheld.refusal }, call);
    const kept = withheld ? withheld.kept : outcome.data;
    const output = kept === undefined ? null : JSON.stringify(kept);
    return { status: 200, output, error: null, replayFill: withheld?.replayFill ?? null };
  }
  const { error } = outcome;
  if (!(error instanceof DomainError) || TRANSIENT.has(error.code)) return null;
  const status = getHTTPStatusCodeFromError(error);
  if (status >= 500) return null;
  const stored: StoredError = { code: error.code, errorCode: error.errorCode, message: error.message };
  if (error.details) stored.details = error.details;
  return { status, output: null, error: stored, replayFill: null };
}
