/**
 * Remembers which deliveries (a webhook id, a tool's event id) were handled, so a repeat is
 * answered at once, and a repeat arriving while the first is still being handled waits for it.
 * Kept in memory only: after a restart a repeat is handled again, which a connector's sync must
 * make harmless (compare both sides before writing, or key every write).
 */
export class RecentDeliveries {
  readonly #done = new Set<string>();
  readonly #running = new Map<string, Promise<void>>();

  constructor(private readonly capacity = 10_000) {}

  /** Runs `work` unless `id` was handled; answers whether it was a repeat. A failed run is not remembered. */
  async run(id: string, work: () => Promise<void>): Promise<'handled' | 'repeat'> {
    if (this.#done.has(id)) return 'repeat';
    const running = this.#running.get(id);
    if (running) {
      await running;
      return 'repeat';
    }
    const attempt = work();
    this.#running.set(id, attempt);
    try {
      await attempt;
      this.#done.add(id);
      if (this.#done.size > this.capacity) this.#done.delete(this.#done.values().next().value as string);
      return 'handled';
    } finally {
      this.#running.delete(id);
    }
  }
}

/** Runs work one at a time per key, in arrival order; work under different keys runs at once. */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/** Runs `work` over `items` with at most `limit` at once; resolves when all have settled. */
export async function eachLimited<T>(
  items: Iterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async () => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}
