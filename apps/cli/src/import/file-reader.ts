import type { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvParser, type CsvRecord } from './csv';

/** One line of an NDJSON file (1-based), blank lines left out. */
export interface TextLine {
  line: number;
  text: string;
}

export interface ReadProgress {
  /** Bytes read so far; the file's size is the total. */
  bytes: number;
}

const CHUNK_BYTES = 64 * 1024;

/** The file's text in chunks, decoded as UTF-8 across chunk borders, hashing the bytes as it goes. */
async function* textChunks(file: string, hash?: ReturnType<typeof createHash>, progress?: ReadProgress) {
  const decoder = new StringDecoder('utf8');
  for await (const bytes of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    const buffer = bytes as Buffer;
    hash?.update(buffer);
    if (progress) progress.bytes += buffer.length;
    yield decoder.write(buffer);
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Records in groups (one per chunk read), so the consumer pays one await per chunk, not per row. */
export async function* csvRecords(
  file: string,
  hash?: ReturnType<typeof createHash>,
  progress?: ReadProgress,
): AsyncGenerator<CsvRecord[]> {
  const parser = new CsvParser();
  for await (const text of textChunks(file, hash, progress)) {
    const records: CsvRecord[] = [];
    parser.push(text, records);
    if (records.length > 0) yield records;
  }
  const last: CsvRecord[] = [];
  parser.end(last);
  if (last.length > 0) yield last;
}

export async function* ndjsonLines(
  file: string,
  hash?: ReturnType<typeof createHash>,
  progress?: ReadProgress,
): AsyncGenerator<TextLine[]> {
  let rest = '';
  let line = 0;
  let first = true;
  for await (const chunk of textChunks(file, hash, progress)) {
    let text = rest + chunk;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines: TextLine[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      line++;
      const content = text.slice(start, end).trim();
      if (content !== '') lines.push({ line, text: content });
      start = end + 1;
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  if (rest.trim() !== '') yield [{ line: line + 1, text: rest.trim() }];
}
