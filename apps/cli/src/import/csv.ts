/** One record of a CSV file and the line it starts on (1-based, the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

enum State {
  /** In an unquoted field, or between fields. */
  Plain,
  Quoted,
  /** Just read a quote inside a quoted field: an escaped quote or the field's end. */
  QuoteInQuoted,
}

/**
 * A streaming RFC 4180 parser: commas, quoted fields with "" for a quote, line breaks inside
 * quotes, CRLF, LF or CR line ends, and a leading byte-order mark. Text is fed in chunks of any
 * size; whole records come out as soon as they end. Blank lines are skipped. Lenient where the
 * RFC is strict and no meaning is lost: text after a closing quote is kept as part of the field.
 */
export class CsvParser {
  #state = State.Plain;
  #field = '';
  /** Whether the current field has begun: a quote opens a quoted field only at its start. */
  #fieldStarted = false;
  #record: string[] = [];
  #line = 1;
  #recordLine = 1;
  #afterCR = false;
  #first = true;

  /** Parses a chunk and appends the records it completes to `out`. */
  push(chunk: string, out: CsvRecord[]): void {
    let text = chunk;
    if (this.#first && text.length > 0) {
      this.#first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.#state === State.Quoted) {
        if (c === QUOTE) {
          this.#field += text.slice(start, i);
          this.#state = State.QuoteInQuoted;
          start = i + 1;
        } else if (c === LF) {
          this.#line++;
        }
        continue;
      }
      if (this.#state === State.QuoteInQuoted) {
        this.#state = State.Plain;
        if (c === QUOTE) {
          this.#state = State.Quoted;
          this.#field += '"';
          start = i + 1;
          continue;
        }
      }
      if (this.#afterCR) {
        this.#afterCR = false;
        if (c === LF) {
          start = i + 1;
          continue;
        }
      }
      if (c === COMMA) {
        this.#record.push(this.#field + text.slice(start, i));
        this.#field = '';
        this.#fieldStarted = false;
        start = i + 1;
      } else if (c === LF || c === CR) {
        this.#field += text.slice(start, i);
        this.#endRecord(out);
        this.#line++;
        this.#recordLine = this.#line;
        this.#afterCR = c === CR;
        start = i + 1;
      } else if (c === QUOTE && !this.#fieldStarted && start === i) {
        this.#state = State.Quoted;
        this.#fieldStarted = true;
        start = i + 1;
      } else {
        this.#fieldStarted = true;
      }
    }
    this.#field += text.slice(start);
  }

  /** The end of the input: the last record, if the file does not end with a line break. */
  end(out: CsvRecord[]): void {
    if (this.#state === State.Quoted) {
      throw new CsvSyntaxError('a quoted field is never closed', this.#recordLine);
    }
    this.#endRecord(out);
  }

  #endRecord(out: CsvRecord[]): void {
    this.#record.push(this.#field);
    const blank = this.#record.length === 1 && this.#record[0] === '';
    if (!blank) out.push({ line: this.#recordLine, fields: this.#record });
    this.#record = [];
    this.#field = '';
    this.#fieldStarted = false;
  }
}

/** A field as CSV writes it: quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export const csvLine = (values: string[]) => `${values.map(csvField).join(',')}\n`;
