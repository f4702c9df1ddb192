import { type Cell, PAGE_SIZE } from './list-cells';

/** The request the SDK makes for `client.assignments.list.query(input)`. */
export function listPath(cell: Cell): string {
  const input = { ...cell.shape.filters, sort: cell.sort, limit: PAGE_SIZE, cursor: cell.cursor };
  return `/trpc/assignments.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`;
}

export interface Target {
  baseUrl: string;
  apiKey: string;
}

interface Answer {
  ms: number;
  status: number;
  body: string;
}

async function request(target: Target, path: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(`${target.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${target.apiKey}` },
    signal: AbortSignal.timeout(60_000),
  });
  const body = await response.text();
  return { ms: performance.now() - started, status: response.status, body };
}

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/** Fails unless the server answered the page the oracle expects. */
function check(cell: Cell, answer: Answer): void {
  const what = `${cell.shape.name} · ${cell.sort} · ${cell.page}`;
  if (answer.status !== 200) throw new Error(`${what}: HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
  const page = (JSON.parse(answer.body) as [{ result: { data: Page } }])[0].result.data;
  const firstId = page.items[0]?.id ?? null;
  if (page.items.length !== cell.expectedItems || firstId !== cell.expectedFirstId) {
    throw new Error(
      `${what}: got ${page.items.length} items starting at ${firstId}, expected ${cell.expectedItems} from ${cell.expectedFirstId}`,
    );
  }
}

/** One request, checked; the time covers the request and the whole body, not the checks. */
export async function timedRequest(target: Target, cell: Cell): Promise<number> {
  const answer = await request(target, listPath(cell));
  check(cell, answer);
  return answer.ms;
}

export interface SampleOptions {
  warmupRequests: number;
  samples: number;
  /** A cell stops being sampled (after at least 3 samples) once its samples have taken this long. */
  budgetMs: number;
}

export interface CellResult {
  cell: Cell;
  samples: number[];
  p50: number;
  p95: number;
  max: number;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function summarize(cell: Cell, samples: number[]): CellResult {
  const sorted = [...samples].sort((a, b) => a - b);
  return { cell, samples, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 };
}

/**
 * Sequential requests, one at a time, in rounds over all cells: a burst of other work on the
 * machine then costs every cell a sample or two instead of costing one cell all of its samples.
 */
export async function measureCells(
  target: Target,
  cells: readonly Cell[],
  options: SampleOptions,
  onRound: (round: number) => void,
): Promise<CellResult[]> {
  for (let i = 0; i < options.warmupRequests; i += 1) for (const cell of cells) await timedRequest(target, cell);
  const samples = cells.map((): number[] => []);
  const spent = cells.map(() => 0);
  for (let round = 1; round <= options.samples; round += 1) {
    for (const [index, cell] of cells.entries()) {
      const own = samples[index] ?? [];
      if (own.length >= 3 && (spent[index] ?? 0) > options.budgetMs) continue;
      const ms = await timedRequest(target, cell);
      own.push(ms);
      spent[index] = (spent[index] ?? 0) + ms;
    }
    onRound(round);
  }
  return cells.map((cell, index) => summarize(cell, samples[index] ?? []));
}

/** Runs requests round-robin over `cells` for `ms`: warms the server's code paths and PostgreSQL's caches. */
export async function warmUp(target: Target, cells: readonly Cell[], ms: number): Promise<number> {
  const until = performance.now() + ms;
  let count = 0;
  while (performance.now() < until) {
    const cell = cells[count % cells.length];
    if (!cell) break;
    await timedRequest(target, cell);
    count += 1;
  }
  return count;
}
