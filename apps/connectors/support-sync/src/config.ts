// The connector's configuration, read from the environment and checked at start-up: a bad or
// missing value stops it with every problem named (exit code 2).
import path from 'node:path';
import { ConfigError, type Env, EnvReader, LOG_LEVELS, type LogLevel } from '@takst/connector-runtime';

export { ConfigError };

export interface SupportSyncConfig {
  /** The platform's base URL, e.g. http://127.0.0.1:3000. */
  takstUrl: string;
  /** The connector's own API key (`tk_…`): its actor in every audit entry and event. */
  takstApiKey: string;
  /** Hjelpa's base URL, e.g. http://127.0.0.1:4103. */
  hjelpaUrl: string;
  hjelpaUser: string;
  hjelpaPassword: string;
  /** The secret Hjelpa signs its webhooks to this connector with (the connector registers it in Hjelpa). */
  hjelpaWebhookSecret: string;
  /** Where Hjelpa reaches this connector; its own listening address when unset. */
  publicUrl: string | null;
  /** The file the position in the platform's event log is kept in. */
  checkpointFile: string;
  /** Where a connector with an empty checkpoint starts: the end of the log, or after this sequence. */
  start: number | 'now';
  /** How long to wait, once caught up, before asking the platform for new events again. */
  pollIntervalMs: number;
  host: string;
  /** 0 picks a free port. */
  port: number;
  logLevel: LogLevel;
}

export function loadConfig(env: Env = process.env): SupportSyncConfig {
  const read = new EnvReader(env);
  const logLevel = (read.optional('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) read.problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const takstApiKey = read.required('TAKST_API_KEY', "the connector's own platform API key (tk_…)");
  if (takstApiKey && !takstApiKey.startsWith('tk_')) {
    read.problems.push('TAKST_API_KEY must be a platform API key (tk_…)');
  }
  const rawStart = read.optional('SUPPORT_SYNC_START') ?? 'now';
  const start = rawStart === 'now' ? 'now' : Number(rawStart);
  if (start !== 'now' && !(Number.isSafeInteger(start) && start >= 0)) {
    read.problems.push(
      `SUPPORT_SYNC_START must be now or an event sequence (0 replays the whole log), not "${rawStart}"`,
    );
  }
  const config: SupportSyncConfig = {
    takstUrl: read.url('TAKST_URL', "the platform's address, e.g. http://127.0.0.1:3000"),
    takstApiKey,
    hjelpaUrl: read.url('HJELPA_URL', "Hjelpa's address, e.g. http://127.0.0.1:4103"),
    hjelpaUser: read.required('HJELPA_USER', "the user name of the connector's Hjelpa API account"),
    hjelpaPassword: read.required('HJELPA_PASSWORD', "the password of the connector's Hjelpa API account"),
    hjelpaWebhookSecret: read.required(
      'HJELPA_WEBHOOK_SECRET',
      "a secret of your choosing that Hjelpa signs this connector's webhooks with",
    ),
    publicUrl: read.url('SUPPORT_SYNC_PUBLIC_URL', 'where Hjelpa reaches this connector', false) || null,
    checkpointFile: path.resolve(
      read.optional('SUPPORT_SYNC_CHECKPOINT_FILE') ?? '.data/support-sync/platform-events.json',
    ),
    start: start === 'now' || Number.isSafeInteger(start) ? start : 'now',
    pollIntervalMs: read.integer('SUPPORT_SYNC_POLL_INTERVAL_MS', 1000, 50, 60_000),
    host: read.optional('HOST') ?? '127.0.0.1',
    port: read.integer('PORT', 4203, 0, 65_535),
    logLevel,
  };
  if (read.problems.length > 0) throw new ConfigError('support-sync', read.problems);
  return config;
}
