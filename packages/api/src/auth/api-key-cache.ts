import type { MikroORM } from '@takst/db';
import type { Logger } from '../lib/logger';
import type { Actor } from '../platform';
import { hashApiKey, isWellFormedApiKey } from './api-keys';
import { HeardChanges } from './heard-changes';

type KeyActor = Actor & { clientId: string };

interface CachedActor {
  actor: KeyActor;
  expiresAt: number;
}

export interface ApiKeyCacheOptions {
  /** How long a resolved key is trusted without asking the database again. */
  ttlMs?: number;
  maxEntries?: number;
  /** lastUsedAt is written at most this often per client, off the request path. */
  touchIntervalMs?: number;
}

/**
 * Resolves API keys to actors. A short-lived cache keeps the hot path off the database.
 *
 * A cached key must never outlive its revocation, in this process or any other on the same
 * database. So the cache is only used while it is trusted: while an `ApiClientListener` holds a
 * LISTEN connection that hears of every change to an API client (`trust()` / `distrust()`).
 * Until then, and whenever that connection is down, every key is looked up in the database.
 * The listener calls `heard` for changes made anywhere. A procedure that changes a client calls
 * `forget` for its own process at once, and answers only once every process has confirmed it
 * caught up with the change (`announced`, `ChangeSync`).
 */
export class ApiKeyCache {
  readonly #orm: MikroORM;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #touchIntervalMs: number;
  readonly #entries = new Map<string, CachedActor>();
  readonly #lastTouched = new Map<string, number>();
  readonly #changes = new HeardChanges();
  #trusted = false;
  // Bumped by every invalidation, so a lookup that was under way when a client changed does not
  // put what it read before the change into the cache after it.
  #epoch = 0;

  constructor(orm: MikroORM, logger: Logger, options: ApiKeyCacheOptions = {}) {
    this.#orm = orm;
    this.#logger = logger;
    this.#ttlMs = options.ttlMs ?? 5_000;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#touchIntervalMs = options.touchIntervalMs ?? 60_000;
  }

  async resolve(key: string): Promise<Actor | null> {
    if (!isWellFormedApiKey(key)) return null;
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.#trusted ? this.#entries.get(hash) : undefined;
    if (cached && cached.expiresAt > now) {
      this.#touch(cached.actor.clientId, now);
      return cached.actor;
    }
    const epoch = this.#epoch;
    const actor = await this.#load(hash);
    if (!actor) {
      this.#entries.delete(hash);
      return null;
    }
    if (this.#trusted && epoch === this.#epoch) this.#remember(hash, actor, now);
    this.#touch(actor.clientId, now);
    return actor;
  }

  forget(clientId: string): void {
    this.#epoch++;
    for (const [hash, entry] of this.#entries) {
      if (entry.actor.clientId === clientId) this.#entries.delete(hash);
    }
  }

  /** The listener heard of a change to the client, made by any process. */
  heard(clientId: string): void {
    this.forget(clientId);
    this.#changes.heard(clientId);
  }

  /**
   * Calls `onChange` each time this process hears of a change to the client (a revocation, a
   * rotation), and whenever changes may have gone unheard, until the returned function is
   * called. Long-lived work on behalf of a key (a live event stream) checks the key again then.
   */
  follow(clientId: string, onChange: () => void): () => void {
    return this.#changes.follow(clientId, onChange);
  }

  /** Changes are heard again: the cache may be used, starting empty. */
  trust(): void {
    this.#forgetAll();
    this.#trusted = true;
  }

  /** Changes may go unheard: stop using the cache until `trust()`. */
  distrust(): void {
    this.#trusted = false;
    this.#forgetAll();
    this.#changes.lostHearing();
  }

  #forgetAll(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  async #load(hash: string): Promise<KeyActor | null> {
    const rows = await this.#orm.em
      .getConnection()
      .execute<{ id: string; name: string; scopes: string[] }[]>(
        'select id, name, scopes from api_clients where key_hash = ? and revoked_at is null',
        [hash],
      );
    const row = rows[0];
    return row ? { clientId: row.id, name: row.name, scopes: row.scopes, user: null, sessionId: null } : null;
  }

  #remember(hash: string, actor: KeyActor, now: number): void {
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(hash, { actor, expiresAt: now + this.#ttlMs });
  }

  #touch(clientId: string, now: number): void {
    const last = this.#lastTouched.get(clientId) ?? 0;
    if (now - last < this.#touchIntervalMs) return;
    this.#lastTouched.set(clientId, now);
    this.#orm.em
      .getConnection()
      .execute('update api_clients set last_used_at = ? where id = ?', [new Date(now), clientId])
      .catch((error: unknown) => this.#logger.warn({ err: error, clientId }, 'could not record lastUsedAt'));
  }
}
