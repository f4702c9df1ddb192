import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets the server must read back (webhook signing secrets) are kept sealed at rest with
 * AES-256-GCM under a 32-byte key the database never sees. A sealed value names the key that
 * sealed it, so the key can be replaced: the new key seals, the old ones still open, and
 * `secrets:reencrypt` moves every value over to the new key.
 *
 *   v1:<key id>:<iv, base64>:<ciphertext and tag, base64>
 *
 * The version and key id are authenticated too (additional data), so a value cannot be moved
 * under another key's name.
 */
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

export const SECRETS_KEY_FORMAT =
  "32 random bytes written as base64 (44 characters) or hex (64 characters); make one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64'))\"";

/** A key that is not 32 bytes of base64 or hex. */
export class SecretsKeyError extends Error {}

/** A sealed value this box cannot open: sealed under a key it does not hold, or altered. */
export class SecretUnreadableError extends Error {
  constructor(
    message: string,
    /** The id of the key the value names; null when the value is not one this box made. */
    readonly keyId: string | null,
  ) {
    super(message);
  }
}

/** The key in `text`: 64 hex digits, or base64 (standard or URL-safe, padded or not) of 32 bytes. */
export function parseSecretsKey(text: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new SecretsKeyError(`must be ${SECRETS_KEY_FORMAT}`);
}

export const generateSecretsKey = (): Buffer => randomBytes(KEY_BYTES);

/**
 * A short name for a key, stored beside each value it seals: 8 hex digits of a hash of the key,
 * which tell keys apart and say nothing usable about them.
 */
export function secretsKeyId(key: Buffer): string {
  return createHash('sha256').update('takst secrets key id\n').update(key).digest('hex').slice(0, 8);
}

export const isSealed = (stored: string): boolean => stored.startsWith(`${VERSION}:`);

/**
 * Seals with the current key and opens with any key it holds. Values from before encryption
 * (plain `whsec_…` text) are opened as they are, so rows written by an older server keep working
 * until they are sealed.
 */
export class SecretBox {
  readonly #current: { id: string; key: Buffer };
  readonly #keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new SecretsKeyError(`a secrets key must be ${KEY_BYTES} bytes`);
      const id = secretsKeyId(key);
      const known = this.#keys.get(id);
      if (known && !known.equals(key)) throw new SecretsKeyError(`two different secrets keys share the id ${id}`);
      this.#keys.set(id, key);
    }
    this.#current = { id: secretsKeyId(current), key: current };
  }

  /** The id of the key that seals. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  /** Every key id this box can open, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  seal(plain: string): string {
    const header = `${VERSION}:${this.#current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(header));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${iv.toString('base64')}:${sealed.toString('base64')}`;
  }

  open(stored: string): string {
    if (!isSealed(stored)) {
      if (stored.startsWith('whsec_')) return stored;
      throw new SecretUnreadableError('The stored secret is neither sealed (v1:…) nor a plain whsec_ secret', null);
    }
    const [version, keyId = '', ivText = '', sealedText = '', ...rest] = stored.split(':');
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new SecretUnreadableError(
        `The stored secret is sealed with secrets key ${keyId}, which this server does not hold ` +
          `(TAKST_SECRETS_KEY is ${this.#current.id}; TAKST_SECRETS_KEY_PREVIOUS holds ${this.#previousIds()}). ` +
          'Give the server that key as TAKST_SECRETS_KEY_PREVIOUS.',
        keyId,
      );
    }
    const iv = Buffer.from(ivText, 'base64');
    const sealed = Buffer.from(sealedText, 'base64');
    if (rest.length > 0 || iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
      throw new SecretUnreadableError(`The stored secret sealed with key ${keyId} is malformed`, keyId);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${version}:${keyId}`));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new SecretUnreadableError(
        `The stored secret does not open with secrets key ${keyId}: it was altered, or sealed by another key of that id`,
        keyId,
      );
    }
  }

  /** Whether the value should be sealed again: it is plain, or sealed under a key other than the current one. */
  needsResealing(stored: string): boolean {
    return !stored.startsWith(`${VERSION}:${this.#current.id}:`);
  }

  #previousIds(): string {
    const previous = this.keyIds.filter((id) => id !== this.#current.id);
    return previous.length > 0 ? previous.join(', ') : 'none';
  }
}
