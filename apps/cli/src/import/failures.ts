import { closeSync, openSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { csvLine } from './csv';
import type { InputFormat } from './rows';

export const failuresPathOf = (input: string, format: InputFormat) => `${input}.failures.${format}`;

/**
 * Rows that were not imported, each with its line number and the reason, beside the row as it
 * was read: for CSV `line,reason,<the input's columns>`, for NDJSON
 * `{"line","reason","row"}`. A fixed file imports again (the two extra columns are ignored).
 * Written synchronously, so its length recorded in the resume state is exact.
 */
export class FailuresFile {
  readonly path: string;
  readonly #format: InputFormat;
  /** The CSV input's header, once read. */
  header: string[] | undefined;
  #bytes: number;
  #fd: number | undefined;
  #count = 0;

  private constructor(path: string, format: InputFormat, header: string[] | undefined, bytes: number) {
    this.path = path;
    this.#format = format;
    this.header = header;
    this.#bytes = bytes;
  }

  /** A new file: an earlier one is removed. */
  static fresh(path: string, format: InputFormat, header: string[] | undefined): FailuresFile {
    rmSync(path, { force: true });
    return new FailuresFile(path, format, header, 0);
  }

  /**
   * Goes on writing at `bytes`: after the first pass's rows, or where an interrupted import's
   * state says the file was (cutting off what a killed run wrote after its last saved state).
   */
  static continueAt(path: string, format: InputFormat, header: string[] | undefined, bytes: number): FailuresFile {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // gone: begun again below
    }
    if (size > bytes) truncateSync(path, bytes);
    return new FailuresFile(path, format, header, Math.min(size, bytes));
  }

  /** Bytes written, for the resume state. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Rows written by this run. */
  get count(): number {
    return this.#count;
  }

  add(line: number, reason: string, raw: string[] | string): void {
    let text = '';
    if (this.#format === 'csv') {
      if (this.#bytes === 0) text += csvLine(['line', 'reason', ...(this.header ?? [])]);
      text += csvLine([String(line), reason, ...(Array.isArray(raw) ? raw : [raw])]);
    } else {
      const row = typeof raw === 'string' && isJson(raw) ? raw : JSON.stringify(raw);
      text += `{"line":${line},"reason":${JSON.stringify(reason)},"row":${row}}\n`;
    }
    this.#fd ??= openSync(this.path, 'a');
    const buffer = Buffer.from(text);
    writeSync(this.#fd, buffer);
    this.#bytes += buffer.length;
    this.#count++;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
