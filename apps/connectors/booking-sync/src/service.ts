// booking-sync as a service: one process per tool (BOOKING_TOOL=a|b), the same sync logic
// behind one interface, and each tool's own way of hearing about changes.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLog, errorFields, type Log, RecentDeliveries, startHttp } from '@takst/connector-runtime';
import { createTakstClient, type TakstClient } from '@takst/sdk';
import { fileCheckpoint } from '@takst/sdk/node';
import type { BookingSyncConfig, ToolAConfig, ToolBConfig } from './config';
import { cursorFile } from './cursor-file';
import { planlyWebhookRoute, takstWebhookRoute } from './intake-a';
import { checkpointAtEndOfLog, followPlatformEvents, followToolChanges } from './intake-b';
import { type BackfillCounts, type BookingSync, createBookingSync } from './sync';
import { kalendraTool } from './tools/kalendra';
import { planlyTool } from './tools/planly';

export interface BookingSyncService {
  /** Where /healthz, /readyz (and tool A's webhook routes) are served. */
  url: string;
  /** Resolves once the connector carries changes (tool B: after the first backfill). */
  ready: Promise<void>;
  /** Stops taking work, lets work in hand finish, and resolves. */
  stop(): Promise<void>;
}

const systemOf = (config: BookingSyncConfig) => (config.tool === 'a' ? 'booking-a' : 'booking-b');

export function defaultLog(config: BookingSyncConfig): Log {
  return createLog({ level: config.logLevel, base: { service: 'booking-sync', tool: systemOf(config) } });
}

function platformClient(config: BookingSyncConfig): TakstClient {
  return createTakstClient({ baseUrl: config.takstUrl, apiKey: config.takstApiKey, timeoutMs: 30_000 });
}

function toolOf(config: BookingSyncConfig) {
  return config.tool === 'a'
    ? planlyTool({ url: config.planlyUrl, token: config.planlyToken })
    : kalendraTool({ url: config.kalendraUrl, apiKey: config.kalendraApiKey });
}

async function selfClientIdOf(takst: TakstClient): Promise<string> {
  const me = await takst.me.get.query();
  if (!me.apiClient) throw new Error('TAKST_API_KEY must be an API client key');
  return me.apiClient.id;
}

/** Fills the tool from the platform: every open inspection without a booking there gets one. Idempotent. */
export async function runBackfill(config: BookingSyncConfig, options: { log?: Log } = {}): Promise<BackfillCounts> {
  const log = options.log ?? defaultLog(config);
  const takst = platformClient(config);
  const sync = createBookingSync({ takst, tool: toolOf(config), log });
  log.info('backfill started', {});
  const counts = await sync.backfill({ concurrency: config.backfillConcurrency });
  log.info('backfill finished', { ...counts });
  return counts;
}

export async function startBookingSync(
  config: BookingSyncConfig,
  options: { log?: Log } = {},
): Promise<BookingSyncService> {
  const log = options.log ?? defaultLog(config);
  return config.tool === 'a' ? startForPlanly(config, log) : startForKalendra(config, log);
}

async function startForPlanly(config: ToolAConfig, log: Log): Promise<BookingSyncService> {
  const takst = platformClient(config);
  const tool = planlyTool({ url: config.planlyUrl, token: config.planlyToken });
  const sync = createBookingSync({ takst, tool, log });
  const selfClientId = await selfClientIdOf(takst);
  const deliveries = new RecentDeliveries();
  let ready = false;
  const http = await startHttp({
    host: config.host,
    port: config.port,
    posts: {
      '/planly/webhooks': planlyWebhookRoute({ secret: config.planlyWebhookSecret, sync, deliveries, log }),
      '/takst/webhooks': takstWebhookRoute({
        secret: config.takstWebhookSecret,
        takst,
        system: tool.system,
        selfClientId,
        sync,
        deliveries,
        log,
      }),
    },
    health: () => ({ ready, tool: 'booking-a' }),
    onError: (error) => log.error('request failed', errorFields(error)),
  });
  try {
    const webhookUrl = `${config.publicUrl ?? http.url}/planly/webhooks`;
    await tool.registerWebhook(webhookUrl, config.planlyWebhookSecret);
    log.info('planly webhook registered', { url: webhookUrl });
  } catch (error) {
    await http.close();
    throw error;
  }
  ready = true;
  log.info('booking-sync running', { url: http.url, apiClientId: selfClientId });
  return {
    url: http.url,
    ready: Promise.resolve(),
    async stop() {
      await http.close();
      log.info('booking-sync stopped', {});
    },
  };
}

interface BackfillMarker {
  finishedAt: string;
  counts: BackfillCounts;
}

async function startForKalendra(config: ToolBConfig, log: Log): Promise<BookingSyncService> {
  const takst = platformClient(config);
  const tool = kalendraTool({ url: config.kalendraUrl, apiKey: config.kalendraApiKey });
  const sync = createBookingSync({ takst, tool, log });
  const [selfClientId, selfKeyId] = await Promise.all([selfClientIdOf(takst), tool.apiKeyId()]);
  const checkpoint = fileCheckpoint(path.join(config.stateDir, 'platform-events.json'));
  const cursor = cursorFile(path.join(config.stateDir, 'kalendra-changes.json'));
  const backfillMarker = path.join(config.stateDir, 'backfill.json');
  const stopping = new AbortController();
  let ready = false;
  const http = await startHttp({
    host: config.host,
    port: config.port,
    posts: {},
    health: () => ({ ready, tool: 'booking-b' }),
    onError: (error) => log.error('request failed', errorFields(error)),
  });

  const start = async () => {
    // A fresh connector fills Kalendra from the platform first. The checkpoint is put at the end
    // of the log before that, so what changes during the backfill is consumed after it; the
    // marker is written only once the backfill finished, so a crash during it repeats it.
    if ((await checkpoint.load()) === null) {
      const sequence = await checkpointAtEndOfLog(takst, checkpoint);
      log.info('checkpoint set at the end of the event log', { sequence });
    }
    const marker = await readFile(backfillMarker, 'utf8').then(
      (text) => JSON.parse(text) as BackfillMarker,
      () => null,
    );
    if (!marker) {
      log.info('backfill started', {});
      const counts = await sync.backfill({ concurrency: config.backfillConcurrency });
      log.info('backfill finished', { ...counts });
      if (counts.failed === 0) {
        await writeFile(backfillMarker, `${JSON.stringify({ finishedAt: new Date().toISOString(), counts })}\n`);
      }
    }
    ready = true;
    log.info('booking-sync running', { url: http.url, apiClientId: selfClientId, kalendraKeyId: selfKeyId });
  };

  const startup = start();
  startup.catch(() => undefined);
  const loops = startup.then(async () => {
    if (stopping.signal.aborted) return;
    const common = { sync, pollIntervalMs: config.pollIntervalMs, signal: stopping.signal, log };
    await Promise.all([
      followPlatformEvents({ ...common, takst, checkpoint, selfClientId }),
      followToolChanges({ ...common, tool, cursor, selfKeyId }),
    ]);
  });

  return {
    url: http.url,
    ready: startup,
    async stop() {
      stopping.abort();
      await loops.catch((error: unknown) => log.error('booking-sync failed', errorFields(error)));
      await http.close();
      log.info('booking-sync stopped', {});
    },
  };
}

export type { BookingSync };
