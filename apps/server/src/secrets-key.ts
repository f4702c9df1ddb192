import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  generateSecretsKey,
  parseSecretsKey,
  resealWebhookSecrets,
  SecretBox,
  SecretsKeyError,
  secretsKeyId,
} from '@takst/api';
import type { MikroORM } from '@takst/db';
import type { Logger } from 'pino';
import { type Config, ConfigError } from './config';
import { StartupError } from './embedded-postgres';

/** Where the embedded set-up keeps the key it made, in TAKST_DATA_DIR beside `postgres/`. */
export const SECRETS_KEY_FILE = 'secrets.key';

const MAKE_ONE = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64'))"`;

const MISSING_WITH_DATABASE_URL = [
  'Invalid configuration:',
  '  TAKST_SECRETS_KEY: required with DATABASE_URL. It seals webhook signing secrets in the database;',
  `  make one with ${MAKE_ONE},`,
  '  give the same key to every server and worker of that database, and keep it safe: without it the secrets cannot be read.',
].join('\n');

/**
 * The box that seals and opens webhook secrets: TAKST_SECRETS_KEY with TAKST_SECRETS_KEY_PREVIOUS.
 * Without TAKST_SECRETS_KEY, a server on the embedded PostgreSQL uses the key kept in its data
 * folder (made on the first start), since the data it seals lives there too; one on a
 * DATABASE_URL refuses to start, as every process of a shared database must hold the same key.
 */
export async function secretBoxFor(config: Config, logger: Logger): Promise<SecretBox> {
  let current = config.TAKST_SECRETS_KEY;
  if (!current) {
    if (config.DATABASE_URL) throw new ConfigError(MISSING_WITH_DATABASE_URL);
    current = await keyOfDataFolder(config.TAKST_DATA_DIR, logger);
  }
  try {
    return new SecretBox(current, config.TAKST_SECRETS_KEY_PREVIOUS);
  } catch (error) {
    if (error instanceof SecretsKeyError)
      throw new ConfigError(`Invalid configuration:\n  TAKST_SECRETS_KEY: ${error.message}`);
    throw error;
  }
}

/** The key in `<dataDir>/secrets.key`, made (mode 0600) if there is none yet. */
export async function keyOfDataFolder(dataDir: string, logger: Logger): Promise<Buffer> {
  const file = path.resolve(dataDir, SECRETS_KEY_FILE);
  const existing = await readKeyFile(file, logger);
  if (existing) return existing;
  await mkdir(path.dirname(file), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new StartupError(
      `Cannot create ${path.dirname(file)} for the secrets key (${error.code}): set TAKST_DATA_DIR to a folder you can write to, or set TAKST_SECRETS_KEY.`,
    );
  });
  const key = generateSecretsKey();
  // Written aside and linked into place: the file appears whole or not at all, and of two starts
  // at once the second finds the first one's key rather than replacing it.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await link(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return (await readKeyFile(file, logger)) as Buffer;
    throw new StartupError(
      `Cannot write the secrets key to ${file} (${code}): set TAKST_DATA_DIR to a folder you can write to, or set TAKST_SECRETS_KEY.`,
    );
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  logger.info(
    { file, keyId: secretsKeyId(key) },
    'made a secrets key for webhook secrets; back it up with the data folder: without it they cannot be read',
  );
  return key;
}

async function readKeyFile(file: string, logger: Logger): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StartupError(`Cannot read the secrets key ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
  let key: Buffer;
  try {
    key = parseSecretsKey(text);
  } catch (error) {
    throw new StartupError(`${file} does not hold a secrets key: it ${(error as Error).message}.`);
  }
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
    logger.warn(
      { file, mode: (mode & 0o777).toString(8) },
      'the secrets key file was readable by others; made it 0600',
    );
  }
  return key;
}

/**
 * Seals the webhook secrets still stored plain (rows from before encryption) with the current
 * key: one pass at every start-up, under the start-up lock. Rows sealed under an older key are
 * left to `secrets:reencrypt`, since a process not yet given the new key could not read them.
 */
export async function sealPlainSecrets(orm: MikroORM, secrets: SecretBox, logger: Logger): Promise<void> {
  const outcome = await resealWebhookSecrets(orm.em.fork(), secrets, { legacyOnly: true });
  if (outcome.resealed > 0) {
    logger.info({ endpoints: outcome.resealed, keyId: secrets.currentKeyId }, 'sealed plain webhook secrets');
  }
  for (const { endpointId, reason } of outcome.unreadable) {
    logger.error({ endpointId, reason }, 'a stored webhook secret is unreadable and was left as it is');
  }
}
