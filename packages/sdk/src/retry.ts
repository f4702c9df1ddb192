import type { AppRouter } from '@takst/api/router-type';
import type {
  Operation,
  OperationLink,
  OperationResultEnvelope,
  OperationResultObserver,
  TRPCLink,
} from '@trpc/client';
import { observable } from '@trpc/server/observable';
import { abortedError, isTransient, TakstError, toTakstError } from './errors';
import { idempotencyKeyOf, newIdempotencyKey } from './idempotency';

/** How calls are retried and timed out; per call through `{ context: { maxRetries, timeoutMs } }`. */
export interface CallPolicy {
  /** Attempts after the first, for failures that may pass: no answer, 429, 502, 503, 504. */
  maxRetries: number;
  /** How long one attempt may wait for its answer (a subscription: for its stream to start). */
  timeoutMs: number | undefined;
}

/** The call options' `context` the SDK reads: `query(input, { context: { timeoutMs: 5_000 } })`. */
export interface TakstCallContext {
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** The mutation's idempotency key; the SDK makes one per call when none is given. */
  idempotencyKey?: string;
}

const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8_000;
// Waiting less than the platform asked only earns another refusal, and waiting minutes inside
// one call surprises; so a longer Retry-After ends the retries and the error carries the wait.
const MAX_RETRY_AFTER_MS = 30_000;

/** Exponential backoff with full jitter: anywhere from 0 to 250 ms · 2^(retry−1), at most 8 s. */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (retry - 1)));
}

const countOr = (value: unknown, fallback: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;

const durationOr = (value: unknown, fallback: number | undefined) =>
  typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : fallback;

function policyOf(op: Operation, defaults: CallPolicy): CallPolicy {
  return {
    maxRetries: countOr(op.context.maxRetries, defaults.maxRetries),
    timeoutMs: durationOr(op.context.timeoutMs, defaults.timeoutMs),
  };
}

/** Every mutation carries a key, so the platform does it once however often it is sent. */
function withKey(op: Operation): Operation {
  if (op.type !== 'mutation' || idempotencyKeyOf(op) !== undefined) return op;
  return { ...op, context: { ...op.context, idempotencyKey: newIdempotencyKey() } };
}

/** The call has its answer (a query, a mutation) or its stream has started (a subscription). */
function isAnswer(envelope: OperationResultEnvelope<unknown, unknown>): boolean {
  const type = (envelope.result as { type?: string }).type;
  return type === undefined || type === 'data' || type === 'started';
}

/** How long to wait before sending the call again, or null when it must not be sent again. */
function delayBeforeRetry(op: Operation, error: TakstError, policy: CallPolicy, answered: boolean): number | null {
  const safeToRepeat = op.type !== 'mutation' || idempotencyKeyOf(op) !== undefined;
  if (answered || !safeToRepeat || error.attempts > policy.maxRetries || !isTransient(error)) return null;
  if (error.retryAfterMs === null) return backoffDelayMs(error.attempts);
  return error.retryAfterMs <= MAX_RETRY_AFTER_MS ? error.retryAfterMs : null;
}

type Next = Parameters<OperationLink<AppRouter>>[0]['next'];
type Observer = OperationResultObserver<AppRouter, unknown>;
type Envelope = Parameters<Observer['next']>[0];

/** One call through the link: its attempts, the timer between them, and how it ends. */
class RetryingCall {
  readonly #op: Operation;
  readonly #policy: CallPolicy;
  readonly #next: Next;
  readonly #observer: Observer;
  #attempts = 0;
  #answered = false;
  #settled = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  // tRPC's observables still report after an unsubscribe, so a dropped attempt is muted.
  #dropAttempt = () => {};
  readonly #onAbort = () => this.#fail(abortedError(this.#op.signal, this.#attempts));

  constructor(op: Operation, policy: CallPolicy, next: Next, observer: Observer) {
    this.#op = op;
    this.#policy = policy;
    this.#next = next;
    this.#observer = observer;
  }

  start(): void {
    const { signal } = this.#op;
    if (signal?.aborted) {
      this.#onAbort();
      return;
    }
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#attempt();
  }

  /** The caller unsubscribed. */
  stop(): void {
    if (!this.#settled) this.#settle();
  }

  #attempt(): void {
    const number = ++this.#attempts;
    let live = true;
    this.#startTimeout(number);
    const subscription = this.#next(this.#op).subscribe({
      next: (envelope) => {
        if (live) this.#forward(envelope);
      },
      error: (error) => {
        if (live) this.#failed(toTakstError(error, number));
      },
      complete: () => {
        if (!live) return;
        this.#settle();
        this.#observer.complete();
      },
    });
    this.#dropAttempt = () => {
      live = false;
      subscription.unsubscribe();
    };
  }

  #startTimeout(attempt: number): void {
    const { timeoutMs } = this.#policy;
    if (timeoutMs === undefined) return;
    const timeout = new TakstError(`No answer within ${timeoutMs} ms`, { code: 'TIMEOUT', attempts: attempt });
    this.#timer = setTimeout(() => this.#failed(timeout), timeoutMs);
  }

  #forward(envelope: Envelope): void {
    if (!this.#answered && isAnswer(envelope)) {
      this.#answered = true;
      clearTimeout(this.#timer);
    }
    this.#observer.next(envelope);
  }

  /** An attempt failed: send the call again after a while, or give up. */
  #failed(error: TakstError): void {
    if (this.#settled) return;
    this.#stopAttempt();
    const delay = delayBeforeRetry(this.#op, error, this.#policy, this.#answered);
    if (delay === null) this.#fail(error);
    else this.#timer = setTimeout(() => this.#attempt(), delay);
  }

  #fail(error: TakstError): void {
    if (this.#settled) return;
    this.#settle();
    this.#observer.error(error);
  }

  #stopAttempt(): void {
    clearTimeout(this.#timer);
    this.#dropAttempt();
  }

  #settle(): void {
    this.#settled = true;
    this.#stopAttempt();
    this.#op.signal?.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * The first link: gives mutations an idempotency key, times attempts out, retries what may pass
 * on a second try, stops at once when the call's signal aborts, and turns every failure into a
 * `TakstError`. A subscription is retried only until its stream starts; after that the
 * EventSource reconnects on its own and resumes from the last event id.
 *
 * A link rather than the fetch: it knows the operation (a query may be repeated, a mutation only
 * under its key), reads per-call options from its context, and sees each call of a batch on its
 * own, so one refused call in a batch is retried without repeating the others.
 */
export function takstLink(defaults: CallPolicy): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        const keyed = withKey(op);
        const call = new RetryingCall(keyed, policyOf(keyed, defaults), next, observer);
        call.start();
        return () => call.stop();
      });
}
