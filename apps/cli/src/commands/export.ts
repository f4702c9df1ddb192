import { bulkApiOf } from '../bulk-api';
import { type Command, positionalArgs } from '../cli/command';
import { FILTER_HELP, FILTER_OPTIONS, readFilters } from '../cli/filters';
import { type ExportFormat, runExport } from '../export/exporter';

function formatOf(given: ExportFormat | undefined, output: string | undefined): ExportFormat {
  if (given) return given;
  if (output && /\.csv$/i.test(output)) return 'csv';
  return 'ndjson';
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write assignments to a CSV or NDJSON file, streaming',
  help: `Usage: takst export [filters] [--format csv|ndjson] [-o file] [--page-size N] [--quiet]

Writes every assignment the filters match, in the order they last changed, to a file or stdout,
streaming in constant memory from the platform's NDJSON route (GET /api/assignments/export.ndjson;
a connection that breaks is picked up again after the last row received); progress (rows, rate)
goes to stderr. A file is written as <file>.partial and renamed when complete, so a file that
exists is whole.

CSV has the import's columns (takst import --help), then status, id, version, created_at and
updated_at, which an import skips: an export imports back, matched by reference. NDJSON has
one assignment per line, as the API returns it; it imports back too.

Options:
  --format <csv|ndjson>    default: from the -o file name (.csv), else ndjson
  -o, --output <file>      write here instead of stdout
  --pages                  page through tRPC (assignments.export) instead of the NDJSON route;
                           used anyway when the platform has no such route
  --page-size <N>          assignments per page with --pages, 1-5000 (default 1000)
  --quiet                  no progress

${FILTER_HELP}`,
  options: {
    ...FILTER_OPTIONS,
    format: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'page-size': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    pages: { type: 'boolean' },
  },
  async run(context) {
    const { options, io } = context;
    positionalArgs(context, []);
    const output = options.string('output');
    return runExport(
      {
        filters: readFilters(options),
        format: formatOf(options.oneOf('format', ['csv', 'ndjson'] as const), output),
        output,
        pageSize: options.int('page-size', 1, 5000) ?? 1000,
        quiet: options.flag('quiet'),
        json: context.json,
      },
      io,
      { pages: bulkApiOf(context.client()), route: options.flag('pages') ? undefined : context.connection() },
    );
  },
};
