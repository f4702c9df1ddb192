import { DomainError } from '../errors';

export interface RateLimit {
  /** Calls a client may make per second, sustained. */
  perSecond: number;
  /** Calls a client may make at once after a quiet spell. */
  burst: number;
}

export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per API client: it holds up to `burst` tokens, refills at `perSecond`, and each
 * procedure call takes one (a batched HTTP request of ten calls takes ten).
 *
 * The buckets live in this process's memory, so the limit is per process: behind a load balancer
 * with n servers a client can make up to n times as many calls. That keeps the check off the
 * database on every call; a shared limit would need a shared store.
 */
export class RateLimiter {
  readonly limit: RateLimit;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  // Buckets are per API client, which admins create one by one; this only bounds a pathological case.
  readonly #maxBuckets = 100_000;

  constructor(limit: RateLimit = DEFAULT_RATE_LIMIT, now: () => number = () => performance.now()) {
    this.limit = limit;
    this.#now = now;
  }

  /** Takes one call's token for the client, or throws TOO_MANY_REQUESTS saying when to retry. */
  charge(clientId: string): void {
    const bucket = this.#refilled(clientId);
    this.#assertToken(bucket);
    bucket.tokens -= 1;
  }

  /** Throws as `charge` would, without taking a token: for a refusal owed before the call runs. */
  check(clientId: string): void {
    this.#assertToken(this.#refilled(clientId));
  }

  #assertToken(bucket: Bucket): void {
    if (bucket.tokens >= 1) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond));
    throw new DomainError(
      'TOO_MANY_REQUESTS',
      'RATE_LIMITED',
      `Rate limit exceeded: ${this.limit.perSecond} calls per second (bursts of ${this.limit.burst}) per API client; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  #refilled(clientId: string): Bucket {
    const now = this.#now();
    let bucket = this.#buckets.get(clientId);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxBuckets) this.#buckets.clear();
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.#buckets.set(clientId, bucket);
    }
    const refill = ((now - bucket.updatedAt) / 1000) * this.limit.perSecond;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updatedAt = now;
    return bucket;
  }
}
