import { isWellFormedApiKey, parseSecretsKey, RATE_LIMIT_STORES, SecretsKeyError } from '@takst/api';
import { z } from 'zod';
import { checkOidcVariables, parsedBy, parseEmailDomains, parseRoleMap } from './oidc-settings';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule } from './webhooks/schedule';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Keys (32 bytes, base64 or hex) separated by commas, as Buffers; the variable's message names what is wrong. */
const secretsKeys = (text: string, ctx: z.RefinementCtx): Buffer[] => {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  const keys: Buffer[] = [];
  for (const [index, item] of items.entries()) {
    try {
      keys.push(parseSecretsKey(item));
    } catch (error) {
      if (!(error instanceof SecretsKeyError)) throw error;
      const which = items.length > 1 ? `key ${index + 1} ` : '';
      ctx.issues.push({ code: 'custom', message: `${which}${error.message}`, input: text });
      return z.NEVER;
    }
  }
  return keys;
};

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .url()
    .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** A read replica of DATABASE_URL for list and export reads (docs/architecture.md, "Read replica"). */
  DATABASE_READ_URL: z
    .url()
    .refine((url) => /^postgres(ql)?:\/\//.test(url), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** After a caller's write, how long its list and export reads stay on the primary (read-your-writes). */
  TAKST_READ_REPLICA_STICKY_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** A replica further behind than this is bypassed until it catches up. */
  TAKST_READ_REPLICA_MAX_LAG_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TAKST_BOOTSTRAP_ADMIN_KEY: z
    .string()
    .refine(isWellFormedApiKey, 'must look like tk_ followed by at least 43 base64url characters')
    .optional(),
  /** The email of the admin user made at the first start (with no users); admin@takst.local otherwise. */
  TAKST_BOOTSTRAP_ADMIN_EMAIL: z.email().max(254).optional(),
  TAKST_DATA_DIR: z.string().min(1).default('.data'),
  /**
   * The key that seals webhook secrets at rest (AES-256-GCM). Required with DATABASE_URL; with the
   * embedded PostgreSQL one is made once into `<TAKST_DATA_DIR>/secrets.key` when unset.
   */
  TAKST_SECRETS_KEY: z
    .string()
    .transform((text, ctx) => {
      const keys = secretsKeys(text, ctx);
      if (keys.length === 1) return keys[0] as Buffer;
      ctx.issues.push({
        code: 'custom',
        message: 'must be one key (older keys go in TAKST_SECRETS_KEY_PREVIOUS)',
        input: text,
      });
      return z.NEVER;
    })
    .optional(),
  /** Keys that sealed secrets before TAKST_SECRETS_KEY, comma-separated: they still open, never seal. */
  TAKST_SECRETS_KEY_PREVIOUS: z.string().transform(secretsKeys).default([]),
  /** The built console (apps/console/dist) served at `/`; the repository's own by default. */
  TAKST_CONSOLE_DIR: z.string().min(1).optional(),
  /** Fill an empty database with a demo data set at start-up. */
  TAKST_DEMO_DATA: z.stringbool().default(false),
  /** Answer plain tRPC calls without the Express adapter (see trpc-fast-path.ts). */
  TAKST_TRPC_FAST_PATH: z.stringbool().default(true),
  /**
   * Where the rate limit's buckets live: `postgres` (shared by every server on the database) or
   * `memory` (each process its own: n servers give a client n times its limit, but no database work).
   */
  TAKST_RATE_LIMIT_STORE: z.enum(RATE_LIMIT_STORES).default('postgres'),
  /**
   * Which proxies in front of the server to believe about the caller's address (X-Forwarded-For),
   * as Express's "trust proxy" takes it: a number of hops, or addresses/CIDRs/`loopback`,
   * `linklocal`, `uniquelocal`, comma-separated. Unset: none, the connection's address counts.
   */
  TAKST_TRUST_PROXY: z
    .string()
    .transform((text): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim()))
    .optional(),
  /** Sustained procedure calls per second per API client or person. */
  TAKST_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().max(1_000_000).default(50),
  /** Calls an API client may make at once after a quiet spell (the token bucket's size). */
  TAKST_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /**
   * Origins (scheme://host[:port]) besides the server's own whose pages may call the API (CORS,
   * with credentials) and make changes with a session cookie; comma-separated.
   */
  TAKST_CORS_ORIGINS: z
    .string()
    .transform((text, ctx) => {
      const origins = text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      for (const origin of origins) {
        if (!URL.canParse(origin) || new URL(origin).origin !== origin) {
          ctx.issues.push({
            code: 'custom',
            message: `'${origin}' is not an origin like https://app.example.no`,
            input: text,
          });
          return z.NEVER;
        }
      }
      return origins;
    })
    .default([]),
  /** How long a session lasts from sign-in, however busy. */
  TAKST_SESSION_MAX_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(7 * 24),
  /** A session unused this long has ended. */
  TAKST_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(60 * 24 * 365)
    .default(8 * 60),
  /** Single sign-on with OpenID Connect (docs/identity.md): off unless the issuer is set. */
  TAKST_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  TAKST_OIDC_CLIENT_ID: z.string().min(1).optional(),
  TAKST_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Email domains whose people may sign in with the provider; comma-separated. */
  TAKST_OIDC_ALLOWED_DOMAINS: z.string().transform(parsedBy(parseEmailDomains)).optional(),
  TAKST_OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  /** Roles-claim values and the platform roles they give a person created at first sign-in. */
  TAKST_OIDC_ROLE_MAP: z.string().transform(parsedBy(parseRoleMap)).optional(),
  TAKST_OIDC_REDIRECT_URL: z.url({ protocol: /^https?$/ }).optional(),
  TAKST_OIDC_NAME: z.string().min(1).max(60).default('SSO'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Run the webhook delivery worker inside the server process (`worker` runs it on its own). */
  TAKST_WEBHOOK_WORKER: z.stringbool().default(true),
  /** Webhook URLs resolving to private addresses: refused (false), loopback only, or all (true). */
  TAKST_WEBHOOKS_ALLOW_PRIVATE_URLS: z.enum(['false', 'loopback', 'true']).default('false'),
  /** How long a webhook receiver has to answer. */
  TAKST_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(15_000),
  /** Delays before each delivery attempt (`0,5s,5m,…`); their number is the number of attempts. */
  TAKST_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseRetrySchedule(text);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input: text });
        return z.NEVER;
      }
    })
    .default(parseRetrySchedule(DEFAULT_RETRY_SCHEDULE)),
  /** Webhook attempts in flight at once per process. */
  TAKST_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** How often the webhook worker looks for due attempts and missed events. */
  TAKST_WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(500).max(60_000).default(2000),
});

export type Config = z.output<typeof envSchema>;

/** With the rules that span several variables. */
const checkedEnvSchema = envSchema.superRefine(checkOidcVariables).superRefine((config, ctx) => {
  // The embedded PostgreSQL has no replica: a read URL beside it would read another database.
  if (config.DATABASE_READ_URL && !config.DATABASE_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['DATABASE_READ_URL'],
      message: 'needs DATABASE_URL (the primary it replicates)',
    });
  }
});

/** Every environment variable the server reads. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as (keyof typeof envSchema.shape)[];

export class ConfigError extends Error {}

/** Reads the environment once at start-up; a bad value stops start-up naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = checkedEnvSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}
