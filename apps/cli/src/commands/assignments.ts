import {
  ASSIGNMENT_STATUSES,
  type Assignment,
  type AssignmentStatus,
  type RouterInputs,
  type TakstClient,
} from '@takst/sdk';
import type { Options } from '../cli/args';
import { type Command, type CommandContext, positionalArgs } from '../cli/command';
import { EXIT } from '../cli/exit-codes';
import { FILTER_HELP, FILTER_OPTIONS, readFilters } from '../cli/filters';
import { writeLine } from '../cli/io';
import { formatFields, printJson } from '../cli/output';
import { PAGE_HELP, PAGE_OPTIONS, pages, readPaging } from '../cli/pages';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const REFERENCE = /^\d{4}-\d{6,}$/;

/** By id or by reference, whichever the argument is. */
async function findAssignment(client: TakstClient, options: Options, idOrReference: string): Promise<Assignment> {
  if (UUID.test(idOrReference)) return client.assignments.get.query({ id: idOrReference });
  if (REFERENCE.test(idOrReference)) return client.assignments.getByReference.query({ reference: idOrReference });
  return options.fail(`"${idOrReference}" is neither an id nor a reference like 2026-000123`);
}

type Party = Assignment['client'];

function party(p: Party | null): string {
  if (!p) return '';
  const contact = [p.email, p.phone].filter(Boolean).join(', ');
  const org = p.organizationNumber ? ` (org. ${p.organizationNumber})` : '';
  return `${p.name}${org}${contact ? ` <${contact}>` : ''}`;
}

function propertyLine({ property }: Assignment): string {
  const { street, postalCode, city, unitNumber } = property.address;
  const identity =
    property.cadastre?.id ??
    (property.share ? `share ${property.share.organizationNumber}/${property.share.shareNumber}` : '');
  return `${street}${unitNumber ? ` ${unitNumber}` : ''}, ${postalCode} ${city}${identity ? ` (${identity})` : ''}`;
}

function assignmentFields(a: Assignment): [string, unknown][] {
  return [
    ['reference', a.reference],
    ['id', a.id],
    ['type', a.type],
    ['status', a.statusBeforeHold ? `${a.status} (from ${a.statusBeforeHold})` : a.status],
    ['version', a.version],
    ['property', propertyLine(a)],
    ['client', party(a.client)],
    ['payer', a.payer.id === a.client.id ? 'the client' : party(a.payer)],
    ['broker', party(a.broker)],
    ['appraiser', a.appraiser?.name],
    ['due', a.dueDate],
    ['notes', a.notes],
    ['created', a.createdAt],
    ['updated', a.updatedAt],
  ];
}

const LIST_COLUMNS: [string, number][] = [
  ['REFERENCE', 12],
  ['STATUS', 17],
  ['TYPE', 24],
  ['DUE', 10],
  ['CLIENT', 28],
  ['PROPERTY', 0],
];

function listLine(values: string[]): string {
  return values
    .map((value, i) => {
      const width = LIST_COLUMNS[i]?.[1] ?? 0;
      if (width === 0) return value;
      const cut = value.length > width ? `${value.slice(0, width - 1)}…` : value;
      return cut.padEnd(width);
    })
    .join('  ')
    .trimEnd();
}

const listRow = (a: Assignment) =>
  listLine([a.reference, a.status, a.type, a.dueDate ?? '-', a.client.name, propertyLine(a)]);

export const assignmentsGet: Command = {
  name: 'assignments get',
  summary: 'show one assignment by id or reference',
  help: `Usage: takst assignments get <id|reference>

Shows one assignment: by its id (a UUID) or its reference (2026-000123).`,
  options: {},
  async run(context) {
    const [idOrReference = ''] = positionalArgs(context, ['an id or reference']);
    const assignment = await findAssignment(context.client(), context.options, idOrReference);
    if (context.json) await printJson(context.io.stdout, assignment);
    else await writeLine(context.io.stdout, formatFields(assignmentFields(assignment)));
    return EXIT.ok;
  },
};

export const assignmentsList: Command = {
  name: 'assignments list',
  summary: 'list assignments, filtered and sorted',
  help: `Usage: takst assignments list [filters] [--sort createdAt|dueDate] [--direction asc|desc] [--limit N] [--all]

Lists assignments, newest first by default. One page unless --all; the cursor of the next
page is printed on stderr. With --json, one assignment per line (NDJSON).

Options:
  --sort <field>           createdAt (newest first) or dueDate (soonest first)
  --direction <asc|desc>
${PAGE_HELP}

${FILTER_HELP}`,
  options: {
    ...FILTER_OPTIONS,
    ...PAGE_OPTIONS,
    sort: { type: 'string' },
    direction: { type: 'string' },
  },
  async run(context: CommandContext) {
    const { options, io } = context;
    const input: RouterInputs['assignments']['list'] = { ...readFilters(options) };
    const sort = options.oneOf('sort', ['createdAt', 'dueDate'] as const);
    const direction = options.oneOf('direction', ['asc', 'desc'] as const);
    if (sort) input.sort = sort;
    if (direction) input.direction = direction;
    const client = context.client();
    let first = true;
    const fetchPage = (paging: { limit: number; cursor?: string }) =>
      client.assignments.list.query({ ...input, ...paging });
    for await (const page of pages(readPaging(options), fetchPage, io.stderr)) {
      if (context.json) {
        for (const item of page.items) await printJson(io.stdout, item);
        continue;
      }
      const lines = page.items.map(listRow);
      if (first) lines.unshift(listLine(LIST_COLUMNS.map(([header]) => header)));
      if (lines.length > 0) await writeLine(io.stdout, lines.join('\n'));
      first = false;
    }
    return EXIT.ok;
  },
};

export const assignmentsTransition: Command = {
  name: 'assignments transition',
  summary: 'move an assignment to another status',
  help: `Usage: takst assignments transition <id|reference> <status> [--reason <text>] [--expected-version N]

Moves an assignment to another status, as the lifecycle allows. Without --expected-version,
the assignment's current version is used (read just before).

Statuses: ${ASSIGNMENT_STATUSES.join(', ')}

Options:
  --reason <text>          why; kept in the assignment's history
  --expected-version <N>   refuse (exit 1, VERSION_CONFLICT) if the assignment has changed since`,
  options: { reason: { type: 'string' }, 'expected-version': { type: 'string' } },
  async run(context) {
    const { options, io } = context;
    const [idOrReference = '', to = ''] = positionalArgs(context, ['an id or reference', 'a status']);
    if (!ASSIGNMENT_STATUSES.includes(to as AssignmentStatus)) {
      options.fail(`"${to}" is not a status; the statuses are ${ASSIGNMENT_STATUSES.join(', ')}`);
    }
    const client = context.client();
    let expectedVersion = options.int('expected-version', 1, Number.MAX_SAFE_INTEGER);
    let id = UUID.test(idOrReference) ? idOrReference : undefined;
    let from: string | undefined;
    if (id === undefined || expectedVersion === undefined) {
      const current = await findAssignment(client, options, idOrReference);
      id = current.id;
      expectedVersion ??= current.version;
      from = current.status;
    }
    const reason = options.string('reason');
    const moved = await client.assignments.transition.mutate({
      id,
      to: to as AssignmentStatus,
      expectedVersion,
      ...(reason ? { reason } : {}),
    });
    if (context.json) await printJson(io.stdout, moved);
    else
      await writeLine(
        io.stdout,
        `${moved.reference}: ${from ? `${from} → ` : ''}${moved.status} (version ${moved.version})`,
      );
    return EXIT.ok;
  },
};
