import { ASSIGNMENT_STATUSES, ASSIGNMENT_TYPES } from '@takst/sdk';
import type { ExportFilters } from '../bulk-api';
import type { OptionSpec, Options } from './args';

export const FILTER_OPTIONS = {
  status: { type: 'string', multiple: true },
  type: { type: 'string', multiple: true },
  appraiser: { type: 'string' },
  client: { type: 'string' },
  municipality: { type: 'string' },
  'created-from': { type: 'string' },
  'created-to': { type: 'string' },
  'due-before': { type: 'string' },
  'updated-since': { type: 'string' },
  q: { type: 'string' },
} as const satisfies OptionSpec;

export const FILTER_HELP = `Filters:
  --status <s,...>         received, confirmed, inspection_booked, inspected, drafting, in_review,
                           delivered, invoiced, closed, on_hold, cancelled (repeat or comma-separate)
  --type <t,...>           condition_report, valuation, value_assessment, damage_assessment, ...
  --appraiser <id>         given to this appraiser
  --client <id>            ordered by this client
  --municipality <nnnn>    property in this municipality (4 digits)
  --created-from <time>    created at or after (YYYY-MM-DD or an ISO 8601 time)
  --created-to <time>      created before
  --due-before <date>      due before this date (YYYY-MM-DD)
  --updated-since <time>   changed at or after
  --q <text>               free text over reference, address and client name`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date means its midnight in UTC; a time must carry its offset. */
function timestamp(options: Options, name: string): string | undefined {
  const value = options.string(name);
  if (value === undefined) return undefined;
  if (DATE.test(value)) return `${value}T00:00:00.000Z`;
  if (TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  return options.fail(`--${name} must be YYYY-MM-DD or an ISO 8601 time with offset, not "${value}"`);
}

export function readFilters(options: Options): ExportFilters {
  const filters: ExportFilters = {};
  const status = options.listOf('status', ASSIGNMENT_STATUSES);
  const type = options.listOf('type', ASSIGNMENT_TYPES);
  if (status) filters.status = status;
  if (type) filters.type = type;
  const appraiserId = options.string('appraiser');
  const clientId = options.string('client');
  const municipality = options.string('municipality');
  if (appraiserId) filters.appraiserId = appraiserId;
  if (clientId) filters.clientId = clientId;
  if (municipality !== undefined) {
    if (!/^\d{4}$/.test(municipality)) options.fail('--municipality must be 4 digits');
    filters.municipality = municipality;
  }
  const createdFrom = timestamp(options, 'created-from');
  const createdTo = timestamp(options, 'created-to');
  const updatedSince = timestamp(options, 'updated-since');
  if (createdFrom) filters.createdFrom = createdFrom;
  if (createdTo) filters.createdTo = createdTo;
  if (updatedSince) filters.updatedSince = updatedSince;
  const dueBefore = options.string('due-before');
  if (dueBefore !== undefined) {
    if (!DATE.test(dueBefore)) options.fail('--due-before must be a date, YYYY-MM-DD');
    filters.dueBefore = dueBefore;
  }
  const q = options.string('q');
  if (q !== undefined) {
    if (q.trim().length < 2) options.fail('--q needs at least 2 characters');
    filters.q = q.trim();
  }
  return filters;
}
