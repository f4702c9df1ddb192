/**
 * The reliability fuzzer: reads every procedure and its input schema from the server's own
 * OpenAPI document, seeds a few rows through the API, then sends valid, mutated and malformed
 * requests with some concurrency and checks every answer (see fuzz-check.ts). Plain functions,
 * so that the command (fuzz.ts) and the server's test suite (apps/server/test/fuzz.test.ts) run
 * the same code. See docs/reliability.md.
 */
import {
  buildCase,
  type CaseContext,
  errorCodesOf,
  type FuzzCase,
  type Keys,
  type Procedure,
  proceduresOf,
} from './fuzz-cases';
import { type CheckContext, checkAnswer, type Finding, isSuccess, type Step } from './fuzz-check';
import { type Answer, HttpClient } from './fuzz-http';
import { Known } from './fuzz-known';
import { inputText } from './fuzz-mutate';
import { Random } from './fuzz-random';
import { organizationNumber } from './fuzz-schema';

export interface FuzzOptions {
  /** The server, on a loopback address: `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** An admin API key. */
  apiKey: string;
  seed?: number;
  /** Requests to send after seeding (a case may send up to three). */
  requests?: number;
  concurrency?: number;
  /** Stop starting cases after this long. */
  maxDurationMs?: number;
  /** A request without an answer after this long is a finding. */
  timeoutMs?: number;
  /** A /healthz probe slower than this is a stall. */
  stallMs?: number;
  /** Run only these case numbers (to replay failing ones); the seed must be the run's. */
  cases?: readonly number[];
  /** The server's log so far, one JSON line each (pino), read at the end. */
  serverLog?: () => readonly string[];
  /** False once the server process has died. */
  serverAlive?: () => boolean;
  /** Told of progress, a line at a time. */
  log?: (line: string) => void;
}

export interface FailingRequest {
  caseIndex: number;
  step: number;
  group: string;
  procedure: string;
  kind: string;
  method: string;
  path: string;
  /** The headers that matter to the case (the admin key shown as `<admin key>`). */
  headers: string;
  body: string;
  status: number | null;
  response: string;
  requestId: string | null;
  findings: Finding[];
  logLines: string[];
}

export interface Stall {
  latencyMs: number;
  /** The cases in flight when the probe was sent. */
  inFlight: string[];
}

export interface FuzzReport {
  seed: number;
  concurrency: number;
  cases: number;
  requests: number;
  seedRequests: number;
  durationMs: number;
  procedures: { total: number; called: number; succeeded: number; neverSucceeded: string[] };
  /** Requests by procedure (or what a transport case was about), then by status. */
  byProcedure: Record<string, Record<string, number>>;
  /** Requests by group (procedure group or kind of transport case), then by status. */
  byGroup: Record<string, Record<string, number>>;
  /** Requests by what was done (valid, mutated, text, auth, …), then by status. */
  byKind: Record<string, Record<string, number>>;
  byStatus: Record<string, number>;
  fiveXx: number;
  findings: Record<string, number>;
  failing: FailingRequest[];
  stalls: Stall[];
  maxProbeMs: number;
  aliveAtEnd: boolean;
  serverLog: {
    errorLines: string[];
    /** Warnings by message: how many, and the cases whose requests they name. */
    warnings: Record<string, { count: number; cases: number[] }>;
    uncaught: string[];
  } | null;
  seeded: Record<string, number>;
}

const DEFAULTS = {
  seed: 1,
  requests: 5_000,
  concurrency: 8,
  maxDurationMs: 10 * 60_000,
  timeoutMs: 30_000,
  stallMs: 1_000,
};
const PROBE_EVERY_MS = 1_000;
const SHOWN_CHARS = 600;

const truncate = (text: string, chars = SHOWN_CHARS) =>
  text.length <= chars ? text : `${text.slice(0, chars)}… (${text.length.toLocaleString('en')} characters)`;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A record without a prototype: any key, `__proto__` included, is a plain entry. */
const table = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/** The request's headers but the id and the usual ones, keys masked, for the report. */
function shownHeaders(headers: Record<string, string>, adminKey: string): string {
  const usual: Record<string, (value: string) => boolean> = {
    'x-request-id': (value) => /^fz\d+-/.test(value),
    'content-type': (value) => value === 'application/json',
    accept: (value) => value === 'text/event-stream',
  };
  const shown = Object.entries(headers)
    .filter(([name, value]) => !(Object.hasOwn(usual, name) && usual[name]?.(value)))
    .map(([name, value]) => `${name}: ${truncate(value.replaceAll(adminKey, '<admin key>'), 80)}`)
    .join('; ');
  return truncate(shown, 400);
}

function increment(rows: Record<string, Record<string, number>>, row: string, column: string): void {
  const counts = rows[row] ?? table<number>();
  counts[column] = (counts[column] ?? 0) + 1;
  rows[row] = counts;
}

class Tally {
  // Keyed by what the cases name, `__proto__` and `constructor` among them: no prototypes.
  readonly byGroup: Record<string, Record<string, number>> = table();
  readonly byKind: Record<string, Record<string, number>> = table();
  readonly byStatus: Record<string, number> = table();
  readonly byProcedure: Record<string, Record<string, number>> = table();
  readonly findings: Record<string, number> = table();
  readonly failing: FailingRequest[] = [];
  readonly called = new Set<string>();
  readonly succeeded = new Set<string>();
  /** Request id → where it was sent from, to tie server log lines to cases. */
  readonly sent = new Map<string, { caseIndex: number; step: number; procedure: string; kind: string }>();
  requests = 0;
  fiveXx = 0;

  constructor(private readonly adminKey: string) {}

  count(fuzzCase: FuzzCase, stepIndex: number, step: Step, answer: Answer, findings: Finding[]): void {
    const label = answer.status === null ? (answer.clientSide ? 'not sent' : 'no answer') : String(answer.status);
    const kind = fuzzCase.kind.split(':')[0] ?? fuzzCase.kind;
    this.requests++;
    increment(this.byGroup, fuzzCase.group, label);
    increment(this.byKind, kind, label);
    increment(this.byProcedure, fuzzCase.procedure, label);
    this.byStatus[label] = (this.byStatus[label] ?? 0) + 1;
    if (answer.status !== null && answer.status >= 500) this.fiveXx++;
    const id = step.request.headers['x-request-id'];
    if (id)
      this.sent.set(id, {
        caseIndex: fuzzCase.index,
        step: stepIndex,
        procedure: fuzzCase.procedure,
        kind: fuzzCase.kind,
      });
    for (const finding of findings) this.findings[finding.category] = (this.findings[finding.category] ?? 0) + 1;
    if (findings.length === 0) return;
    const body = step.request.body;
    this.failing.push({
      caseIndex: fuzzCase.index,
      step: stepIndex,
      group: fuzzCase.group,
      procedure: fuzzCase.procedure,
      kind: fuzzCase.kind,
      method: step.request.method,
      path: truncate(step.request.path, 400),
      headers: shownHeaders(step.request.headers, this.adminKey),
      body: body === undefined ? '' : truncate(typeof body === 'string' ? body : body.toString('utf8'), 400),
      status: answer.status,
      response: truncate(answer.text || (answer.failure ?? '')),
      requestId: id ?? null,
      findings,
      logLines: [],
    });
  }
}

/** Seeds rows through the API, so that ids in inputs can name real ones; returns the keys cases use. */
async function seedRows(
  call: (path: string, input: unknown, key?: string) => Promise<Json | null>,
  known: Known,
  random: Random,
  adminKey: string,
): Promise<{ keys: Keys; seeded: Record<string, number> }> {
  const seeded: Record<string, number> = table();
  const made = async (path: string, input: unknown, key?: string) => {
    const data = await call(path, input, key);
    if (data) seeded[path] = (seeded[path] ?? 0) + 1;
    return data;
  };
  // The clients the run depends on are never handed to apiClients.revoke or rotate.
  const existing = await call('apiClients.list', {});
  for (const client of (existing?.items as Json[] | undefined) ?? []) known.protect(String(client.id));
  const readOnly = await made('apiClients.create', { name: 'fuzz: read only', scopes: ['assignments:read'] });
  const revokedClient = await made('apiClients.create', { name: 'fuzz: revoked', scopes: ['assignments:read'] });
  for (const created of [readOnly, revokedClient]) {
    const id = isObject(created?.client) ? String(created.client.id) : '';
    known.protect(id);
  }
  let revoked: string | null = null;
  if (isObject(revokedClient?.client) && (await made('apiClients.revoke', { id: revokedClient.client.id }))) {
    revoked = String(revokedClient.apiKey);
  }
  await made('apiClients.create', { name: 'fuzz: target', scopes: ['audit:read'] });
  await made('apiClients.create', { name: 'fuzz: target 2', scopes: ['events:read'] });

  const areas = ['condition', 'valuation', 'damage', 'energy', 'area_measurement'];
  const appraisers: string[] = [];
  for (let i = 0; i < 3; i++) {
    const appraiser = await made('appraisers.create', {
      name: `Fuzz Takstmann ${i}`,
      email: `takstmann${i}@example.com`,
      certifications: areas.map((area) => ({ area, validFrom: '2020-01-01' })),
    });
    if (appraiser) appraisers.push(String(appraiser.id));
  }
  const parties: string[] = [];
  for (const input of [
    { kind: 'person', name: 'Kari Fuzz' },
    { kind: 'organization', name: 'Fuzz Eiendom AS', organizationNumber: organizationNumber(random) },
    { name: 'Ola Fuzz', email: 'ola@example.com', address: { street: 'Storgata 1', postalCode: '0155', city: 'Oslo' } },
  ]) {
    const party = await made('parties.create', input);
    if (party) parties.push(String(party.id));
  }
  const properties: string[] = [];
  for (const input of [
    { address: { street: 'Kirkeveien 12', postalCode: '0368', city: 'Oslo' } },
    {
      address: { street: 'Bygdøy allé 5', postalCode: '0257', city: 'Oslo', unitNumber: 'H0101' },
      cadastre: { municipality: '0301', gnr: 208, bnr: 84 },
    },
  ]) {
    const upserted = await made('properties.upsert', input);
    if (isObject(upserted?.property)) properties.push(String(upserted.property.id));
  }
  const types = [
    'condition_report',
    'valuation',
    'damage_assessment',
    'energy_certificate',
    'area_measurement',
    'handover_inspection',
    'value_assessment',
    'condition_report',
  ];
  const pick = <T>(items: T[], i: number): T | undefined => items[i % Math.max(items.length, 1)];
  for (const [i, type] of types.entries()) {
    const propertyId = pick(properties, i);
    const clientId = pick(parties, i);
    const assignment = await made('assignments.create', {
      type,
      ...(propertyId && i % 2 === 0
        ? { propertyId }
        : { property: { address: { street: `Fuzzveien ${i + 1}`, postalCode: '5003', city: 'Bergen' } } }),
      ...(clientId && i % 3 !== 0 ? { clientId } : { client: { name: `Fuzz Kunde ${i}` } }),
      dueDate: `2030-0${(i % 9) + 1}-15`,
      notes: `Seeded by the fuzzer, #${i}`,
    });
    if (!assignment) continue;
    const id = String(assignment.id);
    const appraiserId = pick(appraisers, i);
    await made('notes.add', { assignmentId: id, author: 'fuzz', text: `A note on #${i}` });
    await made('externalRefs.link', {
      system: 'fuzz',
      externalId: `assignment-${i}`,
      entityType: 'assignment',
      entityId: id,
    });
    if (!appraiserId) continue;
    if (i % 4 === 1) await made('assignments.assign', { id, appraiserId, expectedVersion: assignment.version });
    if (i % 4 < 2) continue;
    const startsAt = new Date(Date.UTC(2030, 0, 10 + i, 9)).toISOString();
    const endsAt = new Date(Date.UTC(2030, 0, 10 + i, 11)).toISOString();
    const inspection = await made('inspections.book', {
      assignmentId: id,
      appraiserId,
      startsAt,
      endsAt,
      sourceSystem: 'fuzz',
    });
    if (!inspection || i % 4 !== 3) continue;
    const completed = await made('inspections.complete', { id: inspection.id, expectedVersion: inspection.version });
    if (!completed) continue;
    const current = await call('assignments.get', { id });
    if (!current) continue;
    const drafting = await made('assignments.transition', { id, to: 'drafting', expectedVersion: current.version });
    if (!drafting || type !== 'condition_report') continue;
    const report = await made('reports.createDraft', {
      assignmentId: id,
      authorId: appraiserId,
      content: {
        kind: 'condition',
        standardVersion: 'NS 3600:2018',
        items: [{ section: 'Bad', buildingPart: 'Våtrom', grade: 'TG2', description: 'Fuktmerker ved sluk' }],
      },
    });
    const submitted = report && (await made('reports.submit', { id: report.id, expectedVersion: report.version }));
    if (!submitted) continue;
    // One report all the way to delivered, so that revisions have something to revise.
    const inReview = await made('assignments.transition', { id, to: 'in_review', expectedVersion: drafting.version });
    const reviewerId = appraisers.find((other) => other !== appraiserId);
    if (!inReview || !reviewerId) continue;
    const approved = await made('reports.approve', {
      id: submitted.id,
      reviewerId,
      expectedVersion: submitted.version,
    });
    if (approved) await made('assignments.transition', { id, to: 'delivered', expectedVersion: inReview.version });
  }
  for (const n of [1, 2]) {
    await made('webhooks.create', { url: `http://127.0.0.1:9/fuzz-hook-${n}`, eventTypes: ['assignment.created'] });
  }
  // Cursors and continuations to start from.
  await call('assignments.list', { limit: 2 });
  await call('parties.list', { limit: 1 });
  await call('assignments.export', { limit: 2 });
  await call('events.list', { limit: 5 });
  const readOnlyKey = readOnly && typeof readOnly.apiKey === 'string' ? readOnly.apiKey : null;
  return { keys: { admin: adminKey, readOnly: readOnlyKey, revoked }, seeded };
}

/** Runs the fuzzer against a running server and returns what it found. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const { seed, concurrency, timeoutMs, stallMs } = settings;
  const log = options.log ?? (() => undefined);
  const client = new HttpClient(options.baseUrl, concurrency, timeoutMs);
  const prober = new HttpClient(options.baseUrl, 1, 60_000);
  const started = performance.now();
  try {
    const documentAnswer = await client.send({ method: 'GET', path: '/api/openapi.json', headers: {} });
    if (documentAnswer.status !== 200) throw new Error(`GET /api/openapi.json answered ${documentAnswer.status}`);
    const document: unknown = JSON.parse(documentAnswer.text);
    const procedures = proceduresOf(document);
    const check: CheckContext = { errorCodes: errorCodesOf(document) };
    const byPath = new Map(procedures.map((p) => [p.path, p]));
    const known = new Known();
    const tally = new Tally(options.apiKey);

    const run = async (fuzzCase: FuzzCase): Promise<Answer[]> => {
      const answers: Answer[] = [];
      for (const [n, step] of fuzzCase.steps.entries()) {
        const answer = await client.send(step.request);
        const expect = step.expectAfter ? { ...step.expect, ...step.expectAfter(answers) } : step.expect;
        const findings = checkAnswer({ ...step, expect }, answer, check);
        tally.count(fuzzCase, n, step, answer, findings);
        answers.push(answer);
        const procedure = byPath.get(fuzzCase.procedure);
        if (procedure) tally.called.add(procedure.path);
        if (procedure && answer.status !== null && isSuccess(answer.status) && !step.batch) {
          if (fuzzCase.group !== 'auth') tally.succeeded.add(procedure.path);
          const data = resultData(answer);
          if (data !== undefined) known.harvest(procedure.path, data);
        }
      }
      return answers;
    };

    // Seeding: each call a case of its own, numbered below zero, counted like any other.
    let seedIndex = 0;
    const seedRandom = new Random(seed ^ 0x5eed);
    const call = async (path: string, input: unknown, key = options.apiKey): Promise<Json | null> => {
      const procedure = byPath.get(path);
      if (!procedure) return null;
      const index = --seedIndex;
      const requestId = `fz${seed}-seed${-index}`;
      const request = callRequestFor(procedure, input, key, requestId);
      const step = { request, expect: {}, requestId, trpc: true, batch: false };
      const [answer] = await run({
        index,
        group: procedure.path.split('.')[0] ?? path,
        procedure: path,
        kind: 'seed',
        steps: [step],
      });
      if (answer?.status !== 200) {
        log(`seeding: ${path} answered ${answer?.status ?? 'nothing'}: ${truncate(answer?.text ?? '', 300)}`);
        return null;
      }
      const data = resultData(answer);
      return isObject(data) ? data : null;
    };
    log('seeding rows through the API …');
    const { keys, seeded } = await seedRows(call, known, seedRandom, options.apiKey);
    const seedRequests = tally.requests;
    log(`seeded with ${seedRequests} requests; fuzzing …`);

    const context: CaseContext = { seed, procedures, known, keys };
    const inFlight = new Map<number, string>();
    const stalls: Stall[] = [];
    let maxProbeMs = 0;
    let probing = false;
    const probe = setInterval(() => {
      if (probing) return;
      probing = true;
      const snapshot = [...inFlight.entries()].map(([index, what]) => `#${index} ${what}`);
      prober
        .send({ method: 'GET', path: '/healthz', headers: {} })
        .then((answer) => {
          maxProbeMs = Math.max(maxProbeMs, answer.durationMs);
          if (answer.status !== 200 || answer.durationMs > stallMs) {
            stalls.push({ latencyMs: Math.round(answer.durationMs), inFlight: snapshot });
          }
        })
        .finally(() => {
          probing = false;
        });
    }, PROBE_EVERY_MS);

    const fuzzStarted = performance.now();
    const deadline = fuzzStarted + settings.maxDurationMs;
    const queue = options.cases ? [...options.cases] : null;
    let nextIndex = 0;
    let cases = 0;
    let lastReport = fuzzStarted;
    const target = seedRequests + settings.requests;
    let stopped = false;
    const worker = async () => {
      for (;;) {
        if (stopped || performance.now() > deadline || (queue ? queue.length === 0 : tally.requests >= target)) return;
        const index = queue ? (queue.shift() as number) : nextIndex++;
        const fuzzCase = buildCase(index, Random.forCase(seed, index), context);
        cases++;
        inFlight.set(index, `${fuzzCase.procedure} (${fuzzCase.kind})`);
        try {
          await run(fuzzCase);
        } finally {
          inFlight.delete(index);
        }
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          log(`${tally.requests - seedRequests} requests, ${tally.fiveXx} 5xx, ${tally.failing.length} failing`);
        }
      }
    };
    try {
      await Promise.all(
        Array.from({ length: concurrency }, () =>
          worker().catch((error: unknown) => {
            stopped = true;
            throw error;
          }),
        ),
      );
    } finally {
      stopped = true;
      clearInterval(probe);
    }
    const durationMs = performance.now() - fuzzStarted;

    // In a test the server shares this process: what the fuzzer does with hostile keys must not leak.
    for (const key in {}) throw new Error(`the fuzzer itself polluted Object.prototype (with "${key}")`);
    // The server must still be there, and answer promptly.
    const health = await prober.send({ method: 'GET', path: '/healthz', headers: {} }, 10_000);
    const aliveAtEnd = health.status === 200 && (options.serverAlive?.() ?? true);
    const failing = tally.failing;
    const findings = tally.findings;
    const add = (category: Finding['category'], message: string) => {
      findings[category] = (findings[category] ?? 0) + 1;
      failing.push({
        caseIndex: -1,
        step: 0,
        group: 'server',
        procedure: '(server)',
        kind: category,
        method: '',
        path: '',
        headers: '',
        body: '',
        status: null,
        response: message,
        requestId: null,
        findings: [{ category, message }],
        logLines: [],
      });
    };
    if (!aliveAtEnd)
      add(
        'server',
        `after the run, /healthz answered ${health.status ?? health.failure} and the process ${options.serverAlive?.() === false ? 'has exited' : 'runs'}`,
      );
    for (const stall of stalls) {
      add(
        'stall',
        `/healthz took ${stall.latencyMs} ms; in flight: ${stall.inFlight.join('; ').slice(0, 600) || 'nothing'}`,
      );
    }
    const serverLog = options.serverLog ? analyseServerLog(options.serverLog(), tally, add) : null;

    const neverSucceeded = procedures.filter((p) => !tally.succeeded.has(p.path)).map((p) => p.path);
    return {
      seed,
      concurrency,
      cases,
      requests: tally.requests - seedRequests,
      seedRequests,
      durationMs: Math.round(durationMs),
      procedures: {
        total: procedures.length,
        called: tally.called.size,
        succeeded: tally.succeeded.size,
        neverSucceeded,
      },
      byProcedure: tally.byProcedure,
      byGroup: tally.byGroup,
      byKind: tally.byKind,
      byStatus: tally.byStatus,
      fiveXx: tally.fiveXx,
      findings,
      failing,
      stalls,
      maxProbeMs: Math.round(maxProbeMs),
      aliveAtEnd,
      serverLog,
      seeded,
    };
  } finally {
    client.close();
    prober.close();
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function resultData(answer: Answer): unknown {
  try {
    const body = JSON.parse(answer.text) as unknown;
    return isObject(body) && isObject(body.result) ? body.result.data : undefined;
  } catch {
    return undefined;
  }
}

function callRequestFor(procedure: Procedure, input: unknown, key: string, requestId: string) {
  const text = inputText(input);
  const headers = { authorization: `Bearer ${key}`, 'x-request-id': requestId };
  if (procedure.type === 'mutation') {
    return {
      method: 'POST',
      path: `/trpc/${procedure.path}`,
      headers: { ...headers, 'content-type': 'application/json' },
      body: text,
    };
  }
  return { method: 'GET', path: `/trpc/${procedure.path}?input=${encodeURIComponent(text)}`, headers };
}

/**
 * The server's log lines at level error and above (each tied to its request's case where it names
 * a request id), warnings counted by message, and anything that looks like an uncaught exception.
 */
function analyseServerLog(
  lines: readonly string[],
  tally: Tally,
  add: (category: Finding['category'], message: string) => void,
): NonNullable<FuzzReport['serverLog']> {
  const errorLines: string[] = [];
  const warnings: Record<string, { count: number; cases: number[] }> = table();
  const uncaught: string[] = [];
  for (const raw of lines.flatMap((chunk) => chunk.split('\n'))) {
    const line = raw.trim();
    if (line === '') continue;
    let entry: Json | null = null;
    try {
      const parsed = JSON.parse(line) as unknown;
      entry = isObject(parsed) ? parsed : null;
    } catch {
      entry = null;
    }
    if (!entry) {
      if (/uncaught|unhandled|^\s*at\s|^\w*Error\b|FATAL|Segmentation/i.test(line)) uncaught.push(truncate(line, 400));
      continue;
    }
    const level = typeof entry.level === 'number' ? entry.level : 0;
    const message = String(entry.msg ?? '');
    if (/uncaught|unhandled rejection|unhandledRejection/i.test(message)) uncaught.push(truncate(line, 400));
    const requestId = typeof entry.requestId === 'string' ? entry.requestId : undefined;
    if (level === 40) {
      const warning = warnings[message] ?? { count: 0, cases: [] };
      warning.count++;
      const from = requestId ? tally.sent.get(requestId) : undefined;
      if (from && from.caseIndex >= 0) warning.cases.push(from.caseIndex);
      warnings[message] = warning;
    }
    if (level < 50) continue;
    const shown = truncate(line, 1_500);
    errorLines.push(shown);
    const failing = requestId ? tally.failing.find((f) => f.requestId === requestId) : undefined;
    if (failing) failing.logLines.push(shown);
    else {
      const from = requestId ? tally.sent.get(requestId) : undefined;
      const where = from ? `case #${from.caseIndex} ${from.procedure} (${from.kind}): ` : '';
      add('server', `${where}the server logged at level ${level}: ${truncate(line, 800)}`);
    }
  }
  for (const line of uncaught) add('server', `uncaught exception in the server's output: ${line}`);
  return { errorLines, warnings, uncaught };
}

/** The failing requests with a violation (not only observations). */
export function violationsOf(report: FuzzReport): FailingRequest[] {
  return report.failing.filter((failing) => failing.findings.some((f) => f.category !== 'observation'));
}

/** True when the run found a 5xx or any other violation. */
export function fuzzFailed(report: FuzzReport): boolean {
  return report.fiveXx > 0 || violationsOf(report).length > 0 || !report.aliveAtEnd;
}

const STATUS_ORDER = (a: string, b: string) => (Number(a) || 1_000) - (Number(b) || 1_000) || a.localeCompare(b);

function statusTable(title: string, rows: Record<string, Record<string, number>>): string {
  const statuses = [...new Set(Object.values(rows).flatMap((row) => Object.keys(row)))].sort(STATUS_ORDER);
  const header = `| ${title} | ${statuses.join(' | ')} | total |`;
  const rule = `| --- | ${statuses.map(() => '---:').join(' | ')} | ---: |`;
  const total = (row: Record<string, number>) => Object.values(row).reduce((sum, n) => sum + n, 0);
  const lines = Object.entries(rows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, row]) =>
        `| ${name} | ${statuses.map((s) => (row[s] ?? 0).toLocaleString('en')).join(' | ')} | ${total(row).toLocaleString('en')} |`,
    );
  const sums: Record<string, number> = table();
  for (const row of Object.values(rows)) for (const [s, n] of Object.entries(row)) sums[s] = (sums[s] ?? 0) + n;
  lines.push(
    `| **all** | ${statuses.map((s) => `**${(sums[s] ?? 0).toLocaleString('en')}**`).join(' | ')} | **${total(sums).toLocaleString('en')}** |`,
  );
  return [header, rule, ...lines].join('\n');
}

/** The report as Markdown: the tables, the figures, and every failing request. */
export function formatFuzzReport(report: FuzzReport): string {
  const seconds = report.durationMs / 1000;
  const all = report.requests + report.seedRequests;
  const out: string[] = [];
  out.push(
    `Seed ${report.seed}, concurrency ${report.concurrency}: ${report.requests.toLocaleString('en')} requests in ${report.cases.toLocaleString('en')} cases ` +
      `(+ ${report.seedRequests} seeding), ${seconds.toFixed(1)} s, ${(report.requests / Math.max(seconds, 0.001)).toFixed(0)} requests/s.`,
    '',
    statusTable('group \\ status', report.byGroup),
    '',
    statusTable('case kind \\ status', report.byKind),
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| requests (with seeding) | ${all.toLocaleString('en')} |`,
    `| **5xx answers** | **${report.fiveXx}** |`,
    ...Object.entries(report.findings)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, n]) => `| findings: ${category} | ${n} |`),
    `| requests with a violation | ${violationsOf(report).length} |`,
    `| procedures called / answered 2xx at least once | ${report.procedures.called} / ${report.procedures.succeeded} of ${report.procedures.total} |`,
    `| slowest /healthz probe during the run | ${report.maxProbeMs} ms |`,
    `| server answers /healthz at the end | ${report.aliveAtEnd ? 'yes' : '**no**'} |`,
    ...(report.serverLog
      ? [
          `| server log lines at level error or above | ${report.serverLog.errorLines.length} |`,
          `| uncaught exceptions in the server's output | ${report.serverLog.uncaught.length} |`,
        ]
      : []),
  );
  if (report.procedures.neverSucceeded.length > 0) {
    const statuses = (path: string) =>
      Object.entries(report.byProcedure[path] ?? {})
        .sort(([a], [b]) => STATUS_ORDER(a, b))
        .map(([status, n]) => `${n} × ${status}`)
        .join(', ');
    out.push(
      '',
      'Never answered 2xx (with the admin key):',
      ...report.procedures.neverSucceeded.map((path) => `- ${path}: ${statuses(path) || 'not called'}`),
    );
  }
  if (report.serverLog && Object.keys(report.serverLog.warnings).length > 0) {
    out.push(
      '',
      'Server warnings (level 40):',
      ...Object.entries(report.serverLog.warnings).map(
        ([msg, { count, cases }]) =>
          `- ${count} × ${msg}${
            cases.length > 0
              ? ` (cases ${cases
                  .slice(0, 10)
                  .map((n) => `#${n}`)
                  .join(' ')})`
              : ''
          }`,
      ),
    );
  }
  if (report.failing.length > 0) {
    const distinct = new Map<string, number[]>();
    for (const failing of report.failing) {
      for (const finding of failing.findings) {
        const key = `**${finding.category}**: ${finding.message.replace(/fz\d+-\d+-\d+/g, '…')}`;
        distinct.set(key, [...(distinct.get(key) ?? []), failing.caseIndex]);
      }
    }
    out.push('', '| finding | requests | cases (first five) |', '| --- | ---: | --- |');
    for (const [key, cases] of [...distinct.entries()].sort(([, a], [, b]) => b.length - a.length)) {
      const shown = cases
        .filter((n) => n >= 0)
        .slice(0, 5)
        .map((n) => `#${n}`)
        .join(' ');
      out.push(`| ${truncate(key, 200).replaceAll('|', '\\|')} | ${cases.length} | ${shown} |`);
    }
    out.push('', `## Requests with findings (${report.failing.length})`, '');
    for (const failing of report.failing) {
      out.push(
        failing.caseIndex === -1
          ? `### ${failing.kind}`
          : `### case #${failing.caseIndex}${failing.step > 0 ? ` step ${failing.step}` : ''}: ${failing.procedure} — ${failing.kind}`,
        ...failing.findings.map((f) => `- **${f.category}**: ${f.message}`),
      );
      if (failing.method) {
        out.push(
          `- request: \`${failing.method} ${failing.path}\`${failing.requestId ? ` (X-Request-Id ${failing.requestId})` : ''}`,
          ...(failing.headers ? [`- headers: \`${failing.headers.replaceAll('`', "'")}\``] : []),
          ...(failing.body ? [`- body: \`${failing.body.replaceAll('`', "'")}\``] : []),
          `- answer ${failing.status ?? '(none)'}: \`${failing.response.replaceAll('`', "'")}\``,
        );
      } else if (failing.response && failing.findings.every((f) => f.message !== failing.response)) {
        out.push(`- ${failing.response}`);
      }
      for (const line of failing.logLines) out.push(`- server log: \`${line.replaceAll('`', "'")}\``);
      if (failing.caseIndex >= 0)
        out.push(`- replay: \`FUZZ_SEED=${report.seed} FUZZ_CASES=${failing.caseIndex} npm run reliability:fuzz\``);
      out.push('');
    }
  }
  return out.join('\n');
}
