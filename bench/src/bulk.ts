/**
 * Quick timing of the bulk procedures against a raw `pg` baseline (docs/bulk.md).
 *
 *   npx tsx src/bulk.ts import        # BULK_ROWS (100,000) assignments through assignments.bulkUpsert
 *   npx tsx src/bulk.ts export        # every assignment through assignments.export and the NDJSON route
 *
 * Starts the built server (apps/server/dist/main.js) on its own database, takst_bench_bulk.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { BENCH_SECRETS_KEY } from './lib/secrets-key';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const serverUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const database = process.env.BULK_DATABASE || 'takst_bench_bulk';
const rows = Number(process.env.BULK_ROWS || 100_000);
const perCall = Number(process.env.BULK_PER_CALL || 500);
const concurrency = Number(process.env.BULK_CONCURRENCY || 2);

export const databaseUrl = (name: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function freshDatabase(name: string) {
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  // Every statement's duration in the server log, to see where a call's time goes.
  if (process.env.BULK_LOG_STATEMENTS) await admin(`alter database ${name} set log_min_duration_statement = 0`);
}

export interface Server {
  url: string;
  key: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startServer(name: string, extraEnv: Record<string, string> = {}): Promise<Server> {
  const key = `tk_${randomBytes(32).toString('base64url')}`;
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const nodeOptions = process.env.BULK_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeOptions, path.join(repoRoot, 'apps/server/dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: databaseUrl(name),
      PORT: String(port),
      LOG_LEVEL: 'warn',
      TAKST_BOOTSTRAP_ADMIN_KEY: key,
      TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
      TAKST_RATE_LIMIT_PER_SECOND: '100000',
      TAKST_RATE_LIMIT_BURST: '100000',
      ...extraEnv,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    key,
    pid: child.pid as number,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime of a process in milliseconds, and its RSS in MB. */
export function processStats(pid: number) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const cpuMs = ((Number(stat[11]) + Number(stat[12])) * 1000) / 100;
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return { cpuMs, rssMb: Math.round(Number(rss) / 1024) };
}

const ORGS = ['923609016', '974760673', '982463718', '987654325', '912345673'];
const CITIES = [
  ['0301', 'Oslo', '0150'],
  ['4601', 'Bergen', '5003'],
  ['5001', 'Trondheim', '7010'],
] as const;

/** Notes for every row; a second pass with other notes updates every assignment. */
let notesPrefix = 'Imported row';

/** The item of CSV row `i`: a property of its own, a person or one of a few organisations as client. */
export function item(i: number) {
  const [municipality, city, postalCode] = CITIES[i % CITIES.length] ?? CITIES[0];
  const organization = i % 10 === 0 ? ORGS[i % ORGS.length] : undefined;
  return {
    key: { externalRef: { system: 'bench', externalId: `row-${i}` } },
    assignment: {
      type: i % 3 === 0 ? 'valuation' : 'condition_report',
      property: {
        address: { street: `Testveien ${i % 500}`, postalCode, city },
        cadastre: { municipality, gnr: 1 + Math.floor(i / 1000), bnr: 1 + (i % 1000) },
      },
      client: organization
        ? { name: `Firma ${organization}`, organizationNumber: organization }
        : { name: `Kari Nordmann ${i}`, email: `kari${i}@example.no`, phone: '+47 912 34 567' },
      dueDate: '2027-01-15',
      notes: `${notesPrefix} ${i}`,
    },
  };
}

async function callBulk(server: Server, items: unknown[], key: string) {
  const response = await fetch(`${server.url}/trpc/assignments.bulkUpsert`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${server.key}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify({ items }),
  });
  const body = (await response.json()) as { result?: { data: { counts: Record<string, number> } } };
  if (!response.ok || !body.result) throw new Error(`bulkUpsert answered ${response.status}: ${JSON.stringify(body)}`);
  return body.result.data.counts;
}

/** CPU milliseconds of the PostgreSQL backends serving `name` (the pool keeps them for the run). */
async function backendCpuMs(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows: backends } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1',
      [name],
    );
    let total = 0;
    for (const { pid } of backends) {
      try {
        total += processStats(pid).cpuMs;
      } catch {}
    }
    return total;
  } finally {
    await client.end();
  }
}

async function importThroughApi(server: Server) {
  const totals: Record<string, number> = {};
  let next = 0;
  const before = processStats(server.pid);
  const pgBefore = await backendCpuMs(database);
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < rows) {
      const from = next;
      next += perCall;
      const items = Array.from({ length: Math.min(perCall, rows - from) }, (_, j) => item(from + j));
      const counts = await callBulk(server, items, `bench-${from}-${randomBytes(4).toString('hex')}`);
      for (const [status, n] of Object.entries(counts)) totals[status] = (totals[status] ?? 0) + n;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  const after = processStats(server.pid);
  const pgCpuMs = (await backendCpuMs(database)) - pgBefore;
  const client = process.cpuUsage(clientBefore);
  return {
    seconds,
    totals,
    serverCpuMs: after.cpuMs - before.cpuMs,
    pgCpuMs,
    clientCpuMs: (client.user + client.system) / 1000,
    rssMb: after.rssMb,
  };
}

/** The same rows (properties, parties, assignments) with plain multi-row INSERTs of 1,000 rows. */
export async function importRaw(url: string, count = rows) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  const now = new Date().toISOString();
  const orgIds = new Map<string, string>();
  for (let from = 0; from < count; from += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - from) }, (_, j) => item(from + j));
    const properties: unknown[] = [];
    const parties: unknown[] = [];
    const assignments: unknown[] = [];
    batch.forEach((it, j) => {
      const propertyId = crypto.randomUUID();
      const p = it.assignment.property;
      properties.push(
        propertyId,
        p.cadastre.municipality,
        p.cadastre.gnr,
        p.cadastre.bnr,
        `${p.cadastre.municipality}-${p.cadastre.gnr}-${p.cadastre.bnr}-0-0`,
        p.address.street,
        p.address.postalCode,
        p.address.city,
        now,
      );
      const c = it.assignment.client;
      let clientId = c.organizationNumber ? orgIds.get(c.organizationNumber) : undefined;
      if (!clientId) {
        clientId = crypto.randomUUID();
        if (c.organizationNumber) orgIds.set(c.organizationNumber, clientId);
        parties.push(
          clientId,
          c.organizationNumber ? 'organization' : 'person',
          c.name,
          c.email ?? null,
          c.phone ?? null,
          c.organizationNumber ?? null,
          now,
        );
      }
      assignments.push(
        crypto.randomUUID(),
        `R-${from + j}`,
        it.assignment.type,
        'received',
        propertyId,
        clientId,
        clientId,
        it.assignment.dueDate,
        it.assignment.notes,
        now,
      );
    });
    const values = (n: number, width: number, cast = '') =>
      Array.from(
        { length: n },
        (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}${cast}`).join(', ')})`,
      ).join(', ');
    await client.query('begin');
    await client.query(
      `insert into properties (id, municipality, gnr, bnr, fnr, snr, cadastre_id, street, postal_code, city, created_at, updated_at)
       select id::uuid, m, gnr::int, bnr::int, 0, 0, cid, s, pc, ci, at::timestamptz, at::timestamptz
       from (values ${values(properties.length / 9, 9)}) v(id, m, gnr, bnr, cid, s, pc, ci, at)`,
      properties,
    );
    if (parties.length > 0) {
      await client.query(
        `insert into parties (id, kind, name, email, phone, organization_number, created_at, updated_at)
         select id::uuid, k, n, e, p, o, at::timestamptz, at::timestamptz from (values ${values(parties.length / 7, 7)}) v(id, k, n, e, p, o, at)`,
        parties,
      );
    }
    await client.query(
      `insert into assignments (id, reference, type, status, property_id, client_id, payer_id, due_date, notes, created_at, updated_at)
       select id::uuid, r, t, s, p::uuid, c::uuid, pay::uuid, d::date, n, at::timestamptz, at::timestamptz
       from (values ${values(assignments.length / 10, 10)}) v(id, r, t, s, p, c, pay, d, n, at)`,
      assignments,
    );
    await client.query('commit');
  }
  const seconds = (performance.now() - started) / 1000;
  await client.end();
  return { seconds };
}

async function runImport() {
  const rawDatabase = `${database}_raw`;
  await freshDatabase(database);
  await freshDatabase(rawDatabase);
  const rawServer = await startServer(rawDatabase); // applies the migrations, so both have the same schema
  await rawServer.stop();
  const server = await startServer(database);
  try {
    // A first small call warms the server up (JIT, pools, prepared metadata).
    await callBulk(
      server,
      Array.from({ length: 50 }, (_, j) => item(rows + j)),
      'warm-up',
    );
    const api = await importThroughApi(server);
    const raw = await importRaw(databaseUrl(rawDatabase));
    // Again: every row unchanged; then with other notes: every row updated (one by one).
    const again = process.env.BULK_AGAIN ? await importThroughApi(server) : undefined;
    notesPrefix = 'Updated row';
    const updated = process.env.BULK_AGAIN ? await importThroughApi(server) : undefined;
    for (const [name, pass] of Object.entries({ again, updated })) {
      if (pass) console.log(name, Math.round(rows / pass.seconds), 'rows/s', JSON.stringify(pass.totals));
    }
    const apiRate = rows / api.seconds;
    const rawRate = rows / raw.seconds;
    console.log(
      JSON.stringify(
        {
          rows,
          perCall,
          concurrency,
          api: {
            seconds: api.seconds.toFixed(1),
            rowsPerSecond: Math.round(apiRate),
            totals: api.totals,
            serverCpuUsPerRow: Math.round((api.serverCpuMs * 1000) / rows),
            postgresCpuUsPerRow: Math.round((api.pgCpuMs * 1000) / rows),
            clientCpuUsPerRow: Math.round((api.clientCpuMs * 1000) / rows),
            serverRssMb: api.rssMb,
          },
          raw: { seconds: raw.seconds.toFixed(1), rowsPerSecond: Math.round(rawRate) },
          apiTimesSlowerThanRaw: (rawRate / apiRate).toFixed(2),
        },
        null,
        2,
      ),
    );
  } finally {
    await server.stop();
  }
}

/** Samples the server's RSS while `work` runs; returns the work's result and the peak. */
export async function withPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peakRssMb = 0;
  const sample = () => {
    peakRssMb = Math.max(peakRssMb, processStats(pid).rssMb);
  };
  const timer = setInterval(sample, 100);
  try {
    const result = await work();
    sample();
    return { result, peakRssMb };
  } finally {
    clearInterval(timer);
  }
}

/** Reads the NDJSON export to its end, counting lines and bytes without keeping them. */
async function exportNdjson(server: Server) {
  const response = await fetch(`${server.url}/api/assignments/export.ndjson`, {
    headers: { authorization: `Bearer ${server.key}` },
  });
  if (!response.ok || !response.body) throw new Error(`NDJSON export answered ${response.status}`);
  let lines = 0;
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) lines += 1;
  }
  return { lines, bytes };
}

/** Follows assignments.export page by page, as a TypeScript client would. */
async function exportPages(server: Server, limit: number) {
  let continuation: string | null = null;
  let lines = 0;
  do {
    const input = encodeURIComponent(JSON.stringify({ limit, ...(continuation ? { continuation } : {}) }));
    const response = await fetch(`${server.url}/trpc/assignments.export?input=${input}`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    const body = (await response.json()) as { result: { data: { items: unknown[]; continuation: string | null } } };
    lines += body.result.data.items.length;
    continuation = body.result.data.continuation;
  } while (continuation);
  return { lines };
}

async function measureExport(server: Server, name: string, work: () => Promise<{ lines: number; bytes?: number }>) {
  const before = processStats(server.pid);
  const pgBefore = await backendCpuMs(database);
  const started = performance.now();
  const { result, peakRssMb } = await withPeakRss(server.pid, work);
  const seconds = (performance.now() - started) / 1000;
  const serverCpuMs = processStats(server.pid).cpuMs - before.cpuMs;
  const pgCpuMs = (await backendCpuMs(database)) - pgBefore;
  console.log(
    JSON.stringify({
      name,
      lines: result.lines,
      megabytes: result.bytes ? Math.round(result.bytes / 1e6) : undefined,
      seconds: seconds.toFixed(1),
      rowsPerSecond: Math.round(result.lines / seconds),
      serverCpuUsPerRow: ((serverCpuMs * 1000) / result.lines).toFixed(1),
      postgresCpuUsPerRow: ((pgCpuMs * 1000) / result.lines).toFixed(1),
      serverPeakRssMb: peakRssMb,
    }),
  );
}

/** Exports every assignment of BULK_DATABASE (seed it first), as NDJSON and through tRPC pages. */
async function runExport() {
  const server = await startServer(database);
  try {
    const pageSize = Number(process.env.BULK_PAGE_SIZE || 5_000);
    const which = process.env.BULK_EXPORT || 'ndjson,trpc';
    // The server's memory as an import leaves it, when the export follows an import.
    if (process.env.BULK_IMPORT_FIRST) {
      const imported = await importThroughApi(server);
      console.log(JSON.stringify({ importedFirst: imported.totals, serverRssMb: imported.rssMb }));
    }
    if (which.includes('ndjson')) await measureExport(server, 'ndjson', () => exportNdjson(server));
    if (which.includes('trpc'))
      await measureExport(server, `trpc pages of ${pageSize}`, () => exportPages(server, pageSize));
  } finally {
    await server.stop();
  }
}

// Run only as a script, not when another bench (src/cli.ts) imports its pieces.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2] ?? 'import';
  if (mode === 'import') await runImport();
  else if (mode === 'export') await runExport();
  else throw new Error(`unknown mode ${mode}`);
}
