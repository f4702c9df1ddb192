// The connector's configuration, read from the environment and checked at start-up: a bad or
// missing value stops it with every problem named (exit code 2).
import path from 'node:path';
import { ConfigError, type Env, EnvReader, LOG_LEVELS, type LogLevel } from '@takst/connector-runtime';

export { ConfigError };

interface CommonConfig {
  /** The platform's base URL, e.g. http://127.0.0.1:3000. */
  takstUrl: string;
  /** The connector's own API key (`tk_…`): its actor in every audit entry and event. */
  takstApiKey: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logLevel: LogLevel;
  /** How many inspections a backfill works on at once. */
  backfillConcurrency: number;
}

export interface ToolAConfig extends CommonConfig {
  tool: 'a';
  planlyUrl: string;
  planlyToken: string;
  /** The secret Planly signs its webhooks to this connector with (the connector registers it in Planly). */
  planlyWebhookSecret: string;
  /** The `whsec_…` secret of the platform webhook endpoint that points at this connector. */
  takstWebhookSecret: string;
  /** Where Planly reaches this connector; its own listening address when unset. */
  publicUrl: string | null;
}

export interface ToolBConfig extends CommonConfig {
  tool: 'b';
  kalendraUrl: string;
  kalendraApiKey: string;
  /** Where the platform checkpoint and Kalendra's feed cursor are kept. */
  stateDir: string;
  /** How long to wait before asking the platform and Kalendra again once caught up. */
  pollIntervalMs: number;
}

export type BookingSyncConfig = ToolAConfig | ToolBConfig;

export function loadConfig(env: Env = process.env): BookingSyncConfig {
  const read = new EnvReader(env);
  const tool = read.optional('BOOKING_TOOL');
  if (tool !== 'a' && tool !== 'b') {
    read.problems.push(`BOOKING_TOOL must be a (Planly) or b (Kalendra), not ${tool === null ? 'unset' : `"${tool}"`}`);
  }
  const logLevel = (read.optional('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) read.problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const takstApiKey = read.required('TAKST_API_KEY', "the connector's own platform API key (tk_…)");
  if (takstApiKey && !takstApiKey.startsWith('tk_'))
    read.problems.push('TAKST_API_KEY must be a platform API key (tk_…)');
  const common: CommonConfig = {
    takstUrl: read.url('TAKST_URL', "the platform's address, e.g. http://127.0.0.1:3000"),
    takstApiKey,
    host: read.optional('HOST') ?? '127.0.0.1',
    port: read.integer('PORT', tool === 'b' ? 4202 : 4201, 0, 65_535),
    logLevel,
    backfillConcurrency: read.integer('BOOKING_SYNC_BACKFILL_CONCURRENCY', 4, 1, 64),
  };
  let config: BookingSyncConfig | undefined;
  if (tool === 'a') {
    const takstWebhookSecret = read.required(
      'TAKST_WEBHOOK_SECRET',
      "the whsec_… secret of the platform's webhook endpoint pointing at this connector",
    );
    if (takstWebhookSecret && !takstWebhookSecret.startsWith('whsec_')) {
      read.problems.push('TAKST_WEBHOOK_SECRET must be a platform webhook secret (whsec_…)');
    }
    config = {
      ...common,
      tool,
      planlyUrl: read.url('PLANLY_URL', "Planly's address"),
      planlyToken: read.required('PLANLY_TOKEN', "Planly's API token"),
      planlyWebhookSecret: read.required(
        'PLANLY_WEBHOOK_SECRET',
        "a secret of your choosing that Planly signs this connector's webhooks with",
      ),
      takstWebhookSecret,
      publicUrl: read.url('BOOKING_SYNC_PUBLIC_URL', 'where Planly reaches this connector', false) || null,
    };
  } else if (tool === 'b') {
    config = {
      ...common,
      tool,
      kalendraUrl: read.url('KALENDRA_URL', "Kalendra's address"),
      kalendraApiKey: read.required('KALENDRA_API_KEY', "Kalendra's API key (X-Api-Key)"),
      stateDir: path.resolve(read.optional('BOOKING_SYNC_STATE_DIR') ?? '.data/booking-sync-b'),
      pollIntervalMs: read.integer('BOOKING_SYNC_POLL_INTERVAL_MS', 1000, 50, 60_000),
    };
  }
  if (read.problems.length > 0 || !config) throw new ConfigError('booking-sync', read.problems);
  return config;
}
