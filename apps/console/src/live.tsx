import type { TakstEvent } from '@takst/sdk';
import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { isSignedOut, takst, trpc } from './api';
import './pages/admin-live.css';
import { text } from './text';

/**
 * Live updates: one `events.subscribe` stream per signed-in tab, started by the layout. Each
 * event marks the cached queries it can have changed as stale, so what is on screen refetches;
 * the admin event feed reads the same stream instead of opening a second one.
 */

export type LiveConnection = 'connecting' | 'live' | 'offline';

/** How often, at most, a burst of events turns into refetches. */
const FLUSH_EVERY_MS = 500;
/** Waits before opening the stream again after it failed, one per failure in a row. */
const RETRY_DELAYS_MS = [1_000, 3_000, 10_000, 30_000];

// ---------------------------------------------------------------------------------------------
// Which queries an event touches

interface Touch {
  /** Routers whose queries for one of `ids` (or for no id at all: lists) may have changed. */
  narrow: readonly string[];
  /** Routers every query of which may have changed: they embed the entity (a name, a status). */
  wide: readonly string[];
}

/** An assignment's parts change it too (its lists, its page); the assignment's own events do not change its parts. */
const TOUCHES: Record<string, Touch> = {
  assignment: { narrow: ['assignments', 'externalRefs'], wide: [] },
  inspection: { narrow: ['inspections', 'assignments', 'externalRefs'], wide: [] },
  report: { narrow: ['reports', 'assignments'], wide: [] },
  note: { narrow: ['notes', 'assignments'], wide: [] },
  party: { narrow: ['parties', 'externalRefs'], wide: ['assignments'] },
  property: { narrow: ['properties', 'externalRefs'], wide: ['assignments'] },
  appraiser: { narrow: [], wide: ['appraisers', 'assignments', 'inspections'] },
  user: { narrow: ['users'], wide: ['me'] },
  api_client: { narrow: ['apiClients'], wide: [] },
  webhook_endpoint: { narrow: ['webhooks'], wide: [] },
};

/** The entity's id, and the assignment it belongs to when it is part of one. */
function idsOf(event: TakstEvent): string[] {
  const ids = [event.entityId];
  const data = event.data;
  if (typeof data === 'object' && data !== null && 'assignmentId' in data && typeof data.assignmentId === 'string') {
    ids.push(data.assignmentId);
  }
  return ids;
}

/** The ids a query's input names; none for a list that is not about one entity. */
function idsInInput(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  return ['id', 'assignmentId', 'entityId', 'endpointId'].flatMap((key) => {
    const value = (input as Record<string, unknown>)[key];
    return typeof value === 'string' ? [value] : [];
  });
}

/** tRPC's query keys are `[['router', 'procedure'], { input, type }]`. */
function partsOf(queryKey: QueryKey): { router: string | undefined; input: unknown } {
  const [path, options] = queryKey;
  const router = Array.isArray(path) && typeof path[0] === 'string' ? path[0] : undefined;
  const input = typeof options === 'object' && options !== null ? (options as { input?: unknown }).input : undefined;
  return { router, input };
}

/**
 * The routers and ids touched since the last flush. Every change is also an audit entry, so the
 * audit router is touched by every event, for the entity and its assignment.
 */
class PendingInvalidations {
  #wide = new Set<string>();
  #narrow = new Map<string, Set<string>>();

  get empty(): boolean {
    return this.#wide.size === 0 && this.#narrow.size === 0;
  }

  add(event: TakstEvent): void {
    const touch = TOUCHES[event.entityType] ?? { narrow: [], wide: [] };
    const ids = idsOf(event);
    for (const router of [...touch.narrow, 'audit']) {
      const known = this.#narrow.get(router) ?? new Set<string>();
      for (const id of ids) known.add(id);
      this.#narrow.set(router, known);
    }
    for (const router of touch.wide) this.#wide.add(router);
  }

  matches(queryKey: QueryKey): boolean {
    const { router, input } = partsOf(queryKey);
    if (router === undefined) return false;
    if (this.#wide.has(router)) return true;
    const ids = this.#narrow.get(router);
    if (!ids) return false;
    const named = idsInInput(input);
    return named.length === 0 || named.some((id) => ids.has(id));
  }
}

/** Gathers events and invalidates what they touched at most every FLUSH_EVERY_MS. */
function invalidationBatcher(queryClient: QueryClient) {
  let pending = new PendingInvalidations();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    const batch = pending;
    pending = new PendingInvalidations();
    if (batch.empty) return;
    // Only queries on screen refetch; the rest are marked stale for when they are shown.
    void queryClient.invalidateQueries({ predicate: (query) => batch.matches(query.queryKey) });
  };
  return {
    add(event: TakstEvent) {
      pending.add(event);
      timer ??= setTimeout(flush, FLUSH_EVERY_MS);
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The stream, shared by the tab

const eventListeners = new Set<(event: TakstEvent) => void>();
const connectionListeners = new Set<() => void>();
let connection: LiveConnection = 'connecting';

function setConnection(next: LiveConnection): void {
  if (next === connection) return;
  connection = next;
  for (const listener of connectionListeners) listener();
}

/** Calls `listener` with every live event from now on; returns the way to stop. */
export function listenToLiveEvents(listener: (event: TakstEvent) => void): () => void {
  eventListeners.add(listener);
  return () => {
    eventListeners.delete(listener);
  };
}

const subscribeToConnection = (listener: () => void) => {
  connectionListeners.add(listener);
  return () => {
    connectionListeners.delete(listener);
  };
};

/** Whether the live stream is connected, for an indicator. */
export const useLiveConnection = (): LiveConnection => useSyncExternalStore(subscribeToConnection, () => connection);

/**
 * Opens the stream and keeps it open: the SDK's EventSource reconnects by itself after a dropped
 * connection and resumes from the last event id; when the stream ends with an error instead
 * (a server restart, say) it is opened again after a pause, from the last event seen. A session
 * that ended stops it: the person must sign in again, which the next query finds out.
 */
function startLiveStream(queryClient: QueryClient): () => void {
  const batcher = invalidationBatcher(queryClient);
  let lastSequence: number | undefined;
  let failures = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let subscription: { unsubscribe: () => void } | undefined;

  const open = () => {
    const resumed = failures > 0;
    subscription = takst.events.subscribe.subscribe(lastSequence === undefined ? {} : { after: lastSequence }, {
      onStarted: () => {
        setConnection('live');
        // Missed events cannot be replayed without a position: refresh what is on screen.
        if (resumed && lastSequence === undefined) void queryClient.invalidateQueries();
        failures = 0;
      },
      onData: ({ data: event }) => {
        lastSequence = event.sequence;
        batcher.add(event);
        for (const listener of eventListeners) listener(event);
      },
      onConnectionStateChange: (state) => {
        if (state.state === 'pending') setConnection('live');
        else if (state.state === 'connecting') setConnection(state.error ? 'offline' : 'connecting');
      },
      onError: (error) => {
        setConnection('offline');
        if (stopped) return;
        if (isSignedOut(error)) {
          void queryClient.invalidateQueries({ queryKey: trpc.me.get.queryKey() });
          return;
        }
        const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
        failures += 1;
        retry = setTimeout(open, delay);
      },
    });
  };

  setConnection('connecting');
  open();
  return () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    subscription?.unsubscribe();
    batcher.stop();
  };
}

/** Keeps the tab's live stream open while mounted (the signed-in layout). */
export function useLiveUpdates(): LiveConnection {
  const queryClient = useQueryClient();
  useEffect(() => startLiveStream(queryClient), [queryClient]);
  return useLiveConnection();
}

/** The live stream, started by the layout, with a small indicator of whether it is connected. */
export function LiveUpdates() {
  const state = useLiveUpdates();
  const words = {
    live: [text.admin.live.live, text.admin.live.liveLong],
    connecting: [text.admin.live.connecting, text.admin.live.connectingLong],
    offline: [text.admin.live.offline, text.admin.live.offlineLong],
  }[state];
  return (
    <span className="live-status" data-state={state} title={words[1]} role="status">
      <span className="live-dot" aria-hidden="true" />
      <span aria-hidden="true">{words[0]}</span>
      <span className="visually-hidden">{words[1]}</span>
    </span>
  );
}
