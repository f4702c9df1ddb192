// support-sync as a service: Hjelpa's webhooks in, the platform's event log followed from a
// checkpoint file, /healthz and /readyz, and a stop that lets the work in hand finish.

import { createLog, errorFields, type Log, RecentDeliveries, startHttp } from '@takst/connector-runtime';
import { createTakstClient } from '@takst/sdk';
import { fileCheckpoint } from '@takst/sdk/node';
import type { SupportSyncConfig } from './config';
import { DeskRequestError, hjelpaDesk } from './desk';
import { deskWebhookRoute } from './intake-desk';
import { followPlatformEvents, type PlatformIntakeState } from './intake-platform';
import { createSupportSync } from './sync';

export const WEBHOOK_PATH = '/hjelpa/webhooks';

export interface SupportSyncService {
  /** Where /healthz, /readyz and the webhook route are served. */
  url: string;
  /** Resolves once the connector carries changes both ways; rejects when it cannot start. */
  ready: Promise<void>;
  /** Stops taking work, lets the work in hand finish (its checkpoint saved), and resolves. */
  stop(): Promise<void>;
}

export interface StartOptions {
  log?: Log;
  /** Called after each comment written to the desk for a platform event (the crash tests' hook). */
  afterDeskComment?: () => void;
}

export function defaultLog(config: SupportSyncConfig): Log {
  return createLog({ level: config.logLevel, base: { service: 'support-sync' } });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function startSupportSync(
  config: SupportSyncConfig,
  options: StartOptions = {},
): Promise<SupportSyncService> {
  const log = options.log ?? defaultLog(config);
  const takst = createTakstClient({ baseUrl: config.takstUrl, apiKey: config.takstApiKey, timeoutMs: 30_000 });
  const desk = hjelpaDesk({ url: config.hjelpaUrl, user: config.hjelpaUser, password: config.hjelpaPassword });
  const me = await takst.me.get.query();
  if (!me.apiClient) throw new Error('TAKST_API_KEY must be an API client key');
  const selfClientId = me.apiClient.id;
  const sync = createSupportSync({
    takst,
    desk,
    log,
    selfClientId,
    ...(options.afterDeskComment ? { afterDeskComment: options.afterDeskComment } : {}),
  });
  const stopping = new AbortController();
  const platform: PlatformIntakeState = { lastSequence: null, following: false };
  let registered = false;
  const http = await startHttp({
    host: config.host,
    port: config.port,
    posts: {
      [WEBHOOK_PATH]: deskWebhookRoute({
        secret: config.hjelpaWebhookSecret,
        sync,
        deliveries: new RecentDeliveries(),
        log,
      }),
    },
    health: () => ({
      ready: registered && platform.following,
      webhookRegistered: registered,
      followingPlatformEvents: platform.following,
      lastSequence: platform.lastSequence,
    }),
    onError: (error) => log.error('request failed', errorFields(error)),
  });

  const webhookUrl = `${config.publicUrl ?? http.url}${WEBHOOK_PATH}`;
  const register = async () => {
    // Hjelpa may start after the connector: wait for it, but give up on an answer that will not change.
    for (let retryMs = 500; !stopping.signal.aborted; retryMs = Math.min(retryMs * 2, 30_000)) {
      try {
        await desk.registerWebhook(webhookUrl, config.hjelpaWebhookSecret);
        registered = true;
        log.info('desk webhook registered', { url: webhookUrl });
        return;
      } catch (error) {
        if (!(error instanceof DeskRequestError) || !error.transient) throw error;
        log.warn('desk unreachable; webhook not registered yet', { ...errorFields(error), retryInMs: retryMs });
        await pause(retryMs, stopping.signal);
      }
    }
  };

  const ready = register();
  ready.catch(() => undefined);
  const platformEvents = followPlatformEvents({
    takst,
    checkpoint: fileCheckpoint(config.checkpointFile),
    sync,
    start: config.start,
    pollIntervalMs: config.pollIntervalMs,
    signal: stopping.signal,
    log,
    state: platform,
  });
  log.info('support-sync running', { url: http.url, apiClientId: selfClientId, checkpoint: config.checkpointFile });

  return {
    url: http.url,
    ready: ready.then(async () => {
      // Ready once consume has loaded its checkpoint and is following too.
      while (!platform.following && !stopping.signal.aborted) await pause(20, stopping.signal);
    }),
    async stop() {
      stopping.abort();
      // Stops taking webhooks while the ones in flight and the event in hand finish.
      await Promise.all([
        http.close(),
        platformEvents.catch((error: unknown) => log.error('platform events failed', errorFields(error))),
      ]);
      log.info('support-sync stopped', {});
    },
  };
}
