/** The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that a summary needs. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  /** Per cent of the busy time. */
  percent: number;
}

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  byPackage: Share[];
  byFunction: Share[];
}

type Frame = CpuProfile['nodes'][number]['callFrame'];

const IDLE = '(idle)';

/** Where a frame's code lives: its npm package, a node: module, a project file, or V8's own name. */
export function ownerOf(frame: Frame, root: string): string {
  const { url, functionName } = frame;
  // V8's own entries are named in parentheses, e.g. (garbage collector); others without a file are native code.
  if (!url) return functionName.startsWith('(') ? functionName : `${functionName || 'anonymous'} (native)`;
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage?.[1]) return inPackage[1];
  if (url.startsWith('node:')) return url;
  const local = url.replace(/^file:\/\//, '');
  return local.startsWith(root) ? local.slice(root.length).replace(/^\//, '') : local;
}

function functionOf(frame: Frame, root: string): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return ownerOf(frame, root);
  const where = frame.url
    .replace(/^file:\/\//, '')
    .replace(/.*node_modules\//, '')
    .replace(`${root}/`, '');
  return `${name} ${where}:${frame.lineNumber + 1}`;
}

function topShares(totals: Map<string, number>, busy: number, count: number): Share[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => ({ name, percent: busy > 0 ? (100 * micros) / busy : 0 }));
}

/**
 * Self time (the samples whose innermost frame is the function) by package and by function, as a
 * share of the busy time: everything but V8's `(idle)`.
 */
export function summarizeProfile(profile: CpuProfile, root: string, count = 20): ProfileSummary {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  let total = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(id);
    total += micros;
    if (!frame) return;
    if (frame.functionName === IDLE) {
      idle += micros;
      return;
    }
    const owner = ownerOf(frame, root);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + micros);
    const fn = functionOf(frame, root);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
  });
  const busy = total - idle;
  return {
    busyMs: busy / 1_000,
    idleMs: idle / 1_000,
    byPackage: topShares(byPackage, busy, count),
    byFunction: topShares(byFunction, busy, count),
  };
}

export function profileReport(summary: ProfileSummary, perRequestMicros: number | null): string {
  const table = (title: string, shares: Share[]) => {
    const rows = shares.map((share) => {
      const micros = perRequestMicros === null ? '' : ` | ${((share.percent / 100) * perRequestMicros).toFixed(1)}`;
      return `| ${share.name.replaceAll('|', '\\|')} | ${share.percent.toFixed(1)}${micros} |`;
    });
    const extra = perRequestMicros === null ? '' : ' | µs/req';
    const rule = perRequestMicros === null ? '' : ' | ---:';
    return [`| ${title} | % of busy${extra} |`, `| --- | ---:${rule} |`, ...rows].join('\n');
  };
  return [
    `busy ${summary.busyMs.toFixed(0)} ms, idle ${summary.idleMs.toFixed(0)} ms (start-up and warm-up included)`,
    '',
    table('self time by package', summary.byPackage),
    '',
    table('self time by function', summary.byFunction),
  ].join('\n');
}
