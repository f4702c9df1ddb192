import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** utime + stime of a process, in clock ticks. */
export function processCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: count fields from after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

export interface MachineTicks {
  busy: number;
  total: number;
}

/** All cores together, from the first line of /proc/stat. */
export function machineCpuTicks(): MachineTicks {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

export function cpuDescription(): string {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU';
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? 0;
  return `${model.trim()}, ${cores} cores`;
}

/** Share of all cores busy over `ms`: shows whether something else is loading the machine. */
export async function machineBusyPercentOver(ms: number): Promise<number> {
  const before = machineCpuTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineCpuTicks();
  return (100 * (after.busy - before.busy)) / Math.max(1, after.total - before.total);
}
