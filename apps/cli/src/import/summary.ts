import { type Io, writeLine } from '../cli/io';
import { count } from '../cli/output';
import type { Validation } from './first-pass';
import type { ImportOptions } from './options';

export interface Summary {
  file: string;
  rows: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  batches: number;
  batchesDone: number;
  /** Batches an interrupted run had done before this one resumed it; the counts include them. */
  resumedBatches: number;
  failuresFile: string | null;
  interrupted: boolean;
  /** Why the import stopped before every batch was done, when it was not interrupted. */
  error: string | null;
  dryRun: boolean;
  /** False after a dry run or a --strict refusal. */
  sent: boolean;
  seconds: number;
  rowsPerSecond: number;
}

const countsOf = (summary: Summary) =>
  [
    `${count(summary.created)} created`,
    `${count(summary.updated)} updated`,
    `${count(summary.unchanged)} unchanged`,
    `${count(summary.failed)} refused by the platform`,
    `${count(summary.invalid)} invalid`,
  ].join(', ');

/** On stderr, with the exit code kept: what failed, what got in before, and whether --resume helps. */
async function printFailure(io: Io, json: boolean, summary: Summary, resumable: boolean): Promise<void> {
  await writeLine(io.stderr, `takst: import of ${summary.file} failed: ${summary.error}`);
  // With --json, the summary on stdout tells the rest.
  if (!json) {
    const done = `${summary.batchesDone} of ${summary.batches} batches`;
    const before =
      summary.batchesDone === 0 ? 'Nothing was imported.' : `${done} were imported before it: ${countsOf(summary)}`;
    await writeLine(io.stderr, before);
    if (summary.failuresFile) await writeLine(io.stderr, `Rows not imported, with reasons: ${summary.failuresFile}`);
  }
  if (resumable) {
    await writeLine(io.stderr, 'Once the platform answers again, run the same command with --resume to continue.');
  }
}

/**
 * The import's outcome: the summary on stdout (JSON with --json); a failure on stderr.
 * `resumable`: whether running again with --resume can get further.
 */
export async function printSummary(io: Io, json: boolean, summary: Summary, resumable = false): Promise<void> {
  if (json) await writeLine(io.stdout, JSON.stringify(summary));
  if (summary.error !== null) return printFailure(io, json, summary, resumable);
  if (summary.interrupted) {
    if (!json) {
      const done = `${summary.batchesDone} of ${summary.batches} batches`;
      await writeLine(
        io.stdout,
        `Interrupted ${summary.file} (${done}): ${count(summary.rows)} rows — ${countsOf(summary)}`,
      );
    }
    const stopped = `Stopped after ${summary.batchesDone} of ${summary.batches} batches`;
    return writeLine(io.stderr, `${stopped}; run again with --resume to continue.`);
  }
  if (json) return;
  const { rows, invalid } = summary;
  if (!summary.sent) {
    return writeLine(
      io.stdout,
      `Checked ${summary.file}: ${count(rows)} rows, ${count(rows - invalid)} valid, ${count(invalid)} invalid; nothing was sent`,
    );
  }
  const resumed =
    summary.resumedBatches > 0 ? ` (resumed after ${summary.resumedBatches} of ${summary.batches} batches)` : '';
  const rate = summary.seconds > 0 ? `, ${count(summary.rowsPerSecond)} rows/s` : '';
  await writeLine(io.stdout, `Imported ${summary.file}${resumed}: ${count(rows)} rows — ${countsOf(summary)}${rate}`);
  if (summary.failuresFile) await writeLine(io.stdout, `Rows not imported, with reasons: ${summary.failuresFile}`);
}

export function emptySummary(options: ImportOptions, validation: Validation, batches: number): Summary {
  return {
    file: options.file,
    rows: validation.rows,
    invalid: validation.invalid,
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    batches,
    batchesDone: 0,
    resumedBatches: 0,
    failuresFile: null,
    interrupted: false,
    error: null,
    dryRun: options.dryRun,
    sent: false,
    seconds: 0,
    rowsPerSecond: 0,
  };
}
