// Standard Webhooks (https://www.standardwebhooks.com) verification with Web Crypto only, so it
// runs alike in Node.js 20+, browsers, Deno and edge runtimes.

export type WebhookVerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'bad_signature'
  | 'invalid_secret'
  | 'invalid_payload'
  | 'body_too_large';

/** A webhook that must not be trusted; `reason` says why. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** What the platform sends: the event type, when it was sent, and the event. */
export interface WebhookPayload<Data = unknown> {
  type: string;
  timestamp: string;
  data: Data;
}

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way; 300 (five minutes) by default. */
  toleranceSeconds?: number;
  /** The time to check the timestamp against; now by default. */
  now?: Date;
}

const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';
const encoder = new TextEncoder();

type HeaderRecord = Record<string, string | readonly string[] | undefined>;

/** A `Headers` object, or a plain record such as Node's `req.headers`. */
export type WebhookHeaders = { get(name: string): string | null } | HeaderRecord;

const isHeadersObject = (headers: WebhookHeaders): headers is { get(name: string): string | null } =>
  typeof headers.get === 'function';

function headerOf(headers: WebhookHeaders, name: string): string | undefined {
  if (isHeadersObject(headers)) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[0];
}

function base64Bytes(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

async function signingKey(secret: string): Promise<CryptoKey> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = base64Bytes(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  } catch {
    bytes = new Uint8Array();
  }
  if (bytes.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'The secret must be "whsec_" followed by base64');
  }
  return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
}

/** The `v1` signatures of a `webhook-signature` header, decoded; malformed ones are left out. */
function v1Signatures(header: string): Uint8Array<ArrayBuffer>[] {
  const signatures: Uint8Array<ArrayBuffer>[] = [];
  for (const entry of header.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) continue;
    try {
      signatures.push(base64Bytes(signature));
    } catch {
      // not base64: it cannot match
    }
  }
  return signatures;
}

/** The signing keys of the secrets; any one of them may have signed (a rotation in progress). */
async function signingKeys(secret: string | readonly string[]): Promise<CryptoKey[]> {
  const secrets = typeof secret === 'string' ? [secret] : secret;
  if (secrets.length === 0) {
    throw new WebhookVerificationError('invalid_secret', 'Expected at least one secret');
  }
  return Promise.all(secrets.map(signingKey));
}

async function hasValidSignature(keys: readonly CryptoKey[], signed: Uint8Array<ArrayBuffer>, header: string) {
  const signatures = v1Signatures(header);
  for (const key of keys) {
    for (const signature of signatures) {
      // subtle.verify compares in constant time.
      if (await crypto.subtle.verify('HMAC', key, signature, signed)) return true;
    }
  }
  return false;
}

function checkTimestamp(timestamp: string, options: VerifyWebhookOptions): void {
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be whole seconds since 1970');
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const age = Math.floor((options.now ?? new Date()).getTime() / 1000) - Number(timestamp);
  if (age > tolerance) {
    throw new WebhookVerificationError('timestamp_too_old', `The webhook was signed ${age} s ago`);
  }
  if (-age > tolerance) {
    throw new WebhookVerificationError('timestamp_in_future', `The webhook is signed ${-age} s in the future`);
  }
}

function parsePayload(body: string): WebhookPayload {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The body is not JSON');
  }
  if (typeof payload !== 'object' || payload === null || typeof (payload as { type?: unknown }).type !== 'string') {
    throw new WebhookVerificationError('invalid_payload', 'The body is not a webhook payload');
  }
  return payload as WebhookPayload;
}

/** A verified webhook: the delivery's id, and the parsed body. */
export interface VerifiedWebhook<Payload = WebhookPayload> {
  /** The `webhook-id` header: the same for every attempt of one delivery; de-duplicate on it. */
  webhookId: string;
  /** The parsed body `{ type, timestamp, data }`. */
  payload: Payload;
}

/** As `verifyWebhook`, keeping the `webhook-id` beside the payload. */
export async function verifyWebhookDelivery<Payload = WebhookPayload>(
  body: string,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<Payload>> {
  const id = headerOf(headers, 'webhook-id');
  const timestamp = headerOf(headers, 'webhook-timestamp');
  const signature = headerOf(headers, 'webhook-signature');
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError(
      'missing_headers',
      'Expected the headers webhook-id, webhook-timestamp and webhook-signature',
    );
  }
  const keys = await signingKeys(secret);
  if (!(await hasValidSignature(keys, encoder.encode(`${id}.${timestamp}.${body}`), signature))) {
    throw new WebhookVerificationError('bad_signature', 'No signature matches the body and the secret');
  }
  checkTimestamp(timestamp, options);
  return { webhookId: id, payload: parsePayload(body) as Payload };
}

/**
 * Checks that a webhook came from the platform, signed with `secret` (`whsec_...`; or a list of
 * secrets, any of which may match, while you rotate yours), and is fresh, then returns its
 * payload. Pass the body exactly as received: parsing and re-serialising it changes the bytes
 * that were signed. Throws `WebhookVerificationError`.
 */
export async function verifyWebhook<Data = unknown>(
  body: string,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<WebhookPayload<Data>> {
  return (await verifyWebhookDelivery<WebhookPayload<Data>>(body, headers, secret, options)).payload;
}
