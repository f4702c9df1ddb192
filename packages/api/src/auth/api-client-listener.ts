import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../lib/logger';

/** Sent by a trigger on api_clients (Migration20261127190000_idempotency) with the client id. */
export const API_CLIENT_CHANNEL = 'takst_api_clients';
/** Sent by triggers on users and sessions (Migration20261204000000_people) with the user id. */
export const USER_CHANNEL = 'takst_users';
/** Asks every listening process to confirm it has caught up (payload: a token). */
export const SYNC_CHANNEL = 'takst_sync';
/** Each listening process's confirmation of a `takst_sync` token, sent from its listener connection. */
export const SYNC_CONFIRM_CHANNEL = 'takst_sync_confirm';
/** How the listener connections are named, so a process can count every other one on the database. */
export const LISTENER_APPLICATION_NAME = 'takst-api-client-listener';

/**
 * Confirms that every server process has caught up with the changes committed so far: a change
 * to a key or a person is answered only once the caches everywhere have dropped what it changed.
 */
export interface ChangeSync {
  /**
   * Resolves true once every process listening on the database has confirmed, false if one did
   * not within `timeoutMs` or this process is not listening (then there is nothing to hear with).
   */
  everyProcessCaughtUp(timeoutMs: number): Promise<boolean>;
}

/** For a process without a listener: it caches nothing, and cannot hear confirmations. */
export const NO_CHANGE_SYNC: ChangeSync = { everyProcessCaughtUp: async () => false };

interface PendingSync {
  /** The listener connections (backend pids) on the database when the request was sent. */
  expected: readonly number[] | null;
  confirmed: Set<number>;
  done: (caughtUp: boolean) => void;
}

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
 * `takst_users` for sessions) and tells the cache of each id it hears. It also answers, and asks,
 * `takst_sync`: the way a process that changed a key or a person learns that every other process
 * has handled the change's notification (`everyProcessCaughtUp`).
 *
 * The caches are trusted only while this connection is up and listening. When it drops, the cache
 * is distrusted at once (every key is looked up in the database) and the connection is made
 * again with a growing delay; notifications sent meanwhile are lost, so trust starts again from
 * an empty cache. The listener gets a connection of its own, outside the ORM's pool: LISTEN
 * belongs to a session, and a pooled session is handed to other work.
 */
export class ApiClientListener implements ChangeSync {
  readonly #channels: readonly ListenedChannel[];
  readonly #pendingSyncs = new Map<string, PendingSync>();
  readonly #logger: Logger;
  readonly #options: Required<ApiClientListenerOptions>;
  #client: pg.Client | null = null;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #delayMs: number;
  #closed = false;
  #listening = false;

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
      application_name: LISTENER_APPLICATION_NAME,
    });
    this.#client = client;
    client.on('notification', (message) => this.#heard(client, message));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, null));
    try {
      await client.connect();
      for (const { channel } of this.#channels) await client.query(`listen ${channel}`);
      await client.query(`listen ${SYNC_CHANNEL}; listen ${SYNC_CONFIRM_CHANNEL}`);
    } catch (error) {
      this.#lost(client, error);
      return;
    }
    if (this.#client !== client) return;
    this.#listening = true;
    this.#delayMs = this.#options.reconnectDelayMs;
    for (const { hearer } of this.#channels) hearer.trust();
    this.#logger.debug({ channels: this.#channels.map(({ channel }) => channel) }, 'listening for changes');
  }

  /**
   * PostgreSQL hands each listener the notifications in commit order. So a request sent after a
   * change has committed, and confirmed by a process, proves that process has handled the
   * change's notification first: its cache has dropped the key or session.
   */
  async everyProcessCaughtUp(timeoutMs: number): Promise<boolean> {
    const client = this.#client;
    if (!client || !this.#listening) return false;
    const token = randomUUID();
    let done: (caughtUp: boolean) => void = () => {};
    const finished = new Promise<boolean>((resolve) => {
      done = resolve;
    });
    const pending: PendingSync = { expected: null, confirmed: new Set(), done };
    this.#pendingSyncs.set(token, pending);
    const timer = setTimeout(() => done(false), timeoutMs);
    try {
      const { rows } = await client.query<{ pids: number[] }>(
        `select pg_notify($1, $2), array(select pid from pg_stat_activity
           where application_name = $3 and datname = current_database()) as pids`,
        [SYNC_CHANNEL, token, LISTENER_APPLICATION_NAME],
      );
      pending.expected = rows[0]?.pids ?? [];
      this.#settle(pending);
    } catch {
      done(false);
    }
    const caughtUp = await finished;
    clearTimeout(timer);
    this.#pendingSyncs.delete(token);
    if (!caughtUp) {
      const missing = pending.expected?.filter((pid) => !pending.confirmed.has(pid));
      this.#logger.warn({ missing, timeoutMs }, 'not every process confirmed a change to keys or sessions in time');
    }
    return caughtUp;
  }

  #heard(client: pg.Client, message: pg.Notification): void {
    const payload = message.payload;
    if (!payload) return;
    if (message.channel === SYNC_CHANNEL) {
      // Handled in order: every notification before this one has reached its cache already.
      client
        .query('select pg_notify($1, $2)', [SYNC_CONFIRM_CHANNEL, payload])
        .catch((error: unknown) => this.#logger.warn({ err: error }, 'could not confirm a change sync'));
      return;
    }
    if (message.channel === SYNC_CONFIRM_CHANNEL) {
      const pending = this.#pendingSyncs.get(payload);
      if (!pending) return;
      pending.confirmed.add(message.processId);
      this.#settle(pending);
      return;
    }
    const listened = this.#channels.find(({ channel }) => channel === message.channel);
    listened?.hearer.heard(payload);
  }

  #settle(pending: PendingSync): void {
    if (pending.expected?.every((pid) => pending.confirmed.has(pid))) pending.done(true);
  }

  #distrust(): void {
    this.#listening = false;
    for (const { hearer } of this.#channels) hearer.distrust();
    for (const pending of this.#pendingSyncs.values()) pending.done(false);
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
