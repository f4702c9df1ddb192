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
  failuresFile: string | null;
  interrupted: boolean;
  dryRun: boolean;
  /** False after a dry run or a --strict refusal. */
  sent: boolean;
  seconds: number;
  rowsPerSecond: number;
}

export async function printSummary(io: Io, json: boolean, summary: Summary): Promise<void> {
  if (json) return writeLine(io.stdout, JSON.stringify(summary));
  const { rows, invalid } = summary;
  if (!summary.sent) {
    return writeLine(
      io.stdout,
      `Checked ${summary.file}: ${count(rows)} rows, ${count(rows - invalid)} valid, ${count(invalid)} invalid; nothing was sent`,
    );
  }
  const parts = [
    `${count(summary.created)} created`,
    `${count(summary.updated)} updated`,
    `${count(summary.unchanged)} unchanged`,
    `${count(summary.failed)} refused by the platform`,
    `${count(invalid)} invalid`,
  ];
  const verb = summary.interrupted ? 'Interrupted' : 'Imported';
  const batches = summary.interrupted ? ` (${summary.batchesDone} of ${summary.batches} batches)` : '';
  const rate = summary.seconds > 0 ? `, ${count(summary.rowsPerSecond)} rows/s` : '';
  await writeLine(io.stdout, `${verb} ${summary.file}${batches}: ${count(rows)} rows — ${parts.join(', ')}${rate}`);
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
    failuresFile: null,
    interrupted: false,
    dryRun: options.dryRun,
    sent: false,
    seconds: 0,
    rowsPerSecond: 0,
  };
}
