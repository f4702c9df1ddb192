import type { createHash } from 'node:crypto';
import type { Assignment } from '@takst/sdk';
import { usageError } from '../cli/exit-codes';
import { assignmentFields } from '../columns';
import { CsvSyntaxError } from './csv';
import { csvRecords, ndjsonLines, type ReadProgress } from './file-reader';
import { csvFieldReader, type Mapping, objectFields } from './mapping';
import { checkGivenItem, type ItemOutcome, keyIdentity, toItem } from './validate';

export type InputFormat = 'csv' | 'ndjson';

/** One data row of the input: where it is, what it held, and the item it makes or why not. */
export interface SourceRow {
  line: number;
  /** As read, for the failures file: the CSV fields, or the NDJSON line. */
  raw: string[] | string;
  outcome: ItemOutcome;
}

export interface RowReading {
  /** The CSV header as read, once the first group of rows has come. */
  header: string[] | undefined;
  /** Header columns neither mapped nor known. */
  unusedColumns: string[];
  rows: AsyncGenerator<SourceRow[]>;
}

export function formatOf(file: string, given: InputFormat | undefined): InputFormat {
  if (given) return given;
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.(nd)?jsonl?$/i.test(file)) return 'ndjson';
  throw usageError(`Cannot tell the format of ${file} from its name: pass --format csv or --format ndjson`);
}

/**
 * Later rows with the key of an earlier one are refused: batches run side by side, so which of
 * the two would win is not defined.
 */
function withoutDuplicateKeys(seen: Map<string, number>, row: SourceRow): SourceRow {
  if (!row.outcome.ok) return row;
  const identity = keyIdentity(row.outcome.item.key);
  const first = seen.get(identity);
  if (first === undefined) {
    seen.set(identity, row.line);
    return row;
  }
  return { ...row, outcome: { ok: false, errors: [`the same key as line ${first}`] } };
}

type Hash = ReturnType<typeof createHash>;

async function* csvRows(
  file: string,
  mapping: Mapping,
  reading: RowReading,
  hash?: Hash,
  progress?: ReadProgress,
): AsyncGenerator<SourceRow[]> {
  const seen = new Map<string, number>();
  let reader: ReturnType<typeof csvFieldReader> | undefined;
  try {
    for await (const records of csvRecords(file, hash, progress)) {
      const rows: SourceRow[] = [];
      for (const record of records) {
        if (reader === undefined) {
          reading.header = record.fields;
          reader = csvFieldReader(record.fields, mapping);
          reading.unusedColumns = reader.unusedColumns;
          continue;
        }
        const outcome = toItem(reader.read(record.fields));
        rows.push(withoutDuplicateKeys(seen, { line: record.line, raw: record.fields, outcome }));
      }
      if (rows.length > 0) yield rows;
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw usageError(`${file} is not valid CSV: ${error.message}`);
    throw error;
  }
  if (reader === undefined) throw usageError(`${file} is empty: a CSV import needs a header row`);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An NDJSON line: a bulkUpsert item, an exported assignment, or a flat object of columns. */
function ndjsonOutcome(text: string, mapping: Mapping): ItemOutcome {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, errors: ['not valid JSON'] };
  }
  if (!isObject(value)) return { ok: false, errors: ['not a JSON object'] };
  if ('key' in value && 'assignment' in value) return checkGivenItem(value as { key: unknown; assignment: unknown });
  if (isObject(value.property) && isObject(value.client))
    return toItem(assignmentFields(value as unknown as Assignment));
  return toItem(objectFields(value, mapping));
}

async function* ndjsonRows(file: string, mapping: Mapping, hash?: Hash, progress?: ReadProgress) {
  const seen = new Map<string, number>();
  for await (const lines of ndjsonLines(file, hash, progress)) {
    yield lines.map(({ line, text }) =>
      withoutDuplicateKeys(seen, { line, raw: text, outcome: ndjsonOutcome(text, mapping) }),
    );
  }
}

/** Reads the input row by row, in groups; the same input and mapping give the same rows every time. */
export function readRows(
  file: string,
  format: InputFormat,
  mapping: Mapping,
  hash?: Hash,
  progress?: ReadProgress,
): RowReading {
  const reading: RowReading = { header: undefined, unusedColumns: [], rows: undefined as never };
  reading.rows =
    format === 'csv' ? csvRows(file, mapping, reading, hash, progress) : ndjsonRows(file, mapping, hash, progress);
  return reading;
}
