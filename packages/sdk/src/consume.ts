import type { CheckpointStore } from './checkpoints';
import { isTransient, TakstError } from './errors';
import type { EventListQuery, TakstEvent } from './events';

export interface ConsumeOptions {
  /** Where the position is kept: `fileCheckpoint` (`@takst/sdk/node`), `postgresCheckpoint`, or your own. */
  checkpoint: CheckpointStore;
  /** Handles one event; the next one comes once it has resolved. Throwing stops `consume` at this event. */
  handler: (event: TakstEvent) => unknown | Promise<unknown>;
  /** Only events of these types (or `<entity>.*` patterns), as `events.list`'s `types`. */
  types?: string[];
  /**
   * Where to start when the checkpoint is empty: after this sequence (0, the default: the
   * beginning of the log), or `'now'`: the end of the log, which is then saved as the
   * checkpoint at once, so a restart continues from there rather than from a later "now".
   */
  start?: number | 'now';
  /** Events fetched per request, 1–500; 100 by default. */
  pageSize?: number;
  /** Keep going after catching up, looking for new events every `pollIntervalMs`; false by default. */
  follow?: boolean;
  /** With `follow`, how long to wait after catching up before asking again; 1000 ms by default. */
  pollIntervalMs?: number;
  /** Stops consuming: `consume` resolves with its summary once the handler in progress (if any) has finished. */
  signal?: AbortSignal;
  /**
   * With `follow`, told when fetching events failed on a transient error (the platform
   * unreachable, 502, 503, 504, 429) even after the client's own retries, and how long
   * `consume` waits before trying again; such errors do not end a following consumer.
   */
  onFetchError?: (error: TakstError, retryInMs: number) => void;
}

export interface ConsumeSummary {
  /** Events handled by this call. */
  handled: number;
  /**
   * Where the checkpoint now stands: the sequence of the last event handled (by this call or an
   * earlier one), or the end of the log `start: 'now'` began at; null while it is still empty.
   */
  lastSequence: number | null;
}

const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_POLL_INTERVAL_MS = 1000;
const MAX_OUTAGE_DELAY_MS = 30_000;

function checked(options: ConsumeOptions) {
  const { pageSize = DEFAULT_PAGE_SIZE, pollIntervalMs = DEFAULT_POLL_INTERVAL_MS, start = 0 } = options;
  if (typeof options.checkpoint?.load !== 'function' || typeof options.checkpoint.save !== 'function') {
    throw new TypeError('consume needs a checkpoint: a store with load() and save(sequence)');
  }
  if (typeof options.handler !== 'function') throw new TypeError('consume needs a handler function');
  if (!(Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 500)) {
    throw new RangeError(`pageSize must be a whole number from 1 to 500, not ${pageSize}`);
  }
  if (!(pollIntervalMs > 0 && Number.isFinite(pollIntervalMs))) {
    throw new RangeError(`pollIntervalMs must be a positive number of milliseconds, not ${pollIntervalMs}`);
  }
  if (start !== 'now' && !(Number.isSafeInteger(start) && start >= 0)) {
    throw new RangeError(`start must be 'now' or a sequence (a whole number 0 or more), not ${String(start)}`);
  }
  return { pageSize, pollIntervalMs, start };
}

function checkedPosition(loaded: unknown): number | null {
  if (loaded === null) return null;
  if (typeof loaded === 'number' && Number.isSafeInteger(loaded) && loaded >= 0) return loaded;
  throw new TypeError(`The checkpoint store loaded ${String(loaded)}; expected null or an event's sequence`);
}

/** Waits `ms`, or less when `signal` aborts (then it resolves too: the caller checks the signal). */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The sequence of the newest event, 0 for an empty log. `events.list` has no "last event", but
 * "is there an event after n" is a yes for every n below the end and a no from it on, so the
 * end is found by doubling then halving: about 2·log2(length) one-row queries, ~40 for a
 * million events, once per consumer whose checkpoint starts empty at 'now'.
 */
async function endOfLog(list: EventListQuery, signal: AbortSignal | undefined): Promise<number> {
  const firstAfter = async (after: number) =>
    (await list({ after, limit: 1 }, signal ? { signal } : undefined)).items[0]?.sequence;
  let found = await firstAfter(0);
  if (found === undefined) return 0;
  // `found` exists; nothing lies after `beyond` once it is known.
  let step = Math.max(1, found);
  let beyond: number | undefined;
  while (beyond === undefined) {
    const probe = found + step;
    const next = await firstAfter(probe);
    if (next === undefined) beyond = probe;
    else {
      found = next;
      step *= 2;
    }
  }
  while (found < beyond) {
    const middle = Math.floor((found + beyond) / 2);
    const next = await firstAfter(middle);
    if (next === undefined) beyond = middle;
    else found = next;
  }
  return found;
}

/** How long a following consumer waits after its `failures`-th failed fetch in a row: doubling, at most 30 s. */
function outageDelayMs(error: TakstError, failures: number, pollIntervalMs: number): number {
  if (error.retryAfterMs !== null) return error.retryAfterMs;
  const ceiling = Math.min(MAX_OUTAGE_DELAY_MS, pollIntervalMs * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Handles the events after the checkpoint one at a time, in sequence order, saving the
 * checkpoint after each handler has resolved: at-least-once, and a crash repeats at most the
 * one event whose handler had run but whose checkpoint was not saved yet.
 */
export async function consumeEvents(list: EventListQuery, options: ConsumeOptions): Promise<ConsumeSummary> {
  const { pageSize, pollIntervalMs, start } = checked(options);
  const { checkpoint, handler, signal, types, follow = false, onFetchError } = options;
  let handled = 0;
  let position = checkedPosition(await checkpoint.load());
  const summary = (): ConsumeSummary => ({ handled, lastSequence: position });
  const stopped = () => signal?.aborted === true;
  const callOptions = signal ? { signal } : undefined;

  if (position === null && start === 'now') {
    let end: number;
    try {
      end = await endOfLog(list, signal);
    } catch (error) {
      if (stopped()) return summary();
      throw error;
    }
    await checkpoint.save(end);
    position = end;
  }

  let failures = 0;
  while (!stopped()) {
    let page: Awaited<ReturnType<EventListQuery>>;
    try {
      page = await list(
        { after: position ?? (start as number), limit: pageSize, ...(types ? { types } : {}) },
        callOptions,
      );
      failures = 0;
    } catch (error) {
      if (stopped()) break;
      // The client has retried this call already; only a following consumer outlasts an outage.
      if (!follow || !(error instanceof TakstError) || !isTransient(error)) throw error;
      failures += 1;
      const delay = outageDelayMs(error, failures, pollIntervalMs);
      onFetchError?.(error, delay);
      await pause(delay, signal);
      continue;
    }
    for (const event of page.items) {
      if (stopped()) return summary();
      await handler(event);
      await checkpoint.save(event.sequence);
      handled += 1;
      position = event.sequence;
    }
    if (page.nextAfter !== null) continue;
    if (!follow) break;
    await pause(pollIntervalMs, signal);
  }
  return summary();
}
