import { clockTicksPerSecond, machineCpuTicks, processCpuTicks, processRssBytes } from './proc';
import type { LoadRecorder } from './soak-recorder';
import { percentile, sorted } from './soak-stats';

/** What the server's GET /metrics tells besides what /proc does; null where it did not answer. */
export interface ServerMetrics {
  heapUsedBytes: number | null;
  eventsHead: number | null;
  webhookDeliveriesPending: number | null;
}

const NO_METRICS: ServerMetrics = { heapUsedBytes: null, eventsHead: null, webhookDeliveriesPending: null };

function gauge(text: string, name: string): number | null {
  const match = new RegExp(`^${name} ([^\\s]+)$`, 'm').exec(text);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export async function readServerMetrics(baseUrl: string, apiKey: string): Promise<ServerMetrics> {
  try {
    const response = await fetch(`${baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200) return NO_METRICS;
    const text = await response.text();
    return {
      heapUsedBytes: gauge(text, 'takst_nodejs_heap_size_used_bytes'),
      eventsHead: gauge(text, 'takst_events_last_sequence'),
      webhookDeliveriesPending: gauge(text, 'takst_webhook_deliveries_pending'),
    };
  } catch {
    return NO_METRICS;
  }
}

export interface WindowSample {
  /** Seconds from the start of the phase to the end of this window. */
  endSeconds: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** How late the generator sent requests after their due time; latencies include it. */
  sendLagP99Ms: number;
  maxSendLagMs: number;
  rssMb: number;
  heapUsedMb: number | null;
  /** Of one core: 100 % is one core busy. */
  serverCpuPercent: number;
  /** Of all cores, every process: shows other work on the machine. */
  machineBusyPercent: number;
  eventsHead: number | null;
  webhookDeliveriesPending: number | null;
}

/** A window's sample with its latencies, kept to pool windows into minutes and spans. */
export interface Window {
  sample: WindowSample;
  latenciesMs: Float64Array;
}

const MB = 2 ** 20;

/** Closes the recorder's window and reads the server's memory and CPU, once per call. */
export class ServerSampler {
  readonly #ticksPerSecond = clockTicksPerSecond();
  #start = performance.now();
  #serverTicks: number;
  #machine = machineCpuTicks();
  #windowStart = performance.now();

  constructor(
    private readonly pid: number,
    private readonly recorder: LoadRecorder,
    /** The takst server's /metrics; the raw baseline has none. */
    private readonly metrics: (() => Promise<ServerMetrics>) | null,
  ) {
    this.#serverTicks = processCpuTicks(pid);
  }

  /** Starts the first window now, dropping what the recorder held. */
  begin(): void {
    this.recorder.takeWindow();
    this.#start = performance.now();
    this.#windowStart = this.#start;
    this.#serverTicks = processCpuTicks(this.pid);
    this.#machine = machineCpuTicks();
  }

  async sample(): Promise<Window> {
    const tally = this.recorder.takeWindow();
    const now = performance.now();
    const serverTicks = processCpuTicks(this.pid);
    const machine = machineCpuTicks();
    const rssBytes = processRssBytes(this.pid);
    const seconds = (now - this.#windowStart) / 1_000;
    const serverCpuPercent = (100 * (serverTicks - this.#serverTicks)) / this.#ticksPerSecond / seconds;
    const machineBusyPercent =
      (100 * (machine.busy - this.#machine.busy)) / Math.max(1, machine.total - this.#machine.total);
    this.#windowStart = now;
    this.#serverTicks = serverTicks;
    this.#machine = machine;
    const metrics = this.metrics ? await this.metrics() : NO_METRICS;
    const latencies = sorted(tally.latenciesMs);
    const sendLags = sorted(tally.sendLagsMs);
    return {
      latenciesMs: latencies,
      sample: {
        endSeconds: (now - this.#start) / 1_000,
        requests: tally.requests,
        errors: tally.errors,
        p50Ms: percentile(latencies, 50),
        p95Ms: percentile(latencies, 95),
        p99Ms: percentile(latencies, 99),
        sendLagP99Ms: percentile(sendLags, 99),
        maxSendLagMs: sendLags.at(-1) ?? 0,
        rssMb: rssBytes / MB,
        heapUsedMb: metrics.heapUsedBytes === null ? null : metrics.heapUsedBytes / MB,
        serverCpuPercent,
        machineBusyPercent,
        eventsHead: metrics.eventsHead,
        webhookDeliveriesPending: metrics.webhookDeliveriesPending,
      },
    };
  }
}
