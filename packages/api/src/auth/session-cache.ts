import { ROLE_SCOPES, type Role } from '@takst/contract';
import type { MikroORM } from '@takst/db';
import type { Logger } from '../lib/logger';
import { hashToken, isWellFormedToken } from '../lib/tokens';
import type { Actor } from '../platform';
import type { ChangeHearer } from './api-client-listener';
import { HeardChanges } from './heard-changes';

export interface SessionLifetimes {
  /** From sign-in, however busy the session is. */
  maxMs: number;
  /** Without a call, after which the session has ended. */
  idleMs: number;
}

export const DEFAULT_SESSION_LIFETIMES: SessionLifetimes = { maxMs: 7 * 24 * 60 * 60_000, idleMs: 8 * 60 * 60_000 };

/** lastSeenAt is written at most this often per session: idle expiry needs no finer grain. */
const TOUCH_INTERVAL_MS = 60_000;
const CACHE_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface SessionRow {
  sessionId: string;
  expiresAt: Date;
  lastSeenAt: Date;
  userId: string;
  userName: string;
  roles: string[];
  appraiserId: string | null;
}

interface Cached {
  row: SessionRow;
  actor: Actor;
  cachedUntil: number;
}

/** The union of the scopes the roles grant. */
export function scopesOfRoles(roles: readonly string[]): string[] {
  const scopes = new Set<string>();
  for (const role of roles) for (const scope of ROLE_SCOPES[role as Role] ?? []) scopes.add(scope);
  return [...scopes];
}

/**
 * Resolves session tokens (the `takst_session` cookie) to actors, as ApiKeyCache does for keys:
 * cached briefly, and only while a listener hears `takst_users`, so that deactivating a person or
 * ending their sessions anywhere takes effect at once everywhere. Untrusted, every token is
 * looked up in the database.
 */
export class SessionCache implements ChangeHearer {
  readonly #orm: MikroORM;
  readonly #logger: Logger;
  readonly lifetimes: SessionLifetimes;
  readonly #entries = new Map<string, Cached>();
  readonly #changes = new HeardChanges();
  #trusted = false;
  // As in ApiKeyCache: a lookup under way during a change must not cache what it read before it.
  #epoch = 0;

  constructor(orm: MikroORM, logger: Logger, lifetimes: SessionLifetimes) {
    this.#orm = orm;
    this.#logger = logger;
    this.lifetimes = lifetimes;
  }

  async resolve(token: string): Promise<Actor | null> {
    if (!isWellFormedToken(token)) return null;
    const hash = hashToken(token);
    const now = Date.now();
    const cached = this.#trusted ? this.#entries.get(hash) : undefined;
    if (cached && cached.cachedUntil > now && this.#valid(cached.row, now)) {
      this.#touch(cached.row, now);
      return cached.actor;
    }
    const epoch = this.#epoch;
    const row = await this.#load(hash);
    if (!row || !this.#valid(row, now)) {
      this.#entries.delete(hash);
      return null;
    }
    const actor: Actor = {
      clientId: null,
      name: row.userName,
      scopes: scopesOfRoles(row.roles),
      user: { id: row.userId, name: row.userName, roles: row.roles, appraiserId: row.appraiserId },
      sessionId: row.sessionId,
    };
    if (this.#trusted && epoch === this.#epoch) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
      this.#entries.set(hash, { row, actor, cachedUntil: now + CACHE_TTL_MS });
    }
    this.#touch(row, now);
    return actor;
  }

  /** Drops the cached sessions of the person (in this process). */
  forget(userId: string): void {
    this.#epoch++;
    for (const [hash, entry] of this.#entries) if (entry.row.userId === userId) this.#entries.delete(hash);
  }

  heard(userId: string): void {
    this.forget(userId);
    this.#changes.heard(userId);
  }

  /** Calls `onChange` whenever a change to the person is heard (or may have gone unheard). */
  follow(userId: string, onChange: () => void): () => void {
    return this.#changes.follow(userId, onChange);
  }

  trust(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#trusted = true;
  }

  distrust(): void {
    this.#trusted = false;
    this.#epoch++;
    this.#entries.clear();
    this.#changes.lostHearing();
  }

  #valid(row: SessionRow, now: number): boolean {
    return now < row.expiresAt.getTime() && now < row.lastSeenAt.getTime() + this.lifetimes.idleMs;
  }

  async #load(hash: string): Promise<SessionRow | null> {
    const rows = await this.#orm.em.getConnection().execute<SessionRow[]>(
      `select s.id as "sessionId", s.expires_at as "expiresAt", s.last_seen_at as "lastSeenAt",
         u.id as "userId", u.name as "userName", u.roles, u.appraiser_id as "appraiserId"
       from sessions s join users u on u.id = s.user_id
       where s.token_hash = ? and s.ended_at is null and u.active`,
      [hash],
    );
    const row = rows[0];
    return row ? { ...row, expiresAt: new Date(row.expiresAt), lastSeenAt: new Date(row.lastSeenAt) } : null;
  }

  #touch(row: SessionRow, now: number): void {
    if (now - row.lastSeenAt.getTime() < TOUCH_INTERVAL_MS) return;
    // Set before the write, so calls meanwhile do not write it again.
    row.lastSeenAt = new Date(now);
    this.#orm.em
      .getConnection()
      .execute('update sessions set last_seen_at = ? where id = ? and ended_at is null and last_seen_at < ?', [
        row.lastSeenAt,
        row.sessionId,
        row.lastSeenAt,
      ])
      .catch((error: unknown) =>
        this.#logger.warn({ err: error, sessionId: row.sessionId }, 'could not record lastSeenAt'),
      );
  }
}
