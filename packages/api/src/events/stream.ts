import type { EventDto, SubscribeEventsInput } from '@takst/contract';
import type { EntityManager } from '@takst/db';
import { type TrackedEnvelope, tracked } from '@trpc/server';
import { KeyRevoked, type KeyWatch } from '../auth/key-watch';
import { DomainError } from '../errors';
import type { EventFeed } from './feed';
import { latestSequence, readEvents } from './read-model';

const PAGE_SIZE = 200;

export interface EventStreamOptions {
  em: EntityManager;
  feed: EventFeed;
  input: SubscribeEventsInput;
  /** Aborts when the client goes away. */
  signal: AbortSignal | undefined;
  /**
   * Starts watching the caller's key, which is checked again whenever its client may have
   * changed, so a revoked key ends its stream at once, and before every batch of events, in case
   * the change went unheard. Called once the stream runs, so only a running stream holds a watch.
   */
  watchKey: () => KeyWatch;
}

/** Where a stream starts: after the last event the client saw, else after `after`, else now. */
function resumePoint(input: SubscribeEventsInput): number | undefined {
  return input.lastEventId ? Number(input.lastEventId) : input.after;
}

/** Why the key (or session) stopped working, as the stream's error: UNAUTHORIZED when it ended. */
const refusalOf = (reason: unknown) =>
  reason instanceof KeyRevoked
    ? new DomainError('UNAUTHORIZED', 'UNAUTHENTICATED', `${reason.message}; this stream has ended`)
    : reason;

async function assertStillWorks(key: KeyWatch): Promise<void> {
  try {
    await key.check();
  } catch (reason) {
    throw refusalOf(reason);
  }
}

const shuttingDown = () =>
  new DomainError('SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE', 'The server is shutting down; reconnect to resume');

/** One signal that aborts when any of `signals` does; dispose() lets go of them. */
function anySignal(signals: (AbortSignal | undefined)[]) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  for (const signal of signals) {
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const signal of signals) signal?.removeEventListener('abort', abort);
    },
  };
}

/**
 * Replays the events after the resume point, then follows the log live, each event tracked by
 * its sequence so a reconnecting client resumes right after the last one it received. Events are
 * always read from the table by sequence, never taken from notifications, so none is skipped.
 * Ends when the client goes away; when the server shuts down it ends with a retryable error, so
 * the client reconnects (to this server once it is back, or to another) and resumes.
 */
export async function* streamEvents(options: EventStreamOptions): AsyncGenerator<TrackedEnvelope<EventDto>, void> {
  const { em, feed, input } = options;
  if (feed.closed.aborted) throw shuttingDown();
  const key = options.watchKey();
  const stop = anySignal([options.signal, feed.closed]);
  try {
    // Listen first, then read: whatever commits after the read is then sure to wake us.
    await feed.listening();
    let position = resumePoint(input) ?? (await latestSequence(em));
    while (!stop.signal.aborted) {
      if (key.revoked.aborted) throw refusalOf(key.revoked.reason);
      const committed = feed.latest;
      const events = await readEvents(em, { after: position, types: input.types, limit: PAGE_SIZE });
      if (events.length > 0) await assertStillWorks(key);
      for (const event of events) {
        yield tracked(String(event.sequence), event);
        position = event.sequence;
      }
      if (events.length === PAGE_SIZE) continue;
      // The read saw every event up to `committed`; those it did not return did not match.
      position = Math.max(position, committed);
      const wake = anySignal([stop.signal, key.revoked]);
      try {
        await feed.waitBeyond(position, wake.signal);
      } finally {
        wake.dispose();
      }
    }
  } finally {
    stop.dispose();
    key.stop();
  }
  if (feed.closed.aborted) throw shuttingDown();
}
