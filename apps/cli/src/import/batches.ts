import { createHash } from 'node:crypto';
import type { BulkApi, BulkUpsertItem, BulkUpsertOutput, BulkUpsertResult } from '../bulk-api';
import type { Io } from '../cli/io';
import { describeError } from '../cli/platform-errors';
import { Progress } from '../cli/progress';
import { withRetries } from '../cli/retry';
import type { FailuresFile } from './failures';
import type { Validation } from './first-pass';
import type { ImportOptions } from './options';
import { readRows, type SourceRow } from './rows';
import type { ImportCounts, ImportState } from './state';

interface Batch {
  index: number;
  rows: SourceRow[];
}

function reasonOfResult(result: BulkUpsertResult | undefined): string {
  if (!result) return 'the platform gave no result for this row';
  const error = result.error;
  if (!error) return 'refused';
  const issues = error.issues?.map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`) ?? [];
  return `${error.errorCode}: ${issues.length > 0 ? issues.join('; ') : error.message}`;
}

async function* batchesOf(rows: AsyncGenerator<SourceRow[]>, size: number): AsyncGenerator<Batch> {
  let index = 0;
  let batch: SourceRow[] = [];
  for await (const group of rows) {
    for (const row of group) {
      if (!row.outcome.ok) continue;
      batch.push(row);
      if (batch.length === size) {
        yield { index: index++, rows: batch };
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield { index, rows: batch };
}

const itemsOf = (batch: Batch) => batch.rows.map((row) => (row.outcome as { item: BulkUpsertItem }).item);

/**
 * The batch's idempotency key: the import's run id (kept in its resume state), the batch's
 * position and its items. Sent again within the import — a retry after a lost answer, or a
 * resume after a crash — a batch is answered from the first time, never done twice, and the
 * answer is counted once, as the first one never was. A new import of the same file gets a new
 * run id, so it is not handed the first import's answers (the platform's replays look exactly
 * like first answers): its batches run again, and what they report (unchanged rows, say) is what
 * that import did. Rows are matched by their keys, so running again never duplicates.
 */
export function batchKey(runId: string, index: number, items: BulkUpsertItem[]): string {
  const digest = createHash('sha256').update(`${runId}\n${index}\n`).update(JSON.stringify(items)).digest('hex');
  return `takst-import-${digest.slice(0, 48)}`;
}

/** Rows in the batches already done, for the progress of a resumed import. */
function rowsDone(state: ImportState, valid: number, batchSize: number): number {
  let rows = 0;
  for (let index = 0; index < state.totalBatches; index++) {
    if (state.isDone(index)) rows += Math.min(batchSize, valid - index * batchSize);
  }
  return rows;
}

/** Sends the batches not yet done and records each answer in the failures file and the state. */
export class BatchSender {
  readonly #options: ImportOptions;
  readonly #io: Io;
  readonly #api: BulkApi;
  readonly #state: ImportState;
  readonly #failures: FailuresFile;
  readonly #progress: Progress;
  #stopped: unknown;

  constructor(
    options: ImportOptions,
    io: Io,
    api: BulkApi,
    state: ImportState,
    failures: FailuresFile,
    validation: Validation,
  ) {
    this.#options = options;
    this.#io = io;
    this.#api = api;
    this.#state = state;
    this.#failures = failures;
    this.#progress = new Progress(io.stderr, {
      unit: 'rows',
      total: validation.valid,
      done: rowsDone(state, validation.valid, options.batchSize),
      tty: io.stderr.isTTY === true,
      now: () => io.now(),
      quiet: options.quiet,
    });
  }

  get progress(): Progress {
    return this.#progress;
  }

  /** Sends every batch not yet done, `concurrency` at a time; stops early on Ctrl-C or a fatal error. */
  async run(): Promise<unknown> {
    const inFlight = new Set<Promise<void>>();
    const reading = readRows(this.#options.file, this.#options.format, this.#options.mapping);
    for await (const batch of batchesOf(reading.rows, this.#options.batchSize)) {
      if (this.#mustStop()) break;
      if (this.#state.isDone(batch.index)) continue;
      while (inFlight.size >= this.#options.concurrency) await Promise.race(inFlight);
      if (this.#mustStop()) break;
      const sending: Promise<void> = this.#send(batch)
        .catch((error: unknown) => {
          this.#stopped ??= error;
        })
        .finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
    await Promise.all(inFlight);
    this.#progress.finish();
    this.#failures.close();
    return this.#stopped;
  }

  #mustStop(): boolean {
    return this.#stopped !== undefined || this.#io.interrupt.aborted;
  }

  async #send(batch: Batch): Promise<void> {
    const items = itemsOf(batch);
    const key = batchKey(this.#state.runId, batch.index, items);
    // Beyond the SDK's own quick retries: a long import should outlast a platform restart.
    const output = await withRetries(() => this.#api.bulkUpsert(items, key), {
      baseDelayMs: 1000,
      signal: this.#io.interrupt,
      onRetry: (error, attempt, delay) => {
        this.#progress.clear();
        this.#io.stderr.write(
          `Batch ${batch.index + 1} failed (${describeError(error)}); try ${attempt + 1} in ${(delay / 1000).toFixed(1)} s\n`,
        );
      },
    });
    this.#record(batch, output);
  }

  /** Runs without awaiting between the failures file and the state, so the two always agree. */
  #record(batch: Batch, output: BulkUpsertOutput): void {
    const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
    const results = new Map(output.results.map((result) => [result.index, result]));
    batch.rows.forEach((row, index) => {
      const result = results.get(index);
      if (result && result.status !== 'error') {
        counts[result.status]++;
        return;
      }
      counts.failed++;
      this.#failures.add(row.line, reasonOfResult(result), row.raw);
    });
    this.#state.markDone(batch.index, counts, this.#failures.bytes);
    this.#progress.add(batch.rows.length);
  }
}
