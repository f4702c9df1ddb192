/**
 * The kill loop: writers send keyed mutations to a server while the server is killed with
 * SIGKILL and started again, over and over; each writer retries its write under the same key
 * until it is acknowledged. Afterwards the database is checked: every acknowledged write is
 * there exactly once, no write (acknowledged or not) happened twice, every change has exactly
 * one event, and the event sequence has no gap. See docs/reliability.md.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';
import { startProcess, waitUntilReady } from '../lib/processes';
import { BENCH_SECRETS_KEY } from '../lib/secrets-key';

export interface KillLoopOptions {
  /** An empty database of its own; the server migrates it. */
  databaseUrl: string;
  /** The built server, `apps/server/dist/main.js`. */
  mainJs: string;
  port: number;
  adminKey: string;
  writers: number;
  kills: number;
  /** A kill comes after a random pause in this range once the server is ready. */
  killAfterMs: readonly [number, number];
  /** Told what happens, a line at a time. */
  log?: (line: string) => void;
}

export interface KillLoopReport {
  kills: number;
  durationMs: number;
  writes: { attempted: number; acknowledged: number; refused: number; gaveUp: number };
  /** How the attempts (first tries and retries) ended: HTTP status, or `no answer`. */
  answers: Record<string, number>;
  retries: number;
  lost: number;
  duplicated: number;
  wrongAnswer: number;
  events: { total: number; gaps: number; missing: number; duplicated: number };
}

type WriteKind = 'assignments.create' | 'notes.add';

interface Write {
  kind: WriteKind;
  key: string;
  marker: string;
  input: unknown;
  acknowledgedId: string | null;
  refused: boolean;
  gaveUp: boolean;
}

const RETRY_PAUSE_MS = 150;
const GIVE_UP_AFTER_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const between = ([low, high]: readonly [number, number]) => low + Math.floor(Math.random() * (high - low + 1));

class ServerUnderTest {
  #child: ChildProcess | null = null;
  readonly url: string;

  constructor(private readonly options: KillLoopOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  async start(): Promise<void> {
    const { mainJs, databaseUrl, port, adminKey } = this.options;
    const started = startProcess('takst server', process.execPath, [mainJs], {
      cwd: process.cwd(),
      stdoutToStderr: true,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: databaseUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        TAKST_BOOTSTRAP_ADMIN_KEY: adminKey,
        TAKST_SECRETS_KEY: BENCH_SECRETS_KEY,
        TAKST_RATE_LIMIT_PER_SECOND: '1000000',
        TAKST_RATE_LIMIT_BURST: '1000000',
      },
    });
    this.#child = started.child;
    await waitUntilReady(started, `${this.url}/readyz`, READY_TIMEOUT_MS);
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

/**
 * A unique tag for one write's text, with no run of digits longer than four: a random UUID can
 * hold eleven digits in a row that pass as a national identity number, and the platform rightly
 * refuses text with one (one such 400 in about a dozen scale-out runs).
 */
export function writeMarker(prefix: string): string {
  return `${prefix} ${randomUUID()
    .replaceAll('-', '')
    .replace(/.{4}(?!$)/g, '$&-')}`;
}

/** A new assignment whose notes carry `marker`, so the write can be found by it afterwards. */
export function createInput(marker: string) {
  return {
    type: 'condition_report',
    property: { address: { street: 'Kill Loop gate 1', postalCode: '0155', city: 'Oslo' } },
    client: { name: 'Kari Nordmann' },
    notes: marker,
  };
}

/** Sends one write until it is acknowledged or refused, retrying under its key; counts every answer. */
async function send(server: ServerUnderTest, adminKey: string, write: Write, report: KillLoopReport): Promise<void> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) report.retries++;
    let status: string;
    try {
      const response = await fetch(`${server.url}/trpc/${write.kind}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${adminKey}`,
          'content-type': 'application/json',
          'idempotency-key': write.key,
        },
        body: JSON.stringify(write.input),
        signal: AbortSignal.timeout(10_000),
      });
      status = String(response.status);
      const body = (await response.json()) as { result?: { data: { id: string } } };
      report.answers[status] = (report.answers[status] ?? 0) + 1;
      if (response.status === 200) {
        write.acknowledgedId = body.result?.data.id ?? null;
        return;
      }
      if (response.status < 500 && response.status !== 429) {
        write.refused = true;
        return;
      }
    } catch {
      report.answers['no answer'] = (report.answers['no answer'] ?? 0) + 1;
    }
    if (Date.now() - started > GIVE_UP_AFTER_MS) {
      write.gaveUp = true;
      return;
    }
    await sleep(RETRY_PAUSE_MS);
  }
}

export async function runKillLoop(options: KillLoopOptions): Promise<KillLoopReport> {
  const log = options.log ?? (() => {});
  const report: KillLoopReport = {
    kills: 0,
    durationMs: 0,
    writes: { attempted: 0, acknowledged: 0, refused: 0, gaveUp: 0 },
    answers: {},
    retries: 0,
    lost: 0,
    duplicated: 0,
    wrongAnswer: 0,
    events: { total: 0, gaps: 0, missing: 0, duplicated: 0 },
  };
  const began = Date.now();
  const server = new ServerUnderTest(options);
  const writes: Write[] = [];
  let writing = true;
  await server.start();

  const writer = async (n: number) => {
    while (writing) {
      const acknowledgedCreates = writes.filter((w) => w.kind === 'assignments.create' && w.acknowledgedId);
      const target = acknowledgedCreates[Math.floor(Math.random() * acknowledgedCreates.length)];
      const marker = writeMarker(`kill-loop ${n}`);
      const write: Write =
        target && Math.random() < 0.3
          ? {
              kind: 'notes.add',
              key: randomUUID(),
              marker,
              input: { assignmentId: target.acknowledgedId, author: 'kill loop', text: marker },
              acknowledgedId: null,
              refused: false,
              gaveUp: false,
            }
          : {
              kind: 'assignments.create',
              key: randomUUID(),
              marker,
              input: createInput(marker),
              acknowledgedId: null,
              refused: false,
              gaveUp: false,
            };
      writes.push(write);
      await send(server, options.adminKey, write, report);
    }
  };
  const writers = Array.from({ length: options.writers }, (_, n) => writer(n));

  try {
    for (let kill = 1; kill <= options.kills; kill++) {
      await sleep(between(options.killAfterMs));
      await server.kill('SIGKILL');
      report.kills++;
      log(`kill ${kill}/${options.kills}: ${writes.length} writes so far`);
      await server.start();
    }
    await sleep(between(options.killAfterMs));
    writing = false;
    await Promise.all(writers);
  } finally {
    writing = false;
    await server.kill('SIGTERM');
  }
  report.durationMs = Date.now() - began;
  await check(options.databaseUrl, writes, report);
  return report;
}

async function check(databaseUrl: string, writes: Write[], report: KillLoopReport): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rowsOf = async (kind: WriteKind) => {
      const sql =
        kind === 'assignments.create'
          ? `select notes as marker, array_agg(id::text) as ids from assignments where notes like 'kill-loop %' group by notes`
          : `select text as marker, array_agg(id::text) as ids from notes where text like 'kill-loop %' group by text`;
      const { rows } = await client.query<{ marker: string; ids: string[] }>(sql);
      return new Map(rows.map((row) => [row.marker, row.ids]));
    };
    const stored = { 'assignments.create': await rowsOf('assignments.create'), 'notes.add': await rowsOf('notes.add') };
    for (const write of writes) {
      report.writes.attempted++;
      if (write.refused) report.writes.refused++;
      if (write.gaveUp) report.writes.gaveUp++;
      const ids = stored[write.kind].get(write.marker) ?? [];
      if (ids.length > 1) report.duplicated++;
      if (!write.acknowledgedId) continue;
      report.writes.acknowledged++;
      if (ids.length === 0) report.lost++;
      else if (!ids.includes(write.acknowledgedId)) report.wrongAnswer++;
    }
    const { rows: sequence } = await client.query<{ total: number; gaps: number }>(
      `select count(*)::int as total, coalesce(max(sequence) - min(sequence) + 1 - count(*), 0)::int as gaps from events`,
    );
    report.events.total = sequence[0]?.total ?? 0;
    report.events.gaps = sequence[0]?.gaps ?? 0;
    // Every stored assignment and note has exactly one creation event.
    const { rows: eventCounts } = await client.query<{ missing: number; duplicated: number }>(
      `with made as (
         select id, 'assignment.created' as type from assignments where notes like 'kill-loop %'
         union all select id, 'note.added' from notes where text like 'kill-loop %'),
       counted as (
         select made.id, count(e.sequence) as n from made
         left join events e on e.entity_id = made.id and e.type = made.type group by made.id)
       select count(*) filter (where n = 0)::int as missing, count(*) filter (where n > 1)::int as duplicated from counted`,
    );
    report.events.missing = eventCounts[0]?.missing ?? 0;
    report.events.duplicated = eventCounts[0]?.duplicated ?? 0;
  } finally {
    await client.end();
  }
}

/** The report as a Markdown table, the way docs/reliability.md shows it. */
export function formatKillLoopReport(report: KillLoopReport): string {
  const rows: [string, string | number][] = [
    ['server SIGKILLs', report.kills],
    ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
    ['writes attempted', report.writes.attempted],
    ['writes acknowledged', report.writes.acknowledged],
    ['writes refused (4xx)', report.writes.refused],
    ['writes given up (no answer for 60 s)', report.writes.gaveUp],
    ['retries under the same key', report.retries],
    ['**acknowledged writes lost**', report.lost],
    ['**writes done twice**', report.duplicated],
    ['acknowledged with another row than stored', report.wrongAnswer],
    ['events', report.events.total],
    ['**events missing**', report.events.missing],
    ['events duplicated', report.events.duplicated],
    ['gaps in the event sequence', report.events.gaps],
    ...Object.entries(report.answers)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]): [string, number] => [`answers: ${status}`, count]),
  ];
  return ['| measure | value |', '| --- | ---: |', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}

/** True when the run shows no loss, no duplicate, no missing event and no server error. */
export function killLoopHeld(report: KillLoopReport): boolean {
  const serverErrors = Object.entries(report.answers).filter(([status]) => status.startsWith('5'));
  return (
    report.lost === 0 &&
    report.duplicated === 0 &&
    report.wrongAnswer === 0 &&
    report.writes.refused === 0 &&
    report.writes.gaveUp === 0 &&
    report.events.missing === 0 &&
    report.events.duplicated === 0 &&
    report.events.gaps === 0 &&
    serverErrors.length === 0
  );
}
