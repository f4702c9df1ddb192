import type { Mapping } from './mapping';
import type { InputFormat } from './rows';

export interface ImportOptions {
  file: string;
  format: InputFormat;
  mapping: Mapping;
  /** Check every row, send nothing. */
  dryRun: boolean;
  /** Import nothing when any row is invalid. */
  strict: boolean;
  /** Continue an interrupted import of the same file. */
  resume: boolean;
  /** Batches in flight at once. */
  concurrency: number;
  /** Items per bulkUpsert call (at most 500). */
  batchSize: number;
  quiet: boolean;
  json: boolean;
}
