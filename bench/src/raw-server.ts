/**
 * The baseline: the least a Node server must do to answer `assignments.get` with the same JSON
 * as the takst server (plain node:http, a pg.Pool, one query, hand-written mapping, no auth).
 * Run as its own process so its CPU can be read from /proc. Env: DATABASE_URL, PORT, HOST.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

interface AssignmentRow {
  id: string;
  reference: string;
  type: string;
  status: string;
  version: number;
  property_street: string;
  property_postal_code: string;
  property_city: string;
  cadastre_municipality: string | null;
  cadastre_gnr: number | null;
  cadastre_bnr: number | null;
  cadastre_fnr: number | null;
  cadastre_snr: number | null;
  client_name: string;
  client_email: string | null;
  client_phone: string | null;
  client_organization_number: string | null;
  due_date: string | null;
  notes: string | null;
  created_at: Date;
  updated_at: Date;
}

const GET_PATH = '/trpc/assignments.get';

// The DTO carries dates as YYYY-MM-DD; pg would otherwise turn them into local-midnight Dates.
pg.types.setTypeParser(pg.types.builtins.DATE, (value: string) => value);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

function cadastreOf(row: AssignmentRow) {
  if (row.cadastre_municipality === null || row.cadastre_gnr === null || row.cadastre_bnr === null) return null;
  const cadastre = {
    municipality: row.cadastre_municipality,
    gnr: row.cadastre_gnr,
    bnr: row.cadastre_bnr,
    fnr: row.cadastre_fnr ?? 0,
    snr: row.cadastre_snr ?? 0,
  };
  const id = `${cadastre.municipality}-${cadastre.gnr}-${cadastre.bnr}-${cadastre.fnr}-${cadastre.snr}`;
  return { ...cadastre, id };
}

function toDto(row: AssignmentRow) {
  return {
    id: row.id,
    reference: row.reference,
    type: row.type,
    status: row.status,
    version: row.version,
    property: {
      address: { street: row.property_street, postalCode: row.property_postal_code, city: row.property_city },
      cadastre: cadastreOf(row),
    },
    client: {
      name: row.client_name,
      email: row.client_email,
      phone: row.client_phone,
      organizationNumber: row.client_organization_number,
    },
    dueDate: row.due_date,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
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
  const result = await pool.query<AssignmentRow>('select * from assignments where id = $1', [id]);
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
