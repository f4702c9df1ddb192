// Tool B's two ways in, both pulled: the platform's events through `takst.events.consume` with a
// file checkpoint, and Kalendra's change feed with its cursor in a file. Each is handled one
// change at a time in order, and its position saved only after the change was carried.

import { errorFields, type Log } from '@takst/connector-runtime';
import type { CheckpointStore, TakstClient } from '@takst/sdk';
import type { CursorStore } from './cursor-file';
import { PLATFORM_EVENT_TYPES } from './intake-a';
import type { BookingSync, InspectionSource } from './sync';
import { type KalendraChange, type KalendraTool, slotOfAppointment } from './tools/kalendra';

const MAX_BACKOFF_MS = 30_000;

export function pause(ms: number, signal: AbortSignal): Promise<void> {
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

const backoff = (failures: number, base: number) => Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(failures, 10));

class CaughtUp extends Error {}

/**
 * Saves the end of the platform's event log as the (empty) checkpoint, before a backfill: what
 * happens after this point is then consumed, what happened before is in the backfill.
 */
export async function checkpointAtEndOfLog(takst: TakstClient, checkpoint: CheckpointStore): Promise<number | null> {
  // `start: 'now'` saves the end of the log first; stopping at the first event after it (one
  // that came in meanwhile) leaves the checkpoint there, so that event is consumed later.
  const caughtUp = new CaughtUp();
  try {
    const summary = await takst.events.consume({
      checkpoint,
      start: 'now',
      types: PLATFORM_EVENT_TYPES,
      handler: () => {
        throw caughtUp;
      },
    });
    return summary.lastSequence;
  } catch (error) {
    if (error !== caughtUp) throw error;
    return checkpoint.load();
  }
}

export async function followPlatformEvents(options: {
  takst: TakstClient;
  sync: BookingSync;
  checkpoint: CheckpointStore;
  selfClientId: string;
  pollIntervalMs: number;
  signal: AbortSignal;
  log: Log;
}): Promise<void> {
  const { log, signal } = options;
  let failures = 0;
  while (!signal.aborted) {
    try {
      await options.takst.events.consume({
        checkpoint: options.checkpoint,
        types: PLATFORM_EVENT_TYPES,
        follow: true,
        pollIntervalMs: options.pollIntervalMs,
        signal,
        onFetchError: (error, retryInMs) =>
          log.warn('platform events unreachable', { retryInMs, ...errorFields(error) }),
        handler: async (event) => {
          const fields = {
            source: 'platform',
            sequence: event.sequence,
            eventType: event.type,
            inspectionId: event.entityId,
          };
          if (event.actor.id === options.selfClientId) {
            log.debug('own change passed over', fields);
            return;
          }
          await options.sync.carryInspection(event.entityId, event.data as InspectionSource);
          failures = 0;
        },
      });
    } catch (error) {
      failures += 1;
      const retryInMs = backoff(failures, options.pollIntervalMs);
      log.error('platform events stopped; starting again from the checkpoint', { retryInMs, ...errorFields(error) });
      await pause(retryInMs, signal);
    }
  }
}

const changeOf = (change: KalendraChange) => ({
  before: change.before ? slotOfAppointment(change.before) : null,
  after: slotOfAppointment(change.after),
});

export async function followToolChanges(options: {
  tool: KalendraTool;
  sync: BookingSync;
  cursor: CursorStore;
  selfKeyId: string;
  pollIntervalMs: number;
  signal: AbortSignal;
  log: Log;
}): Promise<void> {
  const { log, signal, tool } = options;
  let cursor = await options.cursor.load();
  let failures = 0;
  while (!signal.aborted) {
    try {
      const page = await tool.changes(cursor, 100, signal);
      for (const change of page.changes) {
        if (signal.aborted) return;
        const fields = {
          source: 'kalendra',
          position: change.position,
          kind: change.kind,
          bookingId: String(change.appointmentId),
        };
        if (change.by.type === 'api' && change.by.apiKeyId === options.selfKeyId)
          log.debug('own change passed over', fields);
        else await options.sync.carryToolBooking(String(change.appointmentId), changeOf(change));
        await options.cursor.save(change.cursor);
        cursor = change.cursor;
      }
      failures = 0;
      if (!page.hasMore) await pause(options.pollIntervalMs, signal);
    } catch (error) {
      if (signal.aborted) return;
      failures += 1;
      const retryInMs = backoff(failures, options.pollIntervalMs);
      log.error('Kalendra change feed failed; trying again from the cursor', { retryInMs, ...errorFields(error) });
      await pause(retryInMs, signal);
    }
  }
}
