import pg from 'pg';
import type { Logger } from '../lib/logger';
import type { ApiKeyCache } from './api-key-cache';

/** Sent by a trigger on api_clients (Migration20261127190000_idempotency) with the client id. */
export const API_CLIENT_CHANNEL = 'takst_api_clients';

export interface ApiClientListenerOptions {
  connectionString: string;
  /** First wait before reconnecting after the connection drops; doubled up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * Keeps one process's API-key cache honest about changes made by every process on the database:
 * a dedicated connection LISTENs on `takst_api_clients` and forgets each client it hears of.
 *
 * The cache is trusted only while this connection is up and listening. When it drops, the cache
 * is distrusted at once (every key is looked up in the database) and the connection is made
 * again with a growing delay; notifications sent meanwhile are lost, so trust starts again from
 * an empty cache. The listener gets a connection of its own, outside the ORM's pool: LISTEN
 * belongs to a session, and a pooled session is handed to other work.
 */
export class ApiClientListener {
  readonly #cache: ApiKeyCache;
  readonly #logger: Logger;
  readonly #options: Required<ApiClientListenerOptions>;
  #client: pg.Client | null = null;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #delayMs: number;
  #closed = false;

  constructor(cache: ApiKeyCache, logger: Logger, options: ApiClientListenerOptions) {
    this.#cache = cache;
    this.#logger = logger;
    this.#options = { reconnectDelayMs: 500, maxReconnectDelayMs: 10_000, ...options };
    this.#delayMs = this.#options.reconnectDelayMs;
  }

  /** Connects in the background; the cache is bypassed until the LISTEN is in place. */
  start(): void {
    void this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#cache.distrust();
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#options.connectionString,
      application_name: 'takst-api-client-listener',
    });
    this.#client = client;
    client.on('notification', (message) => {
      if (message.channel === API_CLIENT_CHANNEL && message.payload) this.#cache.heard(message.payload);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, null));
    try {
      await client.connect();
      await client.query(`listen ${API_CLIENT_CHANNEL}`);
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    if (this.#client !== client) return;
    this.#delayMs = this.#options.reconnectDelayMs;
    this.#cache.trust();
    this.#logger.debug({ channel: API_CLIENT_CHANNEL }, 'listening for API client changes');
  }

  /** Called for every way a connection can fail; acts once per connection. */
  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#cache.distrust();
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#logger.warn(
      { err: error ?? undefined, retryInMs: this.#delayMs },
      'lost the API client change listener; looking up every key in the database until it is back',
    );
    this.#reconnectTimer = setTimeout(() => void this.#connect(), this.#delayMs);
    // A lingering reconnect must not keep a process alive that is otherwise done.
    this.#reconnectTimer.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, this.#options.maxReconnectDelayMs);
  }
}
