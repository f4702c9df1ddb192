/**
 * Wakes this process's delivery workers when a retry it scheduled is due. pg-boss finds a job
 * whose start time has come only at its next poll, so without this a retry came up to a whole
 * poll interval later than the schedule says (a 5 s retry after 5 to 10 s). One timer, set for
 * the soonest retry due; the poll stays the fallback for retries scheduled by other processes or
 * before a restart.
 */
export class RetryWakeUps {
  readonly #due: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #stopped = false;

  constructor(private readonly wake: () => void) {}

  at(dueAt: Date): void {
    if (this.#stopped) return;
    const time = dueAt.getTime();
    this.#due.push(time);
    if (time < this.#timerAt) this.#arm(time);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#due.length = 0;
  }

  #arm(time: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = time;
    // A few milliseconds late, so that the job's start time has passed on the database's clock too.
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, time - Date.now()) + 5);
    this.#timer.unref();
  }

  #fire(): void {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    let kept = 0;
    for (const time of this.#due) {
      if (time > now) {
        this.#due[kept++] = time;
        next = Math.min(next, time);
      }
    }
    this.#due.length = kept;
    this.#timerAt = Number.POSITIVE_INFINITY;
    this.#timer = undefined;
    this.wake();
    if (next !== Number.POSITIVE_INFINITY) this.#arm(next);
  }
}
