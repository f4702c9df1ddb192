import type { Logger } from '../lib/logger';
import { type RateLimit, type RateLimiter, rateLimited } from './rate-limiter';

/** Runs one statement with named parameters (`:name`) and answers its rows. */
export type RunStatement = <Row>(text: string, params: Record<string, string | number>) => Promise<Row[]>;

/** Tokens a process took from the shared bucket ahead of its calls, usable until `expiresAt`. */
interface Lease {
  tokens: number;
  expiresAt: number;
}

// How far ahead a process takes tokens: a tenth of a second's worth of the rate. A generous limit
// (a bulk client's) then costs one statement per that many calls; a tight one (a few calls a
// second) takes none ahead and stays exact.
const LEASE_SECONDS = 0.1;

interface Waiting {
  /** A charge takes a token; a check only looks. */
  takes: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

// The bucket refilled to the statement's time, from the row as it is under the row lock, so two
// processes charging the same owner at once take turns and never both spend the same token.
// PostgreSQL's clock, not each process's, says how much time has passed.
const REFILLED = `least(:burst::float8, b.tokens
  + greatest(0, extract(epoch from statement_timestamp() - b.updated_at)) * :perSecond::float8)`;
const GRANTED = `least(:wanted::int, greatest(0, floor(${REFILLED})))::int`;

const TAKE = `insert into rate_limit_buckets as b (owner_id, tokens, granted, updated_at)
  values (:owner, :burst::float8 - least(:wanted::int, floor(:burst::float8)), least(:wanted::int, floor(:burst::float8))::int, statement_timestamp())
  on conflict (owner_id) do update set
    granted = ${GRANTED},
    tokens = ${REFILLED} - ${GRANTED},
    updated_at = greatest(b.updated_at, statement_timestamp())
  returning granted, tokens`;

/**
 * The buckets in PostgreSQL (table `rate_limit_buckets`), so the limit holds across every server
 * process on the database: two servers behind a load balancer give a client its limit once, not
 * twice.
 *
 * One statement per owner and round trip: the calls of an owner that arrive while its statement
 * runs (a batch, or concurrent requests) wait and go together in the next one, which takes as
 * many tokens as they want and lets the first ones the bucket covers through. It also takes a
 * tenth of a second's worth of the rate ahead (a lease, kept in this process for as long), which
 * the owner's next calls here spend without a statement. Tokens only ever leave the shared bucket
 * before they are spent, so the limit is never exceeded across processes; a lease that expires
 * unspent only lowers it a little for a moment.
 *
 * When the database cannot answer, calls are let through (and the failure logged): the call
 * itself meets the same database and fails there with a clearer error than a rate limit would give.
 */
export class SharedRateLimiter implements RateLimiter {
  readonly store = 'postgres';
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #inFlight = new Set<string>();
  readonly #leases = new Map<string, Lease>();
  readonly #ahead: number;
  #lastFailureLoggedAt = 0;

  constructor(
    readonly limit: RateLimit,
    private readonly run: RunStatement,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#ahead = Math.floor(limit.perSecond * LEASE_SECONDS);
  }

  charge(ownerId: string): Promise<void> {
    const lease = this.#liveLease(ownerId);
    if (lease) {
      lease.tokens -= 1;
      return Promise.resolve();
    }
    return this.#enqueue(ownerId, true);
  }

  check(ownerId: string): Promise<void> {
    if (this.#liveLease(ownerId)) return Promise.resolve();
    return this.#enqueue(ownerId, false);
  }

  #liveLease(ownerId: string): Lease | undefined {
    const lease = this.#leases.get(ownerId);
    if (!lease) return undefined;
    if (lease.tokens >= 1 && this.now() < lease.expiresAt) return lease;
    this.#leases.delete(ownerId);
    return undefined;
  }

  #enqueue(ownerId: string, takes: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiting = this.#waiting.get(ownerId);
      if (waiting) {
        waiting.push({ takes, resolve, reject });
        return;
      }
      this.#waiting.set(ownerId, [{ takes, resolve, reject }]);
      // After the current microtasks, so the calls of one batched request all go in one statement.
      if (!this.#inFlight.has(ownerId)) queueMicrotask(() => void this.#round(ownerId));
    });
  }

  async #round(ownerId: string): Promise<void> {
    const waiting = this.#waiting.get(ownerId);
    if (!waiting) return;
    this.#waiting.delete(ownerId);
    this.#inFlight.add(ownerId);
    try {
      const wanted = waiting.filter((call) => call.takes).length;
      const bucket = await this.#take(ownerId, wanted > 0 ? wanted + this.#ahead : 0);
      let granted = bucket?.granted ?? wanted;
      for (const call of waiting) {
        const passes = bucket === null || (call.takes ? granted > 0 : bucket.tokens >= 1 || granted > 0);
        if (call.takes && passes) granted -= 1;
        if (passes) call.resolve();
        else call.reject(rateLimited(this.limit, bucket?.tokens ?? 0));
      }
      if (bucket && granted > 0) {
        this.#leases.set(ownerId, { tokens: granted, expiresAt: this.now() + LEASE_SECONDS * 1000 });
      }
    } finally {
      this.#inFlight.delete(ownerId);
      if (this.#waiting.has(ownerId)) void this.#round(ownerId);
    }
  }

  async #take(ownerId: string, wanted: number): Promise<{ granted: number; tokens: number } | null> {
    try {
      const [row] = await this.run<{ granted: number; tokens: number }>(TAKE, {
        owner: ownerId,
        wanted,
        burst: this.limit.burst,
        perSecond: this.limit.perSecond,
      });
      if (!row) throw new Error('the bucket statement answered no row');
      return { granted: Number(row.granted), tokens: Number(row.tokens) };
    } catch (error) {
      const now = Date.now();
      if (now - this.#lastFailureLoggedAt > 10_000) {
        this.#lastFailureLoggedAt = now;
        this.logger.warn({ err: error }, 'rate limit: the shared buckets could not be read; letting calls through');
      }
      return null;
    }
  }
}
