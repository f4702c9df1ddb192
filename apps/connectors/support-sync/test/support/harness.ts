// A real platform (its test server, on a database of its own), the simulated Hjelpa in this
// process, and the connector: in this process, or as its own process for the restart tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog } from '@takst/connector-runtime';
import type { Assignment, Note, TakstClient } from '@takst/sdk';
import { type Hjelpa, type HjelpaComment, type HjelpaTicket, startHjelpa } from '@takst/simulated-tools';
import { assignmentInput } from '../../../../server/test/support/fixtures';
// Its `ProvidedContext` declaration (the admin database URL) is what the server's test support reads.
import type {} from '../../../../server/test/support/global-setup';
import { startTestServer, type TestServer } from '../../../../server/test/support/server';
import { eventually } from '../../../../server/test/support/webhooks';
import { loadConfig } from '../../src/config';
import { startSupportSync } from '../../src/service';

export { eventually };

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export const CONNECTOR_SCOPES = ['assignments:read', 'assignments:write', 'events:read'] as const;
export const HJELPA_ACCOUNT = { user: 'support-sync@hjelpa.test', password: 'hjelpa-test-password' };
export const HJELPA_WEBHOOK_SECRET = 'hjelpa-hook-secret';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface LogLine {
  action: string;
  level: string;
  [field: string]: unknown;
}

function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

export interface RunningConnector {
  url: string;
  lines: LogLine[];
  stop(): Promise<void>;
}

export interface ConnectorProcess {
  child: ChildProcess;
  output(): string;
  lines(): LogLine[];
  exited: Promise<number | null>;
  /** Resolves once /readyz answers 200. */
  ready(): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface NewTicket {
  subject?: string;
  oppdragsnummer?: string;
  description?: string;
}

export interface Harness {
  server: TestServer;
  admin: TakstClient;
  /** The desk running now (another object after `restartDesk`). */
  readonly hjelpa: Hjelpa;
  /** Stops the desk, and starts it again on the same port with its data when `startAgain` resolves. */
  stopDesk(): Promise<{ startAgain(): Promise<void> }>;
  connectorClientId: string;
  /** The connector's environment: one port and one checkpoint file for every start. */
  env: Record<string, string>;
  connectorUrl: string;
  checkpointFile: string;
  newAssignment(): Promise<Assignment>;
  /** Runs the connector in this process. */
  startConnector(extraEnv?: Record<string, string>): Promise<RunningConnector>;
  /** Runs the connector as its own process (`node --import tsx src/main.ts`). */
  spawnConnector(extraEnv?: Record<string, string>): ConnectorProcess;
  /** Staff in Hjelpa's UI. */
  staff: {
    createTicket(ticket: NewTicket): Promise<HjelpaTicket>;
    comment(ticketId: number, body: string, options?: { public?: boolean; author?: string }): Promise<HjelpaComment>;
    update(ticketId: number, patch: Record<string, unknown>): Promise<HjelpaTicket>;
    redeliver(eventId: string): Promise<void>;
  };
  /** Hjelpa's API, with the connector's account. */
  desk: {
    comments(ticketId: number): Promise<HjelpaComment[]>;
  };
  notes(assignmentId: string): Promise<Note[]>;
  /** The ticket ids linked to the assignment. */
  linkedTickets(assignmentId: string): Promise<string[]>;
  close(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
  const answer = await fetch(url, init);
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${answer.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function startHarness(options: { redeliveryRate?: number } = {}): Promise<Harness> {
  const server = await startTestServer();
  const admin = server.admin;
  const stateDir = mkdtempSync(path.join(tmpdir(), 'support-sync-'));
  const startDesk = (port: number) =>
    startHjelpa({
      port,
      accounts: [HJELPA_ACCOUNT],
      stateFile: path.join(stateDir, 'hjelpa.json'),
      // Long enough for a connector to be restarted between two attempts.
      webhookRetryDelaysMs: [200, 500, 1000, 2000, 4000, 8000],
      webhookTimeoutMs: 5000,
      ...(options.redeliveryRate !== undefined ? { redeliveryRate: options.redeliveryRate } : {}),
    });
  let hjelpa = await startDesk(0);
  const deskPort = Number(new URL(hjelpa.url).port);
  const client = await admin.apiClients.create.mutate({ name: 'support-sync', scopes: [...CONNECTOR_SCOPES] });
  const checkpointFile = path.join(stateDir, 'platform-events.json');
  const port = await freePort();
  const env: Record<string, string> = {
    TAKST_URL: server.url,
    TAKST_API_KEY: client.apiKey,
    HJELPA_URL: hjelpa.url,
    HJELPA_USER: HJELPA_ACCOUNT.user,
    HJELPA_PASSWORD: HJELPA_ACCOUNT.password,
    HJELPA_WEBHOOK_SECRET,
    SUPPORT_SYNC_CHECKPOINT_FILE: checkpointFile,
    SUPPORT_SYNC_POLL_INTERVAL_MS: '100',
    PORT: String(port),
    LOG_LEVEL: 'debug',
  };
  const stops: Array<() => Promise<unknown>> = [];
  const basic = `Basic ${Buffer.from(`${HJELPA_ACCOUNT.user}:${HJELPA_ACCOUNT.password}`).toString('base64')}`;
  const staffPost = <T>(method: string, pathname: string, body: unknown) =>
    call<T>(`${hjelpa.url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-staff-name': 'Siri Support' },
      body: JSON.stringify(body),
    });

  return {
    server,
    admin,
    get hjelpa() {
      return hjelpa;
    },
    async stopDesk() {
      await hjelpa.close();
      return {
        async startAgain() {
          hjelpa = await startDesk(deskPort);
        },
      };
    },
    connectorClientId: client.client.id,
    env,
    connectorUrl: `http://127.0.0.1:${port}`,
    checkpointFile,
    newAssignment: () => admin.assignments.create.mutate(assignmentInput()),
    async startConnector(extraEnv = {}) {
      const lines: LogLine[] = [];
      const log = createLog({ level: 'debug', write: (line) => lines.push(JSON.parse(line) as LogLine) });
      const service = await startSupportSync(loadConfig({ ...env, ...extraEnv }), { log });
      await service.ready;
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await service.stop();
      };
      stops.push(stop);
      return { url: service.url, lines, stop };
    },
    spawnConnector(extraEnv = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: packageDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
      };
      child.stdout?.on('data', collect);
      child.stderr?.on('data', collect);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      };
      stops.push(() => stop('SIGKILL'));
      return {
        child,
        output: () => output,
        lines: () => parseLines(output),
        exited,
        async ready() {
          await eventually(async () => {
            if (child.exitCode !== null || child.signalCode !== null) {
              throw new Error(`the connector exited before it was ready:\n${output}`);
            }
            const answer = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
            return answer?.status === 200;
          }, 30_000);
        },
        stop,
      };
    },
    staff: {
      async createTicket(ticket) {
        const body = {
          subject: ticket.subject ?? 'Spørsmål om befaringen',
          requester: { name: 'Kari Nordmann', email: 'kari@example.no' },
          ...(ticket.oppdragsnummer !== undefined ? { customFields: { oppdragsnummer: ticket.oppdragsnummer } } : {}),
          ...(ticket.description !== undefined ? { description: ticket.description } : {}),
        };
        return (await staffPost<{ ticket: HjelpaTicket }>('POST', '/staff/tickets', body)).ticket;
      },
      async comment(ticketId, body, commentOptions = {}) {
        const answer = await staffPost<{ comment: HjelpaComment }>('POST', `/staff/tickets/${ticketId}/comments`, {
          body,
          ...commentOptions,
        });
        return answer.comment;
      },
      async update(ticketId, patch) {
        return (await staffPost<{ ticket: HjelpaTicket }>('PATCH', `/staff/tickets/${ticketId}`, patch)).ticket;
      },
      async redeliver(eventId) {
        await staffPost('POST', `/staff/webhook-events/${eventId}/redeliver`, {});
      },
    },
    desk: {
      async comments(ticketId) {
        const answer = await call<{ comments: HjelpaComment[] }>(`${hjelpa.url}/api/v2/tickets/${ticketId}/comments`, {
          headers: { authorization: basic },
        });
        return answer.comments;
      },
    },
    notes: (assignmentId) => admin.notes.list.toArray({ assignmentId }),
    async linkedTickets(assignmentId) {
      const { items } = await admin.externalRefs.list.query({ entityType: 'assignment', entityId: assignmentId });
      return items
        .filter((ref) => ref.system === 'support-desk')
        .map((ref) => ref.externalId)
        .sort();
    },
    async close() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      await hjelpa.close();
      await server.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The comments the connector wrote on the ticket (its keys start with `takst-`). */
export const ownComments = (comments: HjelpaComment[]) =>
  comments.filter((comment) => comment.externalKey?.startsWith('takst-'));
