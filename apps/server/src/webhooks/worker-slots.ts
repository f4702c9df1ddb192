import type PgBoss from 'pg-boss';

/**
 * The pg-boss workers of one process (one per delivery in flight) and which of them are sending.
 * New jobs wake only as many idle workers as there are jobs: waking every worker for every
 * dispatch round made one fetch per worker per committed write, nearly all of them empty (154
 * fetches a second for 25 deliveries in the soak), and the fetch is pg-boss's costliest statement.
 */
export class WorkerSlots {
  readonly #boss: PgBoss;
  readonly #ids: string[] = [];
  readonly #sending = new Set<string>();
  #next = -1;

  constructor(boss: PgBoss) {
    this.#boss = boss;
  }

  add(ids: readonly string[]): void {
    this.#ids.push(...ids);
  }

  busy(id: string): void {
    this.#sending.add(id);
  }

  idle(id: string): void {
    this.#sending.delete(id);
  }

  /**
   * Wakes up to `count` workers that are not sending (a busy one fetches again when it is done),
   * starting after the last one woken: one woken a moment ago may still be fetching its job.
   */
  wake(count: number): void {
    let woken = 0;
    for (let looked = 0; looked < this.#ids.length && woken < count; looked++) {
      this.#next = (this.#next + 1) % this.#ids.length;
      const id = this.#ids[this.#next] as string;
      if (this.#sending.has(id)) continue;
      this.#boss.notifyWorker(id);
      woken++;
    }
  }

  /** Wakes every worker, e.g. when retries fall due (how many is not known here). */
  wakeAll(): void {
    for (const id of this.#ids) this.#boss.notifyWorker(id);
  }
}
