/**
 * Who in this process wants to know when a change to an id (an API client, a person) is heard on
 * a LISTEN channel: followers (`follow`: a live stream checks its credential again). Kept by the
 * caches that the channel keeps honest (ApiKeyCache, SessionCache).
 */
export class HeardChanges {
  readonly #followers = new Map<string, Set<() => void>>();

  /** A change to `id` was heard: tells its followers. */
  heard(id: string): void {
    for (const notify of this.#followers.get(id) ?? []) notify();
  }

  /**
   * Calls `onChange` each time a change to `id` is heard, and whenever changes may have gone
   * unheard, until the returned function is called.
   */
  follow(id: string, onChange: () => void): () => void {
    const followers = this.#followers.get(id) ?? new Set();
    this.#followers.set(id, followers.add(onChange));
    return () => {
      followers.delete(onChange);
      if (followers.size === 0 && this.#followers.get(id) === followers) this.#followers.delete(id);
    };
  }

  /** Changes may go unheard from now on: every follower checks again. */
  lostHearing(): void {
    for (const followers of this.#followers.values()) for (const notify of followers) notify();
  }
}
