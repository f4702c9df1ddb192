import type { Actor } from '../platform';

/** Why long-lived work on behalf of an API key or a session (a stream, an export) was cut short. */
export class KeyRevoked extends Error {
  override readonly name = 'KeyRevoked';
}

/** Where a credential is resolved, told of changes to its owner: ApiKeyCache, SessionCache. */
export interface FollowedCredentials {
  resolve(credential: string): Promise<Actor | null>;
  follow(ownerId: string, onChange: () => void): () => void;
}

/**
 * Whether an API key (or a session) still works, for as long as work done on its behalf lasts (a
 * live event stream, an NDJSON export). The credential is resolved again whenever the cache
 * hears its owner changed (a client revoked or rotated, a person deactivated or their sessions
 * ended, by any process) or may have missed a change, and whenever the work calls `check()`;
 * once it no longer resolves (or the check fails), `revoked` aborts with the reason.
 */
export class KeyWatch {
  readonly #credentials: FollowedCredentials;
  readonly #key: string;
  readonly #revoked = new AbortController();
  readonly #unfollow: () => void;
  readonly #endedMessage: string;

  constructor(
    credentials: FollowedCredentials,
    key: string,
    ownerId: string,
    endedMessage = 'The API key no longer works',
  ) {
    this.#credentials = credentials;
    this.#key = key;
    this.#endedMessage = endedMessage;
    this.#unfollow = credentials.follow(ownerId, () => {
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
    if (await this.#credentials.resolve(this.#key)) return;
    this.#revoked.abort(new KeyRevoked(this.#endedMessage));
    this.#revoked.signal.throwIfAborted();
  }

  /** Stops following the client; safe to call more than once. */
  stop(): void {
    this.#unfollow();
  }
}

/** The watch over what a call was authenticated with: its session, or its API key. */
export function watchCaller(
  sources: { apiKeys: FollowedCredentials; sessions: FollowedCredentials },
  actor: Actor,
  credentials: { key: string | null; sessionToken: string | null },
): KeyWatch {
  if (actor.sessionId !== null && actor.user) {
    return new KeyWatch(sources.sessions, credentials.sessionToken ?? '', actor.user.id, 'Your session has ended');
  }
  return new KeyWatch(sources.apiKeys, credentials.key ?? '', actor.clientId ?? '');
}
