import { DomainError } from '../errors';

export interface RateLimit {
  /** Calls a client may make per second, sustained. */
  perSecond: number;
  /** Calls a client may make at once after a quiet spell. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

/** Where the buckets live: in PostgreSQL, shared by every process (the default), or in this process. */
export const RATE_LIMIT_STORES = ['postgres', 'memory'] as const;
export type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

/**
 * A token bucket per API client (or person signed in): it holds up to `burst` tokens, refills at
 * `perSecond`, and each procedure call takes one (a batched HTTP request of ten calls takes ten).
 */
export interface RateLimiter {
  readonly limit: RateLimit;
  readonly store: RateLimitStore;
  /** Takes one call's token for the owner, or throws TOO_MANY_REQUESTS saying when to retry. */
  charge(ownerId: string): Promise<void>;
  /** Throws as `charge` would, without taking a token: for a refusal owed before the call runs. */
  check(ownerId: string): Promise<void>;
}

/** The refusal of a call whose bucket holds `tokensLeft` (< 1) tokens. */
export function rateLimited(limit: RateLimit, tokensLeft: number): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokensLeft) / limit.perSecond));
  return new DomainError(
    'TOO_MANY_REQUESTS',
    'RATE_LIMITED',
    `Rate limit exceeded: ${limit.perSecond} calls per second (bursts of ${limit.burst}) per API client; retry in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
  );
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * The buckets in this process's memory (`TAKST_RATE_LIMIT_STORE=memory`): no database work per
 * call, but behind a load balancer with n servers a client can make up to n times as many calls.
 */
export class ProcessRateLimiter implements RateLimiter {
  readonly limit: RateLimit;
  readonly store = 'memory';
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  // Buckets are per API client or person, which admins create one by one; this only bounds a pathological case.
  readonly #maxBuckets = 100_000;

  constructor(limit: RateLimit = DEFAULT_RATE_LIMIT, now: () => number = () => performance.now()) {
    this.limit = limit;
    this.#now = now;
  }

  async charge(ownerId: string): Promise<void> {
    const bucket = this.#refilled(ownerId);
    if (bucket.tokens < 1) throw rateLimited(this.limit, bucket.tokens);
    bucket.tokens -= 1;
  }

  async check(ownerId: string): Promise<void> {
    const bucket = this.#refilled(ownerId);
    if (bucket.tokens < 1) throw rateLimited(this.limit, bucket.tokens);
  }

  #refilled(ownerId: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(ownerId);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxBuckets) this.#buckets.clear();
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.#buckets.set(ownerId, bucket);
    }
    const refill = ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    return bucket;
  }
}
