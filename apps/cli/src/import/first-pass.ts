import { createHash } from 'node:crypto';
import { type Io, writeLine } from '../cli/io';
import type { FailuresFile } from './failures';
import type { ImportOptions } from './options';
import { readRows } from './rows';

/** What the first pass learned: the whole file checked before anything is sent. */
export interface Validation {
  fileSha256: string;
  rows: number;
  valid: number;
  invalid: number;
  header: string[] | undefined;
}

const reasonOf = (errors: string[]) => errors.join('; ');

/**
 * First pass: every row read, mapped and checked, every problem reported with its line number
 * (and, unless this is a dry run or a resume, written to the failures file).
 */
export async function checkAll(
  options: ImportOptions,
  io: Io,
  failures: FailuresFile | undefined,
): Promise<Validation> {
  const hash = createHash('sha256');
  const reading = readRows(options.file, options.format, options.mapping, hash);
  const result: Validation = { fileSha256: '', rows: 0, valid: 0, invalid: 0, header: undefined };
  for await (const group of reading.rows) {
    if (result.header === undefined && reading.header) {
      result.header = reading.header;
      if (failures) failures.header = reading.header;
      if (reading.unusedColumns.length > 0) {
        await writeLine(io.stderr, `Ignoring the columns ${reading.unusedColumns.join(', ')} (not in the mapping)`);
      }
    }
    for (const row of group) {
      result.rows++;
      if (row.outcome.ok) {
        result.valid++;
        continue;
      }
      result.invalid++;
      const reason = reasonOf(row.outcome.errors);
      await writeLine(io.stderr, `line ${row.line}: ${reason}`);
      failures?.add(row.line, reason, row.raw);
    }
    if (io.interrupt.aborted) break;
  }
  result.fileSha256 = hash.digest('hex');
  return result;
}
