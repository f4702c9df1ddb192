import type { EntityManager } from '@takst/db';
import pg from 'pg';
import type { Logger } from '../lib/logger';
import type { Platform } from '../platform';

/** The channel the events table's trigger notifies, with the new event's sequence, at commit. */
const CHANNEL = 'takst_events';
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

type OrmConfiguration = EntityManager['config'];

/**
 * One LISTEN connection per process and database: it learns the highest committed sequence and
 * wakes the live subscriptions waiting for it. Subscriptions read the events themselves, from
 * the table, so a lost notification or a dropped connection delays an event but never loses it.
 */
export class EventFeed {
  #latest = 0;
  #client: pg.Client | null = null;
  #connecting: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  readonly #waiters = new Set<() => void>();
  readonly #closing = new AbortController();

  constructor(
    private readonly connectionString: string,
    private readonly logger: Logger,
  ) {}

  /** Aborts when the feed closes, which ends every live subscription. */
  get closed(): AbortSignal {
    return this.#closing.signal;
  }

  /** The highest sequence known to have committed. */
  get latest(): number {
    return this.#latest;
  }

  /** Resolves once the feed listens: from then on, no commit goes unnoticed. */
  listening(): Promise<void> {
    if (this.closed.aborted) return Promise.reject(new Error('The event feed is closed'));
    this.#connecting ??= this.#connect().catch((error: unknown) => {
      this.#connecting = null;
      throw error;
    });
    return this.#connecting;
  }

  /** Resolves once an event after `sequence` has committed, or when `signal` aborts. */
  async waitBeyond(sequence: number, signal: AbortSignal): Promise<void> {
    while (this.#latest <= sequence && !signal.aborted) await this.#nextWake(signal);
  }

  async close(): Promise<void> {
    this.#closing.abort();
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'takst-events' });
    client.on('notification', (message) => this.#advance(Number(message.payload)));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      // Whatever committed while nobody listened (before the first connection, during an outage).
      const { rows } = await client.query<{ latest: string }>(
        'select coalesce(max(sequence), 0) as latest from events',
      );
      if (this.closed.aborted) throw new Error('The event feed is closed');
      this.#client = client;
      this.#failures = 0;
      this.#advance(Number(rows[0]?.latest ?? 0));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  #lost(client: pg.Client, error?: Error): void {
    if (this.#client !== client) return;
    this.#client = null;
    this.#connecting = null;
    client.end().catch(() => undefined);
    if (this.closed.aborted) return;
    this.logger.warn({ err: error }, 'event listener connection lost; reconnecting');
    this.#retrySoon();
  }

  #retrySoon(): void {
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.#failures, MAX_RETRY_MS);
    this.#retryTimer = setTimeout(() => {
      this.listening().catch((error: unknown) => {
        if (this.closed.aborted) return;
        this.#failures += 1;
        this.logger.warn({ err: error, failures: this.#failures }, 'event listener could not reconnect');
        this.#retrySoon();
      });
    }, delay);
    this.#retryTimer.unref();
  }

  #advance(sequence: number): void {
    if (!(sequence > this.#latest)) return;
    this.#latest = sequence;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  #nextWake(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

// Keyed by the ORM's configuration, which every forked EntityManager shares: one feed per
// platform, found from a procedure's `em` without widening the context.
const feeds = new WeakMap<OrmConfiguration, EventFeed>();

function connectionStringOf(config: OrmConfiguration): string {
  const url = config.get('clientUrl');
  if (!url) throw new Error('The event feed needs the ORM to be configured with clientUrl');
  return url;
}

export function eventFeedOf(config: OrmConfiguration, logger: Logger): EventFeed {
  let feed = feeds.get(config);
  if (!feed) {
    feed = new EventFeed(connectionStringOf(config), logger);
    feeds.set(config, feed);
  }
  return feed;
}

/**
 * Ends every live event subscription of the platform (their clients reconnect and resume
 * elsewhere) and closes the LISTEN connection. Call it when shutdown begins, before waiting for
 * open requests: a live subscription would otherwise hold the server open until the timeout.
 */
export async function closeEventStreams(platform: Platform): Promise<void> {
  await eventFeedOf(platform.orm.config, platform.logger).close();
}
