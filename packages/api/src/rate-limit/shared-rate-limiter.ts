import type { Logger } from '../lib/logger';
import { type RateLimit, type RateLimiter, rateLimited } from './rate-limiter';

/** Runs one statement with named parameters (`:name`) and answers its rows. */
export type RunStatement = <Row>(text: string, params: Record<string, string | number>) => Promise<Row[]>;

/** Tokens a process took from the shared bucket ahead of its calls, usable until `expiresAt`. */
interface Lease {
  tokens: number;
  expiresAt: number;
}

/** What this process knows of one owner: its lease, tokens to give back, and how fast it calls here. */
interface Owner {
  lease: Lease | undefined;
  /** Whole tokens of an expired lease, returned to the shared bucket by the owner's next statement. */
  unspent: number;
  windowStartedAt: number;
  callsThisWindow: number;
  callsLastWindow: number;
}

// How far ahead a process takes tokens: at most a tenth of a second's worth of the rate, and no
// more than the owner's calls to this process in a tenth of a second. A bulk client on one server
// then costs one statement per many calls; a client whose calls a load balancer spreads thinly
// over several servers, or a tight limit (a few calls a second), takes none ahead and stays exact.
const LEASE_SECONDS = 0.1;
const RATE_WINDOW_MS = 1_000;
// Owners are API clients or people, which admins create one by one; this only bounds a pathological case.
const MAX_OWNERS = 100_000;

interface Waiting {
  /** A charge takes a token; a check only looks. */
  takes: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
}

// The bucket refilled to the statement's time, from the row as it is under the row lock, so two
// processes charging the same owner at once take turns and never both spend the same token.
// PostgreSQL's clock, not each process's, says how much time has passed. `returned` gives back
// the unspent tokens of a lease that expired in the process.
const REFILLED = `least(:burst::float8, b.tokens + :returned::float8
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
 * many tokens as they want and lets the first ones the bucket covers through. When the owner
 * calls this process often, it also takes up to a tenth of a second's worth of the rate ahead (a
 * lease, kept in this process for as long), which the owner's next calls here spend without a
 * statement; what a lease leaves unspent goes back to the shared bucket with the owner's next
 * statement. Tokens only ever leave the shared bucket before they are spent, so the limit is never
 * exceeded across processes.
 *
 * When the database cannot answer, calls are let through (and the failure logged): the call
 * itself meets the same database and fails there with a clearer error than a rate limit would give.
 */
export class SharedRateLimiter implements RateLimiter {
  readonly store = 'postgres';
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #inFlight = new Set<string>();
  readonly #owners = new Map<string, Owner>();
  readonly #maxAhead: number;
  #lastFailureLoggedAt = 0;

  constructor(
    readonly limit: RateLimit,
    private readonly run: RunStatement,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#maxAhead = Math.floor(limit.perSecond * LEASE_SECONDS);
  }

  charge(ownerId: string): Promise<void> {
    const owner = this.#owner(ownerId);
    this.#countCall(owner);
    if (this.#spendLease(owner)) return Promise.resolve();
    return this.#enqueue(ownerId, true);
  }

  check(ownerId: string): Promise<void> {
    const lease = this.#liveLease(this.#owner(ownerId));
    if (lease) return Promise.resolve();
    return this.#enqueue(ownerId, false);
  }

  #owner(ownerId: string): Owner {
    let owner = this.#owners.get(ownerId);
    if (!owner) {
      if (this.#owners.size >= MAX_OWNERS) this.#owners.clear();
      owner = { lease: undefined, unspent: 0, windowStartedAt: this.now(), callsThisWindow: 0, callsLastWindow: 0 };
      this.#owners.set(ownerId, owner);
    }
    return owner;
  }

  #countCall(owner: Owner): void {
    const now = this.now();
    const sinceWindowStart = now - owner.windowStartedAt;
    if (sinceWindowStart >= RATE_WINDOW_MS) {
      owner.callsLastWindow = sinceWindowStart < 2 * RATE_WINDOW_MS ? owner.callsThisWindow : 0;
      owner.callsThisWindow = 0;
      owner.windowStartedAt = now;
    }
    owner.callsThisWindow += 1;
  }

  /** Tokens to take ahead: what the owner's calls to this process would spend before the lease expires. */
  #aheadFor(owner: Owner): number {
    const callsPerSecond = Math.max(owner.callsLastWindow, owner.callsThisWindow);
    return Math.min(this.#maxAhead, Math.floor(callsPerSecond * LEASE_SECONDS));
  }

  #liveLease(owner: Owner): Lease | undefined {
    const lease = owner.lease;
    if (!lease) return undefined;
    if (lease.tokens >= 1 && this.now() < lease.expiresAt) return lease;
    owner.unspent += Math.floor(lease.tokens);
    owner.lease = undefined;
    return undefined;
  }

  #spendLease(owner: Owner): boolean {
    const lease = this.#liveLease(owner);
    if (!lease) return false;
    lease.tokens -= 1;
    return true;
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
    const queued = this.#waiting.get(ownerId);
    if (!queued) return;
    this.#waiting.delete(ownerId);
    this.#inFlight.add(ownerId);
    try {
      const owner = this.#owner(ownerId);
      // Calls that queued behind the previous statement spend the lease it left before any new one.
      const waiting = queued.filter((call) => {
        const covered = call.takes ? this.#spendLease(owner) : this.#liveLease(owner) !== undefined;
        if (covered) call.resolve();
        return !covered;
      });
      if (waiting.length === 0) return;
      const wanted = waiting.filter((call) => call.takes).length;
      const returned = owner.unspent;
      owner.unspent = 0;
      const bucket = await this.#take(ownerId, wanted > 0 ? wanted + this.#aheadFor(owner) : 0, returned);
      if (bucket === null) owner.unspent += returned;
      let granted = bucket?.granted ?? wanted;
      for (const call of waiting) {
        const passes = bucket === null || (call.takes ? granted > 0 : bucket.tokens >= 1 || granted > 0);
        if (call.takes && passes) granted -= 1;
        if (passes) call.resolve();
        else call.reject(rateLimited(this.limit, bucket?.tokens ?? 0));
      }
      if (bucket && granted > 0) {
        owner.lease = { tokens: granted, expiresAt: this.now() + LEASE_SECONDS * 1000 };
      }
    } finally {
      this.#inFlight.delete(ownerId);
      if (this.#waiting.has(ownerId)) void this.#round(ownerId);
    }
  }

  async #take(ownerId: string, wanted: number, returned: number): Promise<{ granted: number; tokens: number } | null> {
    try {
      const [row] = await this.run<{ granted: number; tokens: number }>(TAKE, {
        owner: ownerId,
        wanted,
        returned,
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
