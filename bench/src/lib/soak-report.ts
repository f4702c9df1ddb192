import { integer, row } from './report';
import { SOAK_MIX } from './soak-mix';
import type { WindowSample } from './soak-sampler';
import type { Trend } from './soak-stats';
import { BUSY_MACHINE_PERCENT, type KindRow, type MinuteRow, type SoakSummary, type Verdict } from './soak-summary';

export interface SoakInfo {
  date: string;
  machine: string;
  node: string;
  postgres: string;
  minutes: number;
  rate: number;
  sampleSeconds: number;
  warmupSeconds: number;
  rows: number;
  idleRssMb: number;
  rssAfterWarmupMb: number;
  autovacuum: string;
  nodeFlags: string[];
}

/** A server under the GET-by-id share of the load: the raw floor, or takst within the mix. */
export interface FloorRow {
  server: string;
  load: string;
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxRssMb: number;
  serverCpuPercent: number;
}

export interface EventsReport {
  followers: number;
  /** Events the log gained between the followers connecting and the end of the run. */
  eventsWritten: number;
  receivedPerFollower: number[];
  reconnects: number;
  followersCaughtUp: boolean;
  webhook: {
    expected: number;
    delivered: number;
    duplicates: number;
    badSignatures: number;
    maxPending: number | null;
    pendingAtEnd: number | null;
  };
}

export interface SoakReport {
  info: SoakInfo;
  minutes: MinuteRow[];
  summary: SoakSummary;
  verdicts: Verdict[];
  kinds: KindRow[];
  failures: Record<string, number>;
  floor: FloorRow[];
  events: EventsReport;
  /** Every sample window, for --json. */
  windows: WindowSample[];
}

const fixed = (n: number | null, digits = 1) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(digits));
const percent = (share: number) => `${Math.round(share * 100)} %`;
const perTenMinutes = (t: Trend) => `${fixed(t.slope, 2)} ± ${fixed(t.standardError, 2)} MB / 10 min`;

function minuteTable(minutes: readonly MinuteRow[]): string {
  return [
    row(['minute', 'requests', 'errors', 'p50 ms', 'p99 ms', 'RSS MB', 'heap MB', 'server CPU', 'machine busy']),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...minutes.map((m) =>
      row([
        m.minute,
        integer(m.requests),
        m.errors,
        fixed(m.p50Ms),
        fixed(m.p99Ms),
        fixed(m.rssMb),
        fixed(m.heapUsedMb),
        `${fixed(m.serverCpuPercent, 0)} %`,
        `${fixed(m.machineBusyPercent, 0)} %`,
      ]),
    ),
  ].join('\n');
}

function summaryTable(s: SoakSummary): string {
  const span = `${fixed(s.spanMinutes)} min`;
  const rows: [string, string][] = [
    ['requests (errors)', `${integer(s.requests)} (${s.errors})`],
    [`RSS median, first ${span}`, `${fixed(s.firstSpanRssMedianMb)} MB`],
    [`RSS median, last ${span}`, `${fixed(s.lastSpanRssMedianMb)} MB`],
    ['RSS max', `${fixed(s.maxRssMb)} MB`],
    [
      'RSS floor slope over the second half (Theil–Sen)',
      `${fixed(s.secondHalfRssFloorSlopeMbPer10Min, 2)} MB / 10 min`,
    ],
    ['RSS slope over the second half (every sample, least squares)', perTenMinutes(s.secondHalfRssTrendMbPer10Min)],
    [
      `heap used median, first / last ${span}`,
      `${fixed(s.firstSpanHeapMedianMb)} / ${fixed(s.lastSpanHeapMedianMb)} MB`,
    ],
    ['heap used slope over the second half', perTenMinutes(s.secondHalfHeapTrendMbPer10Min)],
    [`p99, first ${span}`, `${fixed(s.firstSpanP99Ms)} ms`],
    [`p99, last ${span}`, `${fixed(s.lastSpanP99Ms)} ms`],
    ['generator sending late: worst window p99 / max', `${fixed(s.worstSendLagP99Ms)} / ${fixed(s.maxSendLagMs)} ms`],
  ];
  return [row(['measure', 'value']), row(['---', '---:']), ...rows.map((r) => row(r))].join('\n');
}

function kindTable(kinds: readonly KindRow[]): string {
  return [
    row(['request', 'share', 'requests', 'p50 ms', 'p99 ms', 'max ms']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...kinds.map((k) =>
      row([k.kind, percent(SOAK_MIX[k.kind]), integer(k.requests), fixed(k.p50Ms), fixed(k.p99Ms), fixed(k.maxMs)]),
    ),
  ].join('\n');
}

function floorTable(floor: readonly FloorRow[]): string {
  return [
    row(['server', 'load', 'requests', 'errors', 'p50 ms', 'p99 ms', 'RSS max MB', 'server CPU']),
    row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...floor.map((f) =>
      row([
        f.server,
        f.load,
        integer(f.requests),
        f.errors,
        fixed(f.p50Ms),
        fixed(f.p99Ms),
        fixed(f.maxRssMb),
        `${fixed(f.serverCpuPercent, 0)} %`,
      ]),
    ),
  ].join('\n');
}

function eventLines(e: EventsReport): string[] {
  const received = e.receivedPerFollower.length > 0 ? e.receivedPerFollower.map(integer).join(', ') : 'none';
  const { webhook } = e;
  return [
    `- SSE followers: ${e.followers}, each received ${received} of the ${integer(e.eventsWritten)} events written during the run; ${e.reconnects} reconnects; ${e.followersCaughtUp ? 'all caught up with the log at the end' : '**not all caught up with the log at the end**'}.`,
    `- Webhook (assignment.*, local receiver): ${integer(webhook.delivered)} of ${integer(webhook.expected)} deliveries received, ${webhook.duplicates} repeated, ${webhook.badSignatures} with a bad signature; pending deliveries at most ${fixed(webhook.maxPending, 0)}, ${fixed(webhook.pendingAtEnd, 0)} at the end of the load.`,
  ];
}

function contentionWarning(s: SoakSummary): string[] {
  if (s.busyWindows === 0) return [];
  return [
    `**Warning:** the machine was at least ${BUSY_MACHINE_PERCENT} % busy in ${s.busyWindows} of ${s.windows} sample windows: other work shared its cores, so latencies and memory there measure that contention as much as the server.`,
    '',
  ];
}

export function formatSoakReport(report: SoakReport): string {
  const { info } = report;
  const mix = Object.entries(SOAK_MIX)
    .map(([kind, share]) => `${kind} ${percent(share)}`)
    .join(', ');
  const failures = Object.entries(report.failures).sort(([, a], [, b]) => b - a);
  return [
    `## Soak: ${info.minutes} ${info.minutes === 1 ? 'minute' : 'minutes'} of mixed load`,
    '',
    `- date: ${info.date}`,
    `- machine: ${info.machine}; Node ${info.node}; ${info.postgres}; autovacuum ${info.autovacuum}`,
    `- load: open loop at ${info.rate} req/s (${mix}), after ${info.warmupSeconds} s of warm-up; ${integer(info.rows)} assignments seeded; sampled every ${info.sampleSeconds} s`,
    `- server RSS: ${fixed(info.idleRssMb)} MB idle, ${fixed(info.rssAfterWarmupMb)} MB after the warm-up; node flags: ${info.nodeFlags.length > 0 ? info.nodeFlags.join(' ') : 'none'}`,
    '',
    ...contentionWarning(report.summary),
    minuteTable(report.minutes),
    '',
    summaryTable(report.summary),
    '',
    kindTable(report.kinds),
    '',
    'Against the floor, the GET-by-id share of the load alone on the raw node:http + pg server:',
    '',
    floorTable(report.floor),
    '',
    ...eventLines(report.events),
    '',
    'Verdicts:',
    '',
    ...report.verdicts.map((v) => `- ${v.passed ? 'PASS' : '**FAIL**'} ${v.rule}: ${v.detail}`),
    ...(failures.length > 0 ? ['', 'Failed requests:', '', ...failures.map(([what, n]) => `- ${what}: ${n}`)] : []),
  ].join('\n');
}
