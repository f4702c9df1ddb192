/**
 * The baseline: the least a Node server must do to answer `assignments.get` with the same JSON
 * as the takst server (plain node:http, a pg.Pool, one prepared query, hand-written mapping, no auth).
 * The query is the read model's (packages/api/src/assignments/read-model.ts): the assignment
 * joined to its property, client, payer, broker and appraiser, the relations as JSON summaries.
 * Run as its own process so its CPU can be read from /proc. Env: DATABASE_URL, PORT, HOST.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

interface PartySummary {
  id: string;
  kind: string;
  name: string;
  email: string | null;
  phone: string | null;
  organizationNumber: string | null;
}

interface PropertyRow {
  id: string;
  street: string;
  postalCode: string;
  city: string;
  unitNumber: string | null;
  municipality: string | null;
  gnr: number | null;
  bnr: number | null;
  fnr: number | null;
  snr: number | null;
  cadastreId: string | null;
  cooperativeOrganizationNumber: string | null;
  shareNumber: string | null;
}

interface AssignmentRow {
  id: string;
  reference: string;
  type: string;
  status: string;
  statusBeforeHold: string | null;
  version: number;
  dueDate: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  property: PropertyRow;
  client: PartySummary;
  payer: PartySummary;
  broker: PartySummary | null;
  appraiser: { id: string; name: string } | null;
}

const GET_PATH = '/trpc/assignments.get';

const party = (alias: string) => `json_build_object('id', ${alias}.id, 'kind', ${alias}.kind, 'name', ${alias}.name,
  'email', ${alias}.email, 'phone', ${alias}.phone, 'organizationNumber', ${alias}.organization_number)`;
const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const GET_SQL = `select a.id, a.reference, a.type, a.status, a.status_before_hold as "statusBeforeHold", a.version,
    a.due_date as "dueDate", a.notes,
    to_char(a.created_at at time zone 'UTC', ${ISO_MS}) as "createdAt",
    to_char(a.updated_at at time zone 'UTC', ${ISO_MS}) as "updatedAt",
    json_build_object('id', p.id, 'street', p.street, 'postalCode', p.postal_code, 'city', p.city,
      'unitNumber', p.unit_number, 'municipality', p.municipality, 'gnr', p.gnr, 'bnr', p.bnr, 'fnr', p.fnr,
      'snr', p.snr, 'cadastreId', p.cadastre_id, 'cooperativeOrganizationNumber', p.cooperative_organization_number,
      'shareNumber', p.share_number) as property,
    ${party('c')} as client,
    ${party('pay')} as payer,
    case when b.id is null then null else ${party('b')} end as broker,
    case when ap.id is null then null else json_build_object('id', ap.id, 'name', ap.name) end as appraiser
  from assignments a
  join properties p on p.id = a.property_id
  join parties c on c.id = a.client_id
  join parties pay on pay.id = a.payer_id
  left join parties b on b.id = a.broker_id
  left join appraisers ap on ap.id = a.appraiser_id
  where a.id = $1`;

// The DTO carries dates as YYYY-MM-DD; pg would otherwise turn them into local-midnight Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

function toProperty(p: PropertyRow) {
  const { municipality, gnr, bnr } = p;
  return {
    id: p.id,
    address: { street: p.street, postalCode: p.postalCode, city: p.city, unitNumber: p.unitNumber },
    cadastre:
      p.cadastreId && municipality && gnr !== null && bnr !== null
        ? { municipality, gnr, bnr, fnr: p.fnr ?? 0, snr: p.snr ?? 0, id: p.cadastreId }
        : null,
    share:
      p.cooperativeOrganizationNumber && p.shareNumber
        ? { organizationNumber: p.cooperativeOrganizationNumber, shareNumber: p.shareNumber }
        : null,
  };
}

// The party and appraiser summaries come out of PostgreSQL already in the DTO's shape.
function toDto(row: AssignmentRow) {
  return {
    id: row.id,
    reference: row.reference,
    type: row.type,
    status: row.status,
    statusBeforeHold: row.statusBeforeHold,
    version: row.version,
    property: toProperty(row.property),
    client: row.client,
    payer: row.payer,
    broker: row.broker,
    appraiser: row.appraiser,
    dueDate: row.dueDate,
    notes: row.notes,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function idFromInput(input: string | null): string | null {
  if (!input) return null;
  const parsed = JSON.parse(input) as { 0?: { id?: unknown } };
  const id = parsed[0]?.id;
  return typeof id === 'string' ? id : null;
}

async function getAssignment(url: URL, res: ServerResponse): Promise<void> {
  const id = idFromInput(url.searchParams.get('input'));
  if (!id) return send(res, 400, [{ error: { message: 'input must be {"0":{"id":"..."}}' } }]);
  // Prepared, as the takst server's read is: the floor skips parsing and planning too.
  const result = await pool.query<AssignmentRow>({ name: 'assignment_by_id', text: GET_SQL, values: [id] });
  const row = result.rows[0];
  if (!row) return send(res, 404, [{ error: { message: `no assignment ${id}` } }]);
  send(res, 200, [{ result: { data: toDto(row) } }]);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://raw');
  if (req.method === 'GET' && url.pathname === GET_PATH) return getAssignment(url, res);
  if (req.method === 'GET' && url.pathname === '/readyz') {
    await pool.query('select 1');
    return send(res, 200, { status: 'ready' });
  }
  send(res, 404, { error: 'not found' });
}

const server = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    console.error('raw server:', error);
    if (!res.headersSent) send(res, 500, [{ error: { message: 'internal error' } }]);
  });
});

function shutdown(): void {
  server.close(() => {
    pool.end().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  server.closeAllConnections();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
