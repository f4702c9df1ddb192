/** A wait for this process to hear, from the database, of a change to one client or person. */
export interface ChangeWatch {
  /** Resolves when the change is heard, when nobody is listening, or after `timeoutMs`. */
  untilHeard(timeoutMs: number): Promise<void>;
  cancel(): void;
}

type Callbacks = Map<string, Set<() => void>>;

function add(map: Callbacks, id: string, callback: () => void): () => void {
  const set = map.get(id) ?? new Set();
  map.set(id, set.add(callback));
  return () => {
    set.delete(callback);
    if (set.size === 0 && map.get(id) === set) map.delete(id);
  };
}

/**
 * Who in this process wants to know when a change to an id (an API client, a person) is heard on
 * a LISTEN channel: one-off waits (`watch`: a revocation answers once every process heard it) and
 * followers (`follow`: a live stream checks its credential again). Kept by the caches that the
 * channel keeps honest (ApiKeyCache, SessionCache).
 */
export class HeardChanges {
  readonly #waits: Callbacks = new Map();
  readonly #followers: Callbacks = new Map();

  /** A change to `id` was heard: ends the waits on it and tells its followers. */
  heard(id: string): void {
    const waits = this.#waits.get(id);
    this.#waits.delete(id);
    for (const wake of waits ?? []) wake();
    for (const notify of this.#followers.get(id) ?? []) notify();
  }

  /**
   * Calls `onChange` each time a change to `id` is heard, and whenever changes may have gone
   * unheard, until the returned function is called.
   */
  follow(id: string, onChange: () => void): () => void {
    return add(this.#followers, id, onChange);
  }

  /**
   * A wait for the next change to `id` to be heard. Start it before the change commits, so the
   * notification cannot slip by first. Without a listener (`listening` false) there is nothing to
   * wait for.
   */
  watch(id: string, listening: boolean): ChangeWatch {
    let wake = () => {};
    const heard = new Promise<void>((resolve) => {
      wake = resolve;
    });
    let remove = () => {};
    if (listening) remove = add(this.#waits, id, wake);
    else wake();
    const cancel = () => {
      remove();
      wake();
    };
    return {
      async untilHeard(timeoutMs) {
        const timer = setTimeout(cancel, timeoutMs);
        await heard;
        clearTimeout(timer);
      },
      cancel,
    };
  }

  /** Changes may go unheard from now on: nobody should wait, and every follower checks again. */
  lostHearing(): void {
    for (const waits of this.#waits.values()) for (const wake of waits) wake();
    this.#waits.clear();
    for (const followers of this.#followers.values()) for (const notify of followers) notify();
  }
}
