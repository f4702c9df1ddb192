import type { Explained } from './list-explain';
import type { CellResult } from './list-measure';

export const TARGET_P95_MS = 50;

export interface ListRunInfo {
  date: string;
  machine: string;
  rows: number;
  /** How long seeding took, or why there was none. */
  seeding: string;
  samples: number;
  warmupRequests: number;
  /** How busy the machine was: other work on it shows in the tail latencies. */
  load: string;
}

const ms = (value: number) => value.toFixed(1);
const integer = (n: number) => n.toLocaleString('en-US');
const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;

function flaggedP95(result: CellResult): string {
  return result.p95 >= TARGET_P95_MS ? `**${ms(result.p95)}** ⚠` : ms(result.p95);
}

export function resultTable(results: readonly CellResult[]): string {
  return [
    row(['shape', 'sort', 'page', 'matching rows', 'p50 ms', 'p95 ms', 'max ms']),
    row(['---', '---', '---', '---:', '---:', '---:', '---:']),
    ...results.map((r) =>
      row([r.cell.shape.name, r.cell.sort, r.cell.page, integer(r.cell.matching), ms(r.p50), flaggedP95(r), ms(r.max)]),
    ),
  ].join('\n');
}

const shortNote = (r: CellResult) =>
  `${r.cell.shape.name} · ${r.cell.sort} · ${r.cell.page} (${r.samples.length} samples)`;

function explainSection(explained: readonly Explained[]): string[] {
  if (explained.length === 0) return [];
  const blocks = explained.map(({ cell, plans }) => {
    const lines = plans.flatMap((plan, i) => (plans.length > 1 ? [`-- statement ${i + 1}`, ...plan] : plan));
    return [`${cell.shape.name} · ${cell.sort} · ${cell.page}:`, '', '```', ...lines, '```'].join('\n');
  });
  return ['EXPLAIN (ANALYZE, BUFFERS) of the slowest rows, run from the bench after measuring:', ...blocks].flatMap(
    (block) => [block, ''],
  );
}

export function listReport(info: ListRunInfo, results: readonly CellResult[], explained: readonly Explained[]): string {
  const slow = results.filter((r) => r.p95 >= TARGET_P95_MS).length;
  const short = results.filter((r) => r.samples.length < info.samples);
  return [
    '## Listing assignments',
    '',
    `- date: ${info.date}`,
    `- machine: ${info.machine}`,
    `- data: ${integer(info.rows)} assignments; ${info.seeding}`,
    `- load: ${info.load}`,
    `- method: sequential GET /trpc/assignments.list (one request at a time, as the SDK sends it), limit 50; ${info.warmupRequests} unmeasured requests, then ${info.samples} samples per row`,
    '',
    resultTable(results),
    '',
    slow === 0
      ? `Every row answers under ${TARGET_P95_MS} ms at p95.`
      : `${slow} of ${results.length} rows at or over ${TARGET_P95_MS} ms at p95 (⚠).`,
    ...(short.length > 0 ? ['', `Rows cut short by the time budget: ${short.map(shortNote).join('; ')}.`] : []),
    ...(explained.length > 0 ? ['', ...explainSection(explained)] : []),
  ].join('\n');
}
