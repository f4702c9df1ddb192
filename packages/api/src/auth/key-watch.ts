import type { ApiKeyCache } from './api-key-cache';

/** Why long-lived work on behalf of an API key (a stream, an export) was cut short. */
export class KeyRevoked extends Error {
  override readonly name = 'KeyRevoked';
}

/**
 * Whether an API key still works, for as long as work done on its behalf lasts (a live event
 * stream, an NDJSON export). The key is resolved again whenever the key cache hears its client
 * changed (revoked, rotated, by any process) or may have missed a change, and whenever the work
 * calls `check()`; once it no longer resolves (or the check fails), `revoked` aborts with the reason.
 */
export class KeyWatch {
  readonly clientId: string;
  readonly #apiKeys: ApiKeyCache;
  readonly #key: string;
  readonly #revoked = new AbortController();
  readonly #unfollow: () => void;

  constructor(apiKeys: ApiKeyCache, key: string, clientId: string) {
    this.clientId = clientId;
    this.#apiKeys = apiKeys;
    this.#key = key;
    this.#unfollow = apiKeys.follow(clientId, () => {
      // Every change heard starts a check of its own: one already under way may have read before it.
      this.check().catch((error: unknown) => this.#revoked.abort(error));
    });
  }

  get revoked(): AbortSignal {
    return this.#revoked.signal;
  }

  /** Resolves the key again; throws (and aborts `revoked`) if it no longer works. */
  async check(): Promise<void> {
    this.#revoked.signal.throwIfAborted();
    if (await this.#apiKeys.resolve(this.#key)) return;
    this.#revoked.abort(new KeyRevoked('The API key no longer works'));
    this.#revoked.signal.throwIfAborted();
  }

  /** Stops following the client; safe to call more than once. */
  stop(): void {
    this.#unfollow();
  }
}
