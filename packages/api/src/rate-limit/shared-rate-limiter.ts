import type { Logger } from '../lib/logger';
import { type RateLimit, type RateLimiter, rateLimited } from './rate-limiter';

/** Runs one statement with named parameters (`:name`) and answers its rows. */
export type RunStatement = <Row>(text: string, params: Record<string, string | number>) => Promise<Row[]>;

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
 * many tokens as they want and lets the first ones the bucket covers through. So a busy client
 * costs the database one statement per round trip rather than one per call.
 *
 * When the database cannot answer, calls are let through (and the failure logged): the call
 * itself meets the same database and fails there with a clearer error than a rate limit would give.
 */
export class SharedRateLimiter implements RateLimiter {
  readonly store = 'postgres';
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #inFlight = new Set<string>();
  #lastFailureLoggedAt = 0;

  constructor(
    readonly limit: RateLimit,
    private readonly run: RunStatement,
    private readonly logger: Logger,
  ) {}

  charge(ownerId: string): Promise<void> {
    return this.#enqueue(ownerId, true);
  }

  check(ownerId: string): Promise<void> {
    return this.#enqueue(ownerId, false);
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
      const bucket = await this.#take(ownerId, wanted);
      let granted = bucket?.granted ?? wanted;
      for (const call of waiting) {
        const passes = bucket === null || (call.takes ? granted > 0 : bucket.tokens >= 1);
        if (call.takes && passes) granted -= 1;
        if (passes) call.resolve();
        else call.reject(rateLimited(this.limit, bucket?.tokens ?? 0));
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
