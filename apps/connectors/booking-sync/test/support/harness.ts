// A real platform (its test server, on a database of its own), a simulated booking tool in this
// process, and the connector: in this process, or as its own process for the crash tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLog } from '@takst/connector-runtime';
import type { Assignment, Inspection, TakstClient } from '@takst/sdk';
import { type Kalendra, type Planly, startKalendra, startPlanly } from '@takst/simulated-tools';
import { assignmentInput } from '../../../../server/test/support/fixtures';
// Its `ProvidedContext` declaration (the admin database URL) is what the server's test support reads.
import type {} from '../../../../server/test/support/global-setup';
import { startTestServer, type TestServer } from '../../../../server/test/support/server';
import { eventually, QUICK_WEBHOOKS_ENV } from '../../../../server/test/support/webhooks';
import { loadConfig } from '../../src/config';
import { type BookingSyncService, startBookingSync } from '../../src/service';

export { eventually };

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export const CONNECTOR_SCOPES = ['assignments:read', 'assignments:write', 'events:read', 'appraisers:read'] as const;
export const PLANLY_TOKEN = 'planly-test-token';
export const KALENDRA_KEY = 'kalendra-test-key';
export const PLANLY_WEBHOOK_SECRET = 'planly-hook-secret';

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

/** A slot `hours` after 2030-03-04 08:00 UTC, an hour long (well in the future, never overlapping when hours differ by 1+). */
export function slotAt(hours: number, minutes = 60): { startsAt: string; endsAt: string } {
  const start = Date.UTC(2030, 2, 4, 8) + hours * 3_600_000;
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + minutes * 60_000).toISOString() };
}

export interface LogLine {
  action: string;
  level: string;
  [field: string]: unknown;
}

export interface RunningConnector {
  url: string;
  lines: LogLine[];
  stop(): Promise<void>;
}

export interface Harness {
  server: TestServer;
  admin: TakstClient;
  tool: 'a' | 'b';
  planly: Planly | undefined;
  kalendra: Kalendra | undefined;
  toolUrl: string;
  connectorKey: string;
  connectorClientId: string;
  /** Tool A: the platform webhook endpoint pointing at the connector. */
  webhookEndpointId: string | undefined;
  /** The connector's environment (tool B: its own state folder). */
  env: Record<string, string>;
  appraiserId: string;
  /** A new assignment with the appraiser, ready to be booked. */
  newAssignment(): Promise<Assignment>;
  /** Runs the connector in this process. */
  startConnector(extraEnv?: Record<string, string>): Promise<RunningConnector>;
  /** Runs the connector as its own process (`node --import tsx src/main.ts`). */
  spawnConnector(extraEnv?: Record<string, string>, args?: string[]): ConnectorProcess;
  /** The platform inspection a tool booking became, once it has. */
  inspectionOfBooking(bookingId: string, check?: (inspection: Inspection) => boolean): Promise<Inspection>;
  close(): Promise<void>;
}

export interface ConnectorProcess {
  child: ChildProcess;
  output(): string;
  lines(): LogLine[];
  exited: Promise<number | null>;
  /** Resolves once /readyz answers 200. */
  ready(url: string): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function parseLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

export async function startHarness(tool: 'a' | 'b'): Promise<Harness> {
  const server = await startTestServer({
    env: {
      ...QUICK_WEBHOOKS_ENV,
      // Long enough for a connector to be restarted between two attempts.
      TAKST_WEBHOOK_RETRY_SCHEDULE: '0,300ms,1s,2s,4s,8s',
    },
  });
  const admin = server.admin;
  const planly =
    tool === 'a'
      ? await startPlanly({ tokens: [PLANLY_TOKEN], webhookRetryDelaysMs: [300, 1000, 2000, 4000] })
      : undefined;
  const kalendra = tool === 'b' ? await startKalendra({ apiKeys: [KALENDRA_KEY] }) : undefined;
  const toolUrl = (planly?.url ?? kalendra?.url) as string;
  const client = await admin.apiClients.create.mutate({ name: `booking-sync ${tool}`, scopes: [...CONNECTOR_SCOPES] });
  const appraiser = await admin.appraisers.create.mutate({
    name: 'Astrid Takstmann',
    certifications: [{ area: 'condition', validFrom: '2020-01-01' }],
  });
  const port = await freePort();
  const env: Record<string, string> = {
    BOOKING_TOOL: tool,
    TAKST_URL: server.url,
    TAKST_API_KEY: client.apiKey,
    PORT: String(port),
    LOG_LEVEL: 'debug',
    BOOKING_SYNC_POLL_INTERVAL_MS: '100',
  };
  let webhookId: string | undefined;
  if (tool === 'a') {
    const webhook = await admin.webhooks.create.mutate({
      url: `http://127.0.0.1:${port}/takst/webhooks`,
      eventTypes: ['inspection.booked', 'inspection.rescheduled', 'inspection.cancelled'],
    });
    webhookId = webhook.endpoint.id;
    Object.assign(env, {
      PLANLY_URL: toolUrl,
      PLANLY_TOKEN,
      PLANLY_WEBHOOK_SECRET,
      TAKST_WEBHOOK_SECRET: webhook.secret,
    });
  } else {
    Object.assign(env, {
      KALENDRA_URL: toolUrl,
      KALENDRA_API_KEY: KALENDRA_KEY,
      BOOKING_SYNC_STATE_DIR: mkdtempSync(path.join(tmpdir(), 'booking-sync-b-')),
    });
  }
  const stops: Array<() => Promise<unknown>> = [];

  const harness: Harness = {
    server,
    admin,
    tool,
    planly,
    kalendra,
    toolUrl,
    connectorKey: client.apiKey,
    connectorClientId: client.client.id,
    webhookEndpointId: webhookId,
    env,
    appraiserId: appraiser.id,
    newAssignment: () => admin.assignments.create.mutate(assignmentInput({ appraiserId: appraiser.id })),
    async startConnector(extraEnv = {}) {
      const lines: LogLine[] = [];
      const config = loadConfig({ ...env, ...extraEnv });
      const log = createLog({
        level: 'debug',
        base: { tool: tool === 'a' ? 'booking-a' : 'booking-b' },
        write: (line) => lines.push(JSON.parse(line) as LogLine),
      });
      const service: BookingSyncService = await startBookingSync(config, { log });
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
    spawnConnector(extraEnv = {}, args = []) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
        cwd: packageDir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, ...extraEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
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
        async ready(url) {
          await eventually(async () => {
            if (child.exitCode !== null || child.signalCode !== null) {
              throw new Error(`the connector exited before it was ready:\n${output}`);
            }
            const answer = await fetch(`${url}/readyz`).catch(() => null);
            return answer?.status === 200;
          }, 30_000);
        },
        stop,
      };
    },
    inspectionOfBooking(bookingId, check = () => true) {
      return eventually(async () => {
        try {
          const resolved = await admin.externalRefs.resolve.query({
            system: tool === 'a' ? 'booking-a' : 'booking-b',
            externalId: bookingId,
            entityType: 'inspection',
          });
          return resolved.entityType === 'inspection' && check(resolved.entity) ? resolved.entity : null;
        } catch {
          return null;
        }
      }, 15_000);
    },
    async close() {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      if (webhookId) await admin.webhooks.delete.mutate({ id: webhookId }).catch(() => undefined);
      await planly?.close();
      await kalendra?.close();
      await server.close();
      if (env.BOOKING_SYNC_STATE_DIR) rmSync(env.BOOKING_SYNC_STATE_DIR, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Calls a simulated tool's staff side, as a person clicking in its UI. */
export async function staff<T>(toolUrl: string, path: string, body: unknown): Promise<T> {
  const answer = await fetch(`${toolUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-staff-name': 'Siri Sentralbord' },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (!answer.ok) throw new Error(`${path} answered ${answer.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Calls a simulated tool's API with its credentials. */
export async function toolApi<T>(
  harness: Harness,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> =
    harness.tool === 'a' ? { authorization: `Bearer ${PLANLY_TOKEN}` } : { 'x-api-key': KALENDRA_KEY };
  const answer = await fetch(`${harness.toolUrl}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
}
