import { setTimeout as sleep } from 'node:timers/promises';
import { runOpenLoop } from './soak-load';
import type { Workload } from './soak-mix';
import type { LoadRecorder } from './soak-recorder';
import type { ServerSampler, Window } from './soak-sampler';

export interface PhaseOptions {
  workload: Workload;
  recorder: LoadRecorder;
  sampler: ServerSampler;
  rate: number;
  seconds: number;
  sampleSeconds: number;
  signal: AbortSignal;
  onWindow?: (window: Window) => void;
}

/**
 * Drives the open loop for `seconds` and closes a sample window every `sampleSeconds` of it; the
 * last window also takes the answers still in flight when the loop stops sending.
 */
export async function runPhase(options: PhaseOptions): Promise<Window[]> {
  const { recorder, sampler, sampleSeconds, seconds, signal } = options;
  const windows: Window[] = [];
  const take = async () => {
    const window = await sampler.sample();
    windows.push(window);
    options.onWindow?.(window);
  };
  sampler.begin();
  const start = performance.now();
  const load = runOpenLoop({ workload: options.workload, recorder, rate: options.rate, seconds, signal });
  const windowCount = Math.max(1, Math.round(seconds / sampleSeconds));
  for (let n = 1; n < windowCount && !signal.aborted; n++) {
    const due = start + n * sampleSeconds * 1_000;
    await sleep(Math.max(0, due - performance.now()), undefined, { signal }).catch(() => {});
    if (!signal.aborted) await take();
  }
  await load;
  await take();
  return windows;
}
