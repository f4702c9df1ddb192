// The platform's event log, consumed in order from a checkpoint file: the checkpoint moves only
// after an event was handled, so a stop or a crash repeats at most the event in hand. A failure
// (Hjelpa down, the platform refusing the key) stops `consume` at that event; it is started
// again from the checkpoint after a pause, until it succeeds or the connector stops.

import { errorFields, type Log } from '@takst/connector-runtime';
import type { CheckpointStore, TakstClient } from '@takst/sdk';
import { PLATFORM_EVENT_TYPES, type SupportSync } from './sync';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export interface PlatformIntakeState {
  /** The sequence of the last event handled, or null before the first. */
  lastSequence: number | null;
  /** True while consume runs (false while it waits to be started again after a failure). */
  following: boolean;
}

export async function followPlatformEvents(options: {
  takst: TakstClient;
  checkpoint: CheckpointStore;
  sync: SupportSync;
  start: number | 'now';
  pollIntervalMs: number;
  signal: AbortSignal;
  log: Log;
  state: PlatformIntakeState;
}): Promise<void> {
  const { log, signal, state } = options;
  let retryMs = FIRST_RETRY_MS;
  while (!signal.aborted) {
    state.following = true;
    try {
      const summary = await options.takst.events.consume({
        checkpoint: options.checkpoint,
        types: PLATFORM_EVENT_TYPES,
        start: options.start,
        follow: true,
        pollIntervalMs: options.pollIntervalMs,
        signal,
        handler: async (event) => {
          await options.sync.onPlatformEvent(event);
          state.lastSequence = event.sequence;
          retryMs = FIRST_RETRY_MS;
        },
        onFetchError: (error, retryInMs) =>
          log.warn('platform events unreachable; waiting', { ...errorFields(error), retryInMs }),
      });
      state.lastSequence = summary.lastSequence;
      log.info('platform events stopped', { handled: summary.handled, lastSequence: summary.lastSequence });
      return;
    } catch (error) {
      state.following = false;
      log.error('platform event failed; starting again from the checkpoint', {
        ...errorFields(error),
        retryInMs: retryMs,
      });
      await pause(retryMs, signal);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
}
