// Hjelpa's outgoing webhooks. Each attempt is signed afresh, `X-Hjelpa-Signature: t=<unix
// seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, so a retry ten minutes later still carries a
// current timestamp. Anything but a 2xx (or no answer) is tried again on Hjelpa's schedule.
// Like the desk it imitates, Hjelpa is "at least once" on purpose: now and then it sends a
// delivered event again, the same id with `redelivery: true`, so receivers must drop repeats.
import { createHmac, randomBytes } from 'node:crypto';
import type { HjelpaComment, HjelpaTicket, HjelpaTicketChanges } from './support-desk-store';

export type HjelpaEventType = 'ticket.created' | 'ticket.updated' | 'comment.created';

interface HjelpaEventBase<Type extends HjelpaEventType, Data> {
  /** The same on every attempt and every redelivery of the event. */
  id: string;
  type: Type;
  createdAt: string;
  /** True when Hjelpa sends an event again that was already delivered. */
  redelivery: boolean;
  data: Data;
}

/** The body of a Hjelpa webhook. */
export type HjelpaWebhookEvent =
  | HjelpaEventBase<'ticket.created', { ticket: HjelpaTicket }>
  | HjelpaEventBase<'ticket.updated', { ticket: HjelpaTicket; changes: HjelpaTicketChanges }>
  | HjelpaEventBase<'comment.created', { ticket: HjelpaTicket; comment: HjelpaComment }>;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the subscription's secret>`. */
export function hjelpaSignature(secret: string, unixSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${digest}`;
}

export function newHjelpaEventId(): string {
  return `hjev_${randomBytes(10).toString('hex')}`;
}

export interface HjelpaDeliveryAttempt {
  eventId: string;
  type: HjelpaEventType;
  url: string;
  attempt: number;
  redelivery: boolean;
  /** The receiver's status, or null when it did not answer. */
  status: number | null;
  error?: string;
  at: string;
}

/** Where a subscription's deliveries go now; undefined once it was removed (its retries stop). */
export type HjelpaTarget = () => { url: string; secret: string } | undefined;

export interface HjelpaSenderOptions {
  /** Delays before the 2nd, 3rd, … attempt; their count + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /** The share of delivered events sent a second time (0–1). */
  redeliveryRate?: number;
  /** How long after the delivery the second copy goes. */
  redeliveryDelayMs?: number;
}

export const HJELPA_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000] as const;

export class HjelpaWebhookSender {
  readonly attempts: HjelpaDeliveryAttempt[] = [];
  readonly #retryDelaysMs: readonly number[];
  readonly #timeoutMs: number;
  readonly #redeliveryRate: number;
  readonly #redeliveryDelayMs: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #pending = 0;
  #closed = false;
  #idleWaiters: Array<() => void> = [];

  constructor(options: HjelpaSenderOptions = {}) {
    this.#retryDelaysMs = options.retryDelaysMs ?? HJELPA_RETRY_DELAYS_MS;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#redeliveryRate = options.redeliveryRate ?? 0;
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 100;
  }

  /** Delivers the event to the target now, and again on failure; returns at once. */
  send(event: HjelpaWebhookEvent, target: HjelpaTarget, redelivery = false): void {
    if (this.#closed) return;
    this.#pending += 1;
    void this.#attempt({ ...event, redelivery }, target, 1);
  }

  /** Resolves once no delivery is waiting for an attempt, a retry or a redelivery. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops every waiting retry and redelivery; attempts in flight finish. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#pending = 0;
    this.#wakeIdle();
  }

  #later(ms: number, work: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      work();
    }, ms);
    this.#timers.add(timer);
  }

  async #attempt(event: HjelpaWebhookEvent, target: HjelpaTarget, attempt: number): Promise<void> {
    const destination = target();
    if (this.#closed) return;
    if (!destination) {
      this.#settled();
      return;
    }
    const body = JSON.stringify(event);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(destination.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hjelpa-Webhooks/3.0',
          'x-hjelpa-webhook-id': event.id,
          'x-hjelpa-event': event.type,
          'x-hjelpa-signature': hjelpaSignature(destination.secret, Math.floor(Date.now() / 1000), body),
        },
        body,
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
      eventId: event.id,
      type: event.type,
      url: destination.url,
      attempt,
      redelivery: event.redelivery,
      status,
      ...(error ? { error } : {}),
      at: new Date().toISOString(),
    });
    const delivered = status !== null && status >= 200 && status < 300;
    if (delivered) {
      if (!event.redelivery && Math.random() < this.#redeliveryRate) {
        this.#pending += 1;
        this.#later(this.#redeliveryDelayMs, () => void this.#attempt({ ...event, redelivery: true }, target, 1));
      }
      this.#settled();
      return;
    }
    const delay = this.#retryDelaysMs[attempt - 1];
    if (delay === undefined) {
      this.#settled();
      return;
    }
    this.#later(delay, () => void this.#attempt(event, target, attempt + 1));
  }

  #settled(): void {
    this.#pending = Math.max(0, this.#pending - 1);
    if (this.#pending === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
