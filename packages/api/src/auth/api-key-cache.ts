import type { MikroORM } from '@takst/db';
import type { Logger } from '../lib/logger';
import type { Actor } from '../platform';
import { hashApiKey, isWellFormedApiKey } from './api-keys';

interface CachedActor {
  actor: Actor;
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
 * Resolves API keys to actors. A short-lived cache keeps the hot path off the database;
 * `forget` drops a client at once in this process when it is revoked or rotated.
 */
export class ApiKeyCache {
  readonly #orm: MikroORM;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #touchIntervalMs: number;
  readonly #entries = new Map<string, CachedActor>();
  readonly #lastTouched = new Map<string, number>();

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
    const cached = this.#entries.get(hash);
    if (cached && cached.expiresAt > now) {
      this.#touch(cached.actor.clientId, now);
      return cached.actor;
    }
    const rows = await this.#orm.em
      .getConnection()
      .execute<{ id: string; name: string; scopes: string[] }[]>(
        'select id, name, scopes from api_clients where key_hash = ? and revoked_at is null',
        [hash],
      );
    const row = rows[0];
    if (!row) {
      this.#entries.delete(hash);
      return null;
    }
    const actor: Actor = { clientId: row.id, name: row.name, scopes: row.scopes };
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(hash, { actor, expiresAt: now + this.#ttlMs });
    this.#touch(actor.clientId, now);
    return actor;
  }

  forget(clientId: string): void {
    for (const [hash, entry] of this.#entries) {
      if (entry.actor.clientId === clientId) this.#entries.delete(hash);
    }
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
