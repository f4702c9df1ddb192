import { bulkApiOf } from '../bulk-api';
import { type Command, positionalArgs } from '../cli/command';
import { IMPORT_COLUMNS } from '../columns';
import { runImport } from '../import/importer';
import { loadMapping } from '../import/mapping';
import { formatOf } from '../import/rows';

export const importCommand: Command = {
  name: 'import',
  summary: 'create or update assignments from a CSV or NDJSON file',
  help: `Usage: takst import <file.csv|file.ndjson> [--mapping map.json] [--dry-run] [--strict]
                    [--concurrency N] [--batch-size N] [--resume] [--quiet]

Checks every row first and reports each problem with its line number, then creates or updates
the valid rows through assignments.bulkUpsert, in batches that each carry an idempotency key.
A row is matched by external_system + external_id (its id in your system) or by reference, so
importing a file again updates rather than duplicates: rows already in are reported unchanged
(or updated), not created.

Ctrl-C stops cleanly: no new batches are sent, the ones in flight are waited for, and the
progress is kept in <file>.takst-import.json; run the same command with --resume to continue
where it stopped. Rows not imported, invalid or refused by the platform, go to
<file>.failures.csv (or .ndjson) with their line number and reason.

CSV: a header row, then one assignment per row (RFC 4180; UTF-8, with or without BOM).
Columns, each read from the column of its own name unless the mapping says otherwise:
  ${IMPORT_COLUMNS.join(', ')}
Required: type, street, postal_code, city, client_name, and external_system + external_id or
reference. municipality/gnr/bnr[/fnr/snr] give the cadastre; share_org_number/share_number a
cooperative share. Empty cells are left out.

NDJSON: one object per line: flat, with the same names; an exported assignment (takst
export --format ndjson); or a bulkUpsert item { "key": ..., "assignment": ... }.

Mapping file (JSON): { "columns":  { "external_id": "Ordrenr", "street": "Adresse" },
                      "defaults": { "external_system": "crm" },
                      "values":   { "type": { "Tilstandsrapport": "condition_report" } } }

Options:
  --mapping <file>         map your columns (and values) to the fields above
  --dry-run                check every row and report; send nothing
  --strict                 import nothing if any row is invalid
  --resume                 continue an interrupted import of the same file
  --concurrency <N>        batches in flight at once, 1-16 (default 2)
  --batch-size <N>         rows per batch, 1-500 (default 500)
  --format <csv|ndjson>    when the file name does not tell
  --quiet                  no progress

Exit: 0 every row imported; 1 some rows invalid or refused (see the failures file), or a batch
refused as a whole; 2 bad arguments, mapping or file; 3 bad key or missing scope; 5 the platform
unreachable or failing (continue with --resume); 130 interrupted (continue with --resume).`,
  options: {
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean' },
    strict: { type: 'boolean' },
    resume: { type: 'boolean' },
    concurrency: { type: 'string' },
    'batch-size': { type: 'string' },
    format: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
  async run(context) {
    const { options, io } = context;
    const [file = ''] = positionalArgs(context, ['the file to import']);
    const format = formatOf(file, options.oneOf('format', ['csv', 'ndjson'] as const));
    return runImport(
      {
        file,
        format,
        mapping: loadMapping(options.string('mapping')),
        dryRun: options.flag('dry-run'),
        strict: options.flag('strict'),
        resume: options.flag('resume'),
        concurrency: options.int('concurrency', 1, 16) ?? 2,
        batchSize: options.int('batch-size', 1, 500) ?? 500,
        quiet: options.flag('quiet'),
        json: context.json,
      },
      io,
      () => bulkApiOf(context.client()),
    );
  },
};
