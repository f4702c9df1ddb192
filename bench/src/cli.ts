/**
 * The `takst` CLI's bulk import and export against the requirement of issue 5 (docs/performance.md):
 *
 *   npm run bench:cli                 # from the repository root; the table goes to stdout
 *
 * 1. Builds the CLI and the server.
 * 2. Import: a fresh database (CLI_BENCH_DATABASE, takst_bench_cli) and a CSV of CLI_BENCH_ROWS
 *    (100,000) rows in the CLI's default columns, each with its own external ref, so every row is
 *    new. The same rows (src/bulk.ts's `item`) go through a raw `pg` multi-row INSERT into a second
 *    fresh database (…_raw) as the baseline, in the same run. Then `takst import <file.csv>` runs as
 *    a child process against the server, its and the server's RSS sampled every 200 ms.
 * 3. Export: a server on the existing takst_bench_export (1,050,000 assignments, seeded for the
 *    export bench) and `takst export --format ndjson -o <tmp file>`, timed and sampled the same way.
 *    Skipped, with a note, when that database does not exist.
 * 4. Prints a markdown table and whether each target is met; removes the temp files, stops servers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { databaseUrl, freshDatabase, importRaw, item, processStats, type Server, startServer } from './bulk';
import { runCommand } from './lib/processes';

const repoRoot = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const adminUrl = process.env.BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const importDatabase = process.env.CLI_BENCH_DATABASE || 'takst_bench_cli';
const exportDatabase = process.env.CLI_BENCH_EXPORT_DATABASE || 'takst_bench_export';
const rows = Number(process.env.CLI_BENCH_ROWS || 100_000);
const stepTimeoutMs = Number(process.env.CLI_BENCH_STEP_TIMEOUT_S || 300) * 1000;
const cliPath = path.join(repoRoot, 'apps/cli/dist/takst.js');
const SAMPLE_MS = 200;

const serverEnv = {
  TAKST_RATE_LIMIT_PER_SECOND: '1000000',
  TAKST_RATE_LIMIT_BURST: '1000000',
  TAKST_WEBHOOK_WORKER: 'false',
  LOG_LEVEL: 'warn',
};

const log = (message: string) => process.stderr.write(`${message}\n`);

const children = new Set<ChildProcess>();
const servers = new Set<Server>();
process.once('SIGINT', () => {
  for (const child of children) child.kill('SIGKILL');
  Promise.all([...servers].map((server) => server.stop())).finally(() => process.exit(130));
});

async function start(name: string): Promise<Server> {
  const server = await startServer(name, serverEnv);
  const ready = await fetch(`${server.url}/readyz`).catch(() => undefined);
  if (!ready?.ok) {
    await server.stop();
    throw new Error(`the server on ${name} did not become ready`);
  }
  servers.add(server);
  return server;
}

async function stop(server: Server) {
  servers.delete(server);
  await server.stop();
}

async function databaseExists(name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

async function countAssignments(name: string) {
  const client = new pg.Client({ connectionString: databaseUrl(name) });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('select count(*) as n from assignments')).rows[0]?.n);
  } finally {
    await client.end();
  }
}

const CSV_COLUMNS = [
  'external_system',
  'external_id',
  'type',
  'street',
  'postal_code',
  'city',
  'municipality',
  'gnr',
  'bnr',
  'client_name',
  'client_email',
  'client_phone',
  'client_org_number',
  'due_date',
  'notes',
] as const;

const csvField = (value: string | number | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows `from`…`from + count - 1` of bulk.ts's `item`, as a CSV in the CLI's default columns. */
async function writeCsv(file: string, from: number, count: number, system: string) {
  const out = createWriteStream(file);
  const write = (line: string) => (out.write(line) ? undefined : once(out, 'drain'));
  await write(`${CSV_COLUMNS.join(',')}\n`);
  for (let i = from; i < from + count; i++) {
    const { key, assignment } = item(i);
    const { property, client } = assignment;
    const fields = [
      system,
      key.externalRef.externalId,
      assignment.type,
      property.address.street,
      property.address.postalCode,
      property.address.city,
      property.cadastre.municipality,
      property.cadastre.gnr,
      property.cadastre.bnr,
      client.name,
      client.email,
      client.phone,
      client.organizationNumber,
      assignment.dueDate,
      assignment.notes,
    ];
    await write(`${fields.map(csvField).join(',')}\n`);
  }
  out.end();
  await once(out, 'finish');
}

interface CliRun {
  seconds: number;
  cliPeakRssMb: number;
  serverPeakRssMb: number;
}

/** Runs the built CLI as a child process, sampling its and the server's RSS every 200 ms. */
async function runCli(server: Server, args: string[], configHome: string): Promise<CliRun> {
  let cliPeakRssMb = 0;
  let serverPeakRssMb = 0;
  const started = performance.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      TAKST_URL: server.url,
      TAKST_API_KEY: server.key,
      XDG_CONFIG_HOME: configHome,
    },
    stdio: ['ignore', 2, 2],
  });
  children.add(child);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const sample = () => {
    try {
      serverPeakRssMb = Math.max(serverPeakRssMb, processStats(server.pid).rssMb);
      if (child.pid !== undefined && child.exitCode === null) {
        cliPeakRssMb = Math.max(cliPeakRssMb, processStats(child.pid).rssMb);
      }
    } catch {} // the child exited between the check and the read
  };
  sample();
  const timer = setInterval(sample, SAMPLE_MS);
  const timeout = setTimeout(() => child.kill('SIGKILL'), stepTimeoutMs);
  try {
    const [code, signal] = await exited;
    if (code !== 0) throw new Error(`takst ${args[0]} exited with ${code ?? signal}`);
  } finally {
    clearInterval(timer);
    clearTimeout(timeout);
    children.delete(child);
  }
  const seconds = (performance.now() - started) / 1000;
  sample();
  return { seconds, cliPeakRssMb, serverPeakRssMb };
}

async function countLines(file: string) {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(10);
    while (at !== -1) {
      lines += 1;
      at = chunk.indexOf(10, at + 1);
    }
  }
  return lines;
}

interface Row {
  step: string;
  rows: number;
  seconds: number;
  baselineRate?: number;
  cliPeakRssMb?: number;
  serverPeakRssMb?: number;
}

async function benchImport(dir: string): Promise<{ cli: Row; raw: Row }> {
  const rawDatabase = `${importDatabase}_raw`;
  log(`fresh databases ${importDatabase} and ${rawDatabase}`);
  await freshDatabase(importDatabase);
  await freshDatabase(rawDatabase);
  const migrator = await start(rawDatabase); // applies the migrations, so both have the same schema
  await stop(migrator);

  log(`writing ${rows} rows of CSV`);
  const csv = path.join(dir, 'assignments.csv');
  await writeCsv(csv, 0, rows, 'bench');
  const warmUp = path.join(dir, 'warm-up.csv');
  await writeCsv(warmUp, rows, 500, 'bench-warm-up');

  log('baseline: raw pg multi-row INSERT of the same rows');
  const raw = await importRaw(databaseUrl(rawDatabase), rows);
  const rawRate = rows / raw.seconds;
  log(`  ${raw.seconds.toFixed(1)} s, ${Math.round(rawRate)} rows/s`);

  const server = await start(importDatabase);
  try {
    log('warm-up: takst import of 500 other rows');
    await runCli(server, ['import', warmUp], dir);
    log(`takst import of ${rows} rows`);
    const run = await runCli(server, ['import', csv], dir);
    const stored = await countAssignments(importDatabase);
    if (stored !== rows + 500) throw new Error(`expected ${rows + 500} assignments after the import, found ${stored}`);
    return {
      cli: { step: '`takst import` (CSV)', rows, ...run, baselineRate: rawRate },
      raw: { step: 'baseline: raw `pg` multi-row INSERT', rows, seconds: raw.seconds },
    };
  } finally {
    await stop(server);
  }
}

async function benchExport(dir: string): Promise<Row | undefined> {
  if (!(await databaseExists(exportDatabase))) {
    log(`no database ${exportDatabase}: export skipped (seed it for src/bulk.ts export first)`);
    return undefined;
  }
  const server = await start(exportDatabase);
  try {
    const expected = await countAssignments(exportDatabase);
    const file = path.join(dir, 'export.ndjson');
    log(`takst export --format ndjson of ${expected} rows`);
    const run = await runCli(server, ['export', '--format', 'ndjson', '-o', file], dir);
    const lines = await countLines(file);
    if (lines !== expected) throw new Error(`the export has ${lines} lines, the database ${expected} assignments`);
    rmSync(file, { force: true });
    return { step: '`takst export --format ndjson`', rows: lines, ...run };
  } finally {
    await stop(server);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function table(rowsOut: Row[]) {
  const lines = [
    '| step | rows | seconds | rows/s | baseline rows/s | ratio | CLI peak RSS MB | server peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rowsOut) {
    const rate = r.rows / r.seconds;
    lines.push(
      `| ${r.step} | ${fmt(r.rows)} | ${r.seconds.toFixed(1)} | ${fmt(rate)} | ${r.baselineRate ? fmt(r.baselineRate) : ''} | ${
        r.baselineRate ? `${(r.baselineRate / rate).toFixed(2)}×` : ''
      } | ${r.cliPeakRssMb ?? ''} | ${r.serverPeakRssMb ?? ''} |`,
    );
  }
  return lines.join('\n');
}

async function main() {
  log('building the CLI and the server');
  await runCommand('npm', ['run', 'build', '-w', '@takst/cli'], repoRoot, stepTimeoutMs, true);
  await runCommand('npm', ['run', 'build', '-w', '@takst/server'], repoRoot, stepTimeoutMs, true);
  const dir = mkdtempSync(path.join(tmpdir(), 'takst-bench-cli-'));
  try {
    const { cli, raw } = await benchImport(dir);
    const exported = await benchExport(dir);
    const out = [cli, raw, ...(exported ? [exported] : [])];
    const importRate = cli.rows / cli.seconds;
    const ratio = (cli.baselineRate ?? 0) / importRate;
    const met = (ok: boolean) => (ok ? 'met' : '**not met**');
    const targets = [
      `- import ≥ 2,000 rows/s: ${fmt(importRate)} rows/s — ${met(importRate >= 2000)}`,
      `- import no slower than 3× the raw INSERT: ${ratio.toFixed(2)}× — ${met(ratio <= 3)}`,
    ];
    if (exported) {
      const exportRate = exported.rows / exported.seconds;
      targets.push(
        `- export ≥ 20,000 rows/s: ${fmt(exportRate)} rows/s — ${met(exportRate >= 20_000)}`,
        `- export CLI < 200 MB RSS: ${exported.cliPeakRssMb} MB — ${met((exported.cliPeakRssMb ?? 0) < 200)}`,
        `- export server < 300 MB RSS: ${exported.serverPeakRssMb} MB — ${met((exported.serverPeakRssMb ?? 0) < 300)}`,
      );
    } else targets.push(`- export: not measured (no database ${exportDatabase})`);
    process.stdout.write(`${table(out)}\n\n${targets.join('\n')}\n`);
  } finally {
    log(`removing ${dir} (${readdirSync(dir).join(', ') || 'empty'})`);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
