import type autocannon from 'autocannon';

export interface Measurement {
  variant: string;
  result: autocannon.Result;
  requests: number;
  requestsPerSecond: number;
  serverCpuMicrosPerRequest: number;
  loadGeneratorCpuMicrosPerRequest: number;
  /** Machine-wide busy CPU less the server and the load generator: mostly PostgreSQL. */
  restCpuMicrosPerRequest: number;
  machineBusyPercent: number;
  /** Before the warm-up, with both servers idle: anything but ~0 means another workload ran. */
  idleMachineBusyPercent: number;
  rssMegabytes: number;
}

export interface RunInfo {
  date: string;
  node: string;
  cpu: string;
  postgres: string;
  /** What the database holds, e.g. "200,000 assignments joined to …". */
  data: string;
  sampleSize: number;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
}

export const integer = (n: number) => Math.round(n).toLocaleString('en-US');
const decimal = (n: number, digits: number) => n.toFixed(digits);

export function row(cells: readonly (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

export function mainTable(measurements: readonly Measurement[]): string {
  const baseline = measurements[0]?.requestsPerSecond ?? 1;
  return [
    row(['variant', 'req/s', 'p50 ms', 'p99 ms', '÷ raw', 'server CPU µs/req', 'RSS MB']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...measurements.map((m) =>
      row([
        m.variant,
        integer(m.requestsPerSecond),
        String(m.result.latency.p50),
        String(m.result.latency.p99),
        decimal(m.requestsPerSecond / baseline, 2),
        integer(m.serverCpuMicrosPerRequest),
        integer(m.rssMegabytes),
      ]),
    ),
  ].join('\n');
}

export function cpuTable(measurements: readonly Measurement[]): string {
  return [
    row([
      'variant',
      'server µs/req',
      'load generator µs/req',
      'PostgreSQL + rest µs/req',
      'machine CPU busy',
      'busy before load',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    ...measurements.map((m) =>
      row([
        m.variant,
        integer(m.serverCpuMicrosPerRequest),
        integer(m.loadGeneratorCpuMicrosPerRequest),
        integer(m.restCpuMicrosPerRequest),
        `${decimal(m.machineBusyPercent, 0)} %`,
        `${decimal(m.idleMachineBusyPercent, 0)} %`,
      ]),
    ),
  ].join('\n');
}

function problems(m: Measurement): string | null {
  const { non2xx, errors, timeouts } = m.result;
  if (non2xx + errors + timeouts === 0) return null;
  return `- ${m.variant}: ${non2xx} non-2xx answers, ${errors} errors, ${timeouts} timeouts`;
}

export function report(info: RunInfo, measurements: readonly Measurement[]): string {
  const issues = measurements.map(problems).filter((line) => line !== null);
  return [
    '## GET one assignment by id',
    '',
    `- date: ${info.date}`,
    `- machine: ${info.cpu}; Node ${info.node}; ${info.postgres}`,
    `- load: autocannon, ${info.connections} connections, warm-up ${info.warmupSeconds} s, measured ${info.durationSeconds} s; ${info.data}; ids drawn from a sample of ${integer(info.sampleSize)}`,
    '',
    mainTable(measurements),
    '',
    'Where the CPU went during the measured window (all processes share the same cores):',
    '',
    cpuTable(measurements),
    '',
    issues.length > 0 ? ['Failed requests:', ...issues].join('\n') : 'Every measured request answered 2xx.',
  ].join('\n');
}
