import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Assignment } from '@takst/sdk';
import type { BulkApi, ExportFilters, ExportPage } from '../bulk-api';
import type { Connection } from '../cli/config';
import { EXIT, type ExitCode, usageError } from '../cli/exit-codes';
import { fileProblem } from '../cli/file-errors';
import { type Io, write, writeLine } from '../cli/io';
import { count } from '../cli/output';
import { describeError } from '../cli/platform-errors';
import { formatDuration, Progress } from '../cli/progress';
import { withRetries } from '../cli/retry';
import { EXPORT_COLUMNS, exportRow } from '../columns';
import { csvLine } from '../import/csv';
import { countLines, exportLines, RouteMissing } from './ndjson-route';

export type ExportFormat = 'csv' | 'ndjson';

export interface ExportOptions {
  filters: ExportFilters;
  format: ExportFormat;
  /** A file, written as `<file>.partial` and renamed when complete; stdout when absent. */
  output: string | undefined;
  pageSize: number;
  quiet: boolean;
  json: boolean;
}

function pageText(page: ExportPage, format: ExportFormat): string {
  if (format === 'ndjson') return page.items.map((item) => `${JSON.stringify(item)}\n`).join('');
  return page.items.map((item) => csvLine(exportRow(item))).join('');
}

/**
 * Pages in the export's order (by change), each fetched while the one before is written, so the
 * network and the disk work side by side; at most two pages are held at once, whatever the size
 * of the export.
 */
async function copyPages(options: ExportOptions, io: Io, api: BulkApi, out: Writable, progress: Progress) {
  const fetchPage = (continuation: string | undefined) =>
    withRetries(() => api.exportPage(options.filters, { continuation, limit: options.pageSize }, io.interrupt), {
      signal: io.interrupt,
    });
  let next: Promise<ExportPage> | undefined = fetchPage(undefined);
  while (next) {
    const page: ExportPage = await next;
    next = page.continuation && !io.interrupt.aborted ? fetchPage(page.continuation) : undefined;
    // A prefetch abandoned on Ctrl-C must not surface as an unhandled rejection.
    next?.catch(() => undefined);
    await write(out, pageText(page, options.format));
    progress.add(page.items.length);
    if (io.interrupt.aborted) return;
  }
}

/** NDJSON lines of the route as CSV rows. */
function csvOfLines(piece: Buffer): { text: string; rows: number } {
  const lines = piece.toString('utf8').split('\n');
  lines.pop(); // a piece ends with a line end
  return { text: lines.map((line) => csvLine(exportRow(JSON.parse(line) as Assignment))).join(''), rows: lines.length };
}

/**
 * The NDJSON route, streamed through: for NDJSON the bytes go out as they came, never parsed, so
 * memory holds a network chunk or two and the CPU does little more than copy.
 */
async function copyRoute(options: ExportOptions, io: Io, connection: Connection, out: Writable, progress: Progress) {
  const onRetry = (error: unknown, delay: number) => {
    progress.clear();
    io.stderr.write(`${describeError(error)}; going on from the last row in ${(delay / 1000).toFixed(1)} s\n`);
  };
  for await (const piece of exportLines(connection, options.filters, io.interrupt, onRetry)) {
    if (options.format === 'ndjson') {
      await write(out, piece);
      progress.add(countLines(piece));
    } else {
      const { text, rows } = csvOfLines(piece);
      await write(out, text);
      progress.add(rows);
    }
  }
}

export interface ExportSources {
  /** tRPC `assignments.export`, page by page. */
  pages: BulkApi;
  /** The NDJSON route; when absent or missing on the platform, the pages are used. */
  route?: Connection | undefined;
}

async function copy(options: ExportOptions, io: Io, sources: ExportSources, out: Writable, progress: Progress) {
  if (options.format === 'csv') await write(out, csvLine([...EXPORT_COLUMNS]));
  if (sources.route) {
    try {
      return await copyRoute(options, io, sources.route, out, progress);
    } catch (error) {
      if (!(error instanceof RouteMissing)) throw error;
    }
  }
  return copyPages(options, io, sources.pages, out, progress);
}

/** The output file's stream, open: a file that cannot be written is refused before anything is fetched. */
async function openOutput(output: string, partial: string): Promise<Writable> {
  const out = createWriteStream(partial);
  try {
    await once(out, 'open');
  } catch (error) {
    throw usageError(`Cannot write ${output}: ${fileProblem(error)}`);
  }
  return out;
}

/** `takst export`: every assignment the filters match, as CSV or NDJSON, in constant memory. */
export async function runExport(options: ExportOptions, io: Io, sources: ExportSources): Promise<ExitCode> {
  const started = io.now();
  const partial = options.output ? `${options.output}.partial` : undefined;
  const out: Writable = options.output && partial ? await openOutput(options.output, partial) : io.stdout;
  const progress = new Progress(io.stderr, {
    unit: 'rows',
    tty: io.stderr.isTTY === true,
    now: () => io.now(),
    quiet: options.quiet,
  });
  try {
    await copy(options, io, sources, out, progress);
  } catch (error) {
    progress.finish();
    if (partial) {
      out.destroy();
      await rm(partial, { force: true });
    }
    if (io.interrupt.aborted) return EXIT.interrupted;
    throw error;
  }
  progress.finish();
  if (partial && options.output) {
    out.end();
    await finished(out);
    if (io.interrupt.aborted) {
      await rm(partial, { force: true });
    } else {
      await rename(partial, options.output);
    }
  }
  if (io.interrupt.aborted) {
    await writeLine(io.stderr, `Interrupted after ${count(progress.done)} rows${partial ? '; nothing was kept' : ''}`);
    return EXIT.interrupted;
  }
  const seconds = (io.now() - started) / 1000;
  const rate = seconds > 0 ? progress.done / seconds : 0;
  if (options.json && options.output) {
    await writeLine(
      io.stdout,
      JSON.stringify({ rows: progress.done, file: options.output, seconds, rowsPerSecond: rate }),
    );
  } else if (!options.quiet) {
    const where = options.output ? ` to ${options.output}` : '';
    await writeLine(
      io.stderr,
      `Exported ${count(progress.done)} rows${where} in ${formatDuration(seconds)} (${count(rate)} rows/s)`,
    );
  }
  return EXIT.ok;
}
