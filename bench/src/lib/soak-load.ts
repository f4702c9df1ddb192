import { setTimeout as sleep } from 'node:timers/promises';
import { NoAnswer } from './soak-http';
import type { Workload } from './soak-mix';
import type { LoadRecorder, Outcome } from './soak-recorder';

export interface OpenLoopOptions {
  workload: Workload;
  recorder: LoadRecorder;
  /** Requests per second. */
  rate: number;
  seconds: number;
  signal: AbortSignal;
}

/**
 * Past this many requests waiting for an answer the server is not keeping up at all; more would
 * only pile up in the generator's memory. Such requests count as failures.
 */
const MAX_IN_FLIGHT = 2_000;

async function outcomeOf(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    return { failure: error instanceof NoAnswer ? error.reason : `generator error: ${(error as Error).message}` };
  }
}

/**
 * An open loop: request n is due at start + n / rate whether or not earlier ones were answered,
 * and its latency counts from when it was due. A closed loop (a fixed set of connections each
 * waiting for its answer) would send less while the server is slow, and hide exactly the stalls
 * a soak looks for.
 */
export async function runOpenLoop({ workload, recorder, rate, seconds, signal }: OpenLoopOptions): Promise<void> {
  const intervalMs = 1_000 / rate;
  const durationMs = seconds * 1_000;
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  let sent = 0;
  while (!signal.aborted) {
    const elapsed = performance.now() - start;
    if (elapsed >= durationMs) break;
    for (; sent * intervalMs <= elapsed; sent++) {
      const dueAt = start + sent * intervalMs;
      const operation = workload.next();
      if (inFlight.size >= MAX_IN_FLIGHT) {
        recorder.recordDropped(operation.kind);
        continue;
      }
      recorder.noteSendLag(performance.now() - dueAt);
      const request = outcomeOf(() => operation.run()).then((outcome) => {
        recorder.record(operation.kind, performance.now() - dueAt, outcome);
        inFlight.delete(request);
      });
      inFlight.add(request);
    }
    await sleep(Math.max(1, start + sent * intervalMs - performance.now()));
  }
  await Promise.all(inFlight);
}
