// Outgoing webhooks of a simulated tool: each delivery is POSTed at once and tried again on the
// tool's schedule after any answer that is not 2xx (or no answer). Deliveries run independently,
// so, as with real vendors, a retry may arrive after a newer event.

export interface OutgoingDelivery {
  /** The event's id, the same on every attempt and every redelivery. */
  eventId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DeliveryAttempt {
  eventId: string;
  url: string;
  attempt: number;
  /** The receiver's status, or null when it did not answer. */
  status: number | null;
  error?: string;
  at: string;
}

export interface WebhookSenderOptions {
  /** Delays before the 2nd, 3rd, … attempt; their count + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  /** How long a receiver has to answer one attempt. */
  timeoutMs?: number;
  /** Attempts in flight at once. */
  concurrency?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;

export class WebhookSender {
  readonly attempts: DeliveryAttempt[] = [];
  readonly #retryDelaysMs: readonly number[];
  readonly #timeoutMs: number;
  readonly #concurrency: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #queue: Array<() => Promise<void>> = [];
  #inFlight = 0;
  #pending = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: WebhookSenderOptions = {}) {
    this.#retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#concurrency = options.concurrency ?? 8;
  }

  /** Sends the delivery now and again on failure; returns at once. */
  send(delivery: OutgoingDelivery): void {
    if (this.#closed) return;
    this.#pending += 1;
    this.#enqueue(delivery, 1);
  }

  /** Resolves once no delivery is waiting for an attempt or a retry. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops every waiting retry; attempts in flight finish. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#queue.length = 0;
    this.#pending = 0;
    this.#wakeIdle();
  }

  #enqueue(delivery: OutgoingDelivery, attempt: number): void {
    this.#queue.push(() => this.#attempt(delivery, attempt));
    this.#drain();
  }

  #drain(): void {
    while (this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const next = this.#queue.shift() as () => Promise<void>;
      this.#inFlight += 1;
      next().finally(() => {
        this.#inFlight -= 1;
        this.#drain();
      });
    }
  }

  async #attempt(delivery: OutgoingDelivery, attempt: number): Promise<void> {
    if (this.#closed) return;
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'manual',
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    if (this.#closed) return;
    this.attempts.push({
      eventId: delivery.eventId,
      url: delivery.url,
      attempt,
      status,
      ...(error ? { error } : {}),
      at: new Date().toISOString(),
    });
    const delivered = status !== null && status >= 200 && status < 300;
    const delay = this.#retryDelaysMs[attempt - 1];
    if (delivered || delay === undefined) {
      this.#settled();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(delivery, attempt + 1);
    }, delay);
    this.#timers.add(timer);
  }

  #settled(): void {
    this.#pending -= 1;
    if (this.#pending === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
