import { configureWebhooks, type PrivateUrlPolicy, type SecretBox } from '@takst/api';
import type { MikroORM } from '@takst/db';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { startWebhookWorker, type WebhookWorker } from './worker';

export type { WebhookWorker } from './worker';

const PRIVATE_URL_POLICIES: Record<Config['TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS'], PrivateUrlPolicy> = {
  false: 'refuse',
  loopback: 'allow_loopback',
  true: 'allow',
};

/** Tells the API which webhook URLs it may accept, and the box that seals their secrets. */
export function configureApiWebhooks(orm: MikroORM, config: Config, secrets: SecretBox): void {
  configureWebhooks(orm, { privateUrls: PRIVATE_URL_POLICIES[config.TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS], secrets });
}

/** The delivery worker as the configuration describes it. */
export function startConfiguredWebhookWorker(
  config: Config,
  databaseUrl: string,
  logger: Logger,
  secrets: SecretBox,
): Promise<WebhookWorker> {
  return startWebhookWorker({
    databaseUrl,
    logger,
    secrets,
    retrySchedule: config.TAKST_WEBHOOK_RETRY_SCHEDULE,
    timeoutMs: config.TAKST_WEBHOOK_TIMEOUT_MS,
    privateUrls: PRIVATE_URL_POLICIES[config.TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS],
    concurrency: config.TAKST_WEBHOOK_CONCURRENCY,
    pollIntervalMs: config.TAKST_WEBHOOK_POLL_INTERVAL_MS,
  });
}
