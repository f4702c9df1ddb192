import pg from 'pg';
import type { Logger } from '../lib/logger';

/** Sent by a trigger on api_clients (Migration20261127190000_idempotency) with the client id. */
export const API_CLIENT_CHANNEL = 'takst_api_clients';
/** Sent by triggers on users and sessions (Migration20261204000000_people) with the user id. */
export const USER_CHANNEL = 'takst_users';

/** A cache kept honest by one channel: told of each id heard, and whether it may be trusted. */
export interface ChangeHearer {
  heard(id: string): void;
  trust(): void;
  distrust(): void;
}

export interface ListenedChannel {
  channel: string;
  hearer: ChangeHearer;
}

export interface ApiClientListenerOptions {
  connectionString: string;
  /** First wait before reconnecting after the connection drops; doubled up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * Keeps one process's caches honest about changes made by every process on the database: a
 * dedicated connection LISTENs on each cache's channel (`takst_api_clients` for API keys,
 * `takst_users` for sessions) and tells the cache of each id it hears.
 *
 * The caches are trusted only while this connection is up and listening. When it drops, the cache
 * is distrusted at once (every key is looked up in the database) and the connection is made
 * again with a growing delay; notifications sent meanwhile are lost, so trust starts again from
 * an empty cache. The listener gets a connection of its own, outside the ORM's pool: LISTEN
 * belongs to a session, and a pooled session is handed to other work.
 */
export class ApiClientListener {
  readonly #channels: readonly ListenedChannel[];
  readonly #logger: Logger;
  readonly #options: Required<ApiClientListenerOptions>;
  #client: pg.Client | null = null;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #delayMs: number;
  #closed = false;

  constructor(channels: readonly ListenedChannel[], logger: Logger, options: ApiClientListenerOptions) {
    this.#channels = channels;
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
    this.#distrust();
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
      const listened = this.#channels.find(({ channel }) => channel === message.channel);
      if (listened && message.payload) listened.hearer.heard(message.payload);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, null));
    try {
      await client.connect();
      for (const { channel } of this.#channels) await client.query(`listen ${channel}`);
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    if (this.#client !== client) return;
    this.#delayMs = this.#options.reconnectDelayMs;
    for (const { hearer } of this.#channels) hearer.trust();
    this.#logger.debug({ channels: this.#channels.map(({ channel }) => channel) }, 'listening for changes');
  }

  #distrust(): void {
    for (const { hearer } of this.#channels) hearer.distrust();
  }

  /** Called for every way a connection can fail; acts once per connection. */
  #lost(client: pg.Client, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#distrust();
    client.end().catch(() => undefined);
    if (this.#closed) return;
    this.#logger.warn(
      { err: error ?? undefined, retryInMs: this.#delayMs },
      'lost the change listener; looking up every key and session in the database until it is back',
    );
    this.#reconnectTimer = setTimeout(() => void this.#connect(), this.#delayMs);
    // A lingering reconnect must not keep a process alive that is otherwise done.
    this.#reconnectTimer.unref();
    this.#delayMs = Math.min(this.#delayMs * 2, this.#options.maxReconnectDelayMs);
  }
}
