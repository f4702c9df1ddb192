import { SOAK_MIX } from './soak-mix';
import type { OperationKind } from './soak-recorder';
import type { Window } from './soak-sampler';
import { median, medianSlope, percentile, pooled, sorted, type Trend, trend } from './soak-stats';

/**
 * The verdicts' limits. Growth is judged on the RSS floor: each minute's lowest sample, which
 * is taken after V8's collections, so a heap that grows between collections and falls back (by
 * 50–90 MB on a busy machine) does not count, and what it keeps does. Its slope is the Theil–Sen
 * slope over the run's second half, once warm-up has filled the JIT's code space, the pools and
 * the caches: what still grows then is a leak. 5 MB per 10 minutes is 15 MB per half hour and,
 * at 200 req/s, under 45 bytes per request: less than any object a request could leave behind.
 * A second half of fewer than 5 minutes cannot tell, and does not pass. (A least-squares line
 * through every sample, the first version of this verdict, is still reported: on a machine where
 * the heap swings it had a standard error of 5 MB / 10 min and could not tell either way.)
 * p99 is steady when the last span's is within 1.5× the first's; the few milliseconds added to
 * the ratio keep another process's burst on a two-core machine from failing a small p99.
 */
export const VERDICT_LIMITS = {
  maxRssMb: 300,
  maxRssSlopeMbPer10Min: 5,
  minFloorMinutes: 5,
  maxP99Ratio: 1.5,
  p99AllowanceMs: 5,
  maxErrorRate: 0.001,
} as const;

/**
 * This run's own load keeps two cores about half busy; well above that, other work shares the
 * machine and the window's latencies and memory measure the contention as much as the server.
 */
export const BUSY_MACHINE_PERCENT = 80;

/** The compared spans are 5 minutes, or a third of a shorter run so that they do not overlap. */
const SPAN_SECONDS = 300;

export interface MinuteRow {
  minute: number;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** At the end of the minute. */
  rssMb: number;
  heapUsedMb: number | null;
  serverCpuPercent: number;
  machineBusyPercent: number;
}

export interface SoakSummary {
  requests: number;
  errors: number;
  spanMinutes: number;
  firstSpanRssMedianMb: number;
  lastSpanRssMedianMb: number;
  maxRssMb: number;
  secondHalfRssTrendMbPer10Min: Trend;
  /** Theil–Sen slope of each minute's lowest RSS over the second half, and how many minutes. */
  secondHalfRssFloorSlopeMbPer10Min: number;
  secondHalfFloorMinutes: number;
  firstSpanHeapMedianMb: number | null;
  lastSpanHeapMedianMb: number | null;
  secondHalfHeapTrendMbPer10Min: Trend;
  firstSpanP99Ms: number;
  lastSpanP99Ms: number;
  /** The worst window's p99 of how late the generator sent requests, and the latest one. */
  worstSendLagP99Ms: number;
  maxSendLagMs: number;
  /** Windows in which the machine was at least BUSY_MACHINE_PERCENT busy, of all windows. */
  busyWindows: number;
  windows: number;
}

export interface Verdict {
  rule: string;
  passed: boolean;
  detail: string;
}

export interface KindRow {
  kind: OperationKind;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

export function minuteRows(windows: readonly Window[], sampleSeconds: number): MinuteRow[] {
  const byMinute = new Map<number, Window[]>();
  windows.forEach((window, index) => {
    // By the window's scheduled end: the last one also drains the answers in flight and ends late.
    const minute = Math.ceil(((index + 1) * sampleSeconds) / 60);
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), window]);
  });
  return [...byMinute.entries()].map(([minute, group]) => {
    const latencies = pooled(group.map((w) => w.latenciesMs));
    const last = group.at(-1)?.sample;
    return {
      minute,
      requests: group.reduce((sum, w) => sum + w.sample.requests, 0),
      errors: group.reduce((sum, w) => sum + w.sample.errors, 0),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      rssMb: last?.rssMb ?? Number.NaN,
      heapUsedMb: last?.heapUsedMb ?? null,
      serverCpuPercent: mean(group.map((w) => w.sample.serverCpuPercent)),
      machineBusyPercent: mean(group.map((w) => w.sample.machineBusyPercent)),
    };
  });
}

/** MB per 10 minutes, from a least-squares line through (minute, MB). */
function trendPer10Min(windows: readonly Window[], mb: (w: Window) => number | null): Trend {
  const points = windows.flatMap((w): [number, number][] => {
    const value = mb(w);
    return value === null ? [] : [[w.sample.endSeconds / 60, value]];
  });
  const perMinute = trend(points);
  return { slope: perMinute.slope * 10, standardError: perMinute.standardError * 10 };
}

/** Each minute's lowest value, as (minute, MB); minutes by the windows' scheduled ends, as in minuteRows. */
function minuteFloors(windows: readonly Window[], sampleSeconds: number, mb: (w: Window) => number) {
  const lowest = new Map<number, number>();
  windows.forEach((window, index) => {
    const minute = Math.ceil(((index + 1) * sampleSeconds) / 60);
    lowest.set(minute, Math.min(lowest.get(minute) ?? Number.POSITIVE_INFINITY, mb(window)));
  });
  return [...lowest.entries()];
}

function medianOf(windows: readonly Window[], mb: (w: Window) => number | null): number | null {
  const values = windows.map(mb).filter((v) => v !== null);
  return values.length === 0 ? null : median(values);
}

export function summarize(windows: readonly Window[], sampleSeconds: number): SoakSummary {
  const span = Math.max(1, Math.min(Math.round(SPAN_SECONDS / sampleSeconds), Math.floor(windows.length / 3)));
  const first = windows.slice(0, span);
  const last = windows.slice(-span);
  const secondHalf = windows.slice(Math.floor(windows.length / 2));
  const rss = (w: Window) => w.sample.rssMb;
  const heap = (w: Window) => w.sample.heapUsedMb;
  const allFloors = minuteFloors(windows, sampleSeconds, rss);
  const floors = allFloors.slice(Math.floor(allFloors.length / 2));
  return {
    requests: windows.reduce((sum, w) => sum + w.sample.requests, 0),
    errors: windows.reduce((sum, w) => sum + w.sample.errors, 0),
    spanMinutes: (span * sampleSeconds) / 60,
    firstSpanRssMedianMb: medianOf(first, rss) ?? Number.NaN,
    lastSpanRssMedianMb: medianOf(last, rss) ?? Number.NaN,
    maxRssMb: Math.max(...windows.map(rss)),
    secondHalfRssTrendMbPer10Min: trendPer10Min(secondHalf, rss),
    secondHalfRssFloorSlopeMbPer10Min: medianSlope(floors) * 10,
    secondHalfFloorMinutes: floors.length,
    firstSpanHeapMedianMb: medianOf(first, heap),
    lastSpanHeapMedianMb: medianOf(last, heap),
    secondHalfHeapTrendMbPer10Min: trendPer10Min(secondHalf, heap),
    firstSpanP99Ms: percentile(pooled(first.map((w) => w.latenciesMs)), 99),
    lastSpanP99Ms: percentile(pooled(last.map((w) => w.latenciesMs)), 99),
    worstSendLagP99Ms: Math.max(...windows.map((w) => w.sample.sendLagP99Ms)),
    maxSendLagMs: Math.max(...windows.map((w) => w.sample.maxSendLagMs)),
    busyWindows: windows.filter((w) => w.sample.machineBusyPercent >= BUSY_MACHINE_PERCENT).length,
    windows: windows.length,
  };
}

const mb = (n: number) => `${n.toFixed(1)} MB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export function verdicts(summary: SoakSummary): Verdict[] {
  const limits = VERDICT_LIMITS;
  const p99Limit = Math.max(
    summary.firstSpanP99Ms * limits.maxP99Ratio,
    summary.firstSpanP99Ms + limits.p99AllowanceMs,
  );
  const errorRate = summary.errors / Math.max(1, summary.requests);
  const span = `${summary.spanMinutes.toFixed(1)} min`;
  const floorSlope = summary.secondHalfRssFloorSlopeMbPer10Min;
  const tooShort = summary.secondHalfFloorMinutes < limits.minFloorMinutes;
  return [
    {
      rule: `RSS under ${limits.maxRssMb} MB`,
      passed: summary.maxRssMb < limits.maxRssMb,
      detail: `max ${mb(summary.maxRssMb)}`,
    },
    {
      rule: `no RSS growth: the RSS floor (each minute's lowest sample) rises under ${limits.maxRssSlopeMbPer10Min} MB / 10 min over the second half`,
      passed: floorSlope < limits.maxRssSlopeMbPer10Min && !tooShort,
      detail: `${floorSlope.toFixed(2)} MB / 10 min (Theil–Sen, ${summary.secondHalfFloorMinutes} minutes)${tooShort ? `; fewer than ${limits.minFloorMinutes} minutes cannot tell: run longer` : ''}; median ${mb(summary.firstSpanRssMedianMb)} in the first ${span}, ${mb(summary.lastSpanRssMedianMb)} in the last`,
    },
    {
      rule: `p99 steady: last ${span} within ${limits.maxP99Ratio}× (or +${limits.p99AllowanceMs} ms) of the first`,
      passed: summary.lastSpanP99Ms <= p99Limit,
      detail: `${ms(summary.lastSpanP99Ms)} against ${ms(summary.firstSpanP99Ms)} (limit ${ms(p99Limit)})`,
    },
    {
      rule: `errors under ${limits.maxErrorRate * 100} % of requests`,
      passed: errorRate < limits.maxErrorRate,
      detail: `${summary.errors} of ${summary.requests.toLocaleString('en-US')} (${(errorRate * 100).toFixed(3)} %)`,
    },
  ];
}

export function kindRows(latenciesByKind: ReadonlyMap<OperationKind, number[]>): KindRow[] {
  const kinds = Object.keys(SOAK_MIX) as OperationKind[];
  return kinds.flatMap((kind) => {
    const latencies = latenciesByKind.get(kind);
    if (!latencies) return [];
    const ascending = sorted(latencies);
    return {
      kind,
      requests: ascending.length,
      p50Ms: percentile(ascending, 50),
      p99Ms: percentile(ascending, 99),
      maxMs: ascending.at(-1) ?? Number.NaN,
    };
  });
}
