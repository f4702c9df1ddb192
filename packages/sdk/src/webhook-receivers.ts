// Receiving webhooks where they arrive: a Fetch `Request`, Node's `IncomingMessage`, an Express
// route. All three read the raw body and hand it to `verifyWebhookDelivery`; nothing here imports
// Node.js or Express, so the module stays as portable as the rest of the SDK entry.
import {
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  verifyWebhookDelivery,
  type WebhookHeaders,
  type WebhookPayload,
  WebhookVerificationError,
} from './webhooks';

/** The options of the receivers that read a Node.js request's body themselves. */
export interface ReadBodyOptions {
  /** The largest body read, in bytes; 1 MiB by default. A larger one is refused as `body_too_large`. */
  maxBodyBytes?: number;
}

/** Node's `IncomingMessage`, or anything that yields the body's chunks and has `headers`. */
export interface NodeLikeRequest {
  headers: WebhookHeaders;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array | string>;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

/**
 * Verifies a webhook given as a Fetch API `Request` (Deno, Bun, Cloudflare Workers, Next.js route
 * handlers, Hono). Reads `request.text()`, so the body must not have been read before. Throws
 * `WebhookVerificationError`.
 */
export async function verifyWebhookRequest<Payload extends WebhookPayload = WebhookPayload>(
  request: Request,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<Payload>> {
  return verifyWebhookDelivery<Payload>(await request.text(), request.headers, secret, options);
}

function maxBodyBytesOf(options: ReadBodyOptions): number {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isInteger(max) && max > 0)) {
    throw new RangeError(`maxBodyBytes must be a whole number of bytes above 0, not ${max}`);
  }
  return max;
}

/**
 * The body as text, refused once it grows past `maxBytes`. The iterator is left, not returned:
 * returning it would destroy a Node.js request, and with it the socket the refusal goes out on.
 */
async function readBody(request: NodeLikeRequest, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const iterator = request[Symbol.asyncIterator]();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    const chunk = typeof next.value === 'string' ? encoder.encode(next.value) : next.value;
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new WebhookVerificationError('body_too_large', `The body is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(body);
}

/**
 * Verifies a webhook arriving as a Node.js `http.IncomingMessage` (or anything async-iterable
 * over the body's chunks with `headers`): reads the body (at most `maxBodyBytes`, 1 MiB by
 * default), then checks it. Throws `WebhookVerificationError`.
 */
export async function verifyNodeWebhook<Payload extends WebhookPayload = WebhookPayload>(
  request: NodeLikeRequest,
  secret: string | readonly string[],
  options: VerifyWebhookOptions & ReadBodyOptions = {},
): Promise<VerifiedWebhook<Payload>> {
  const body = await readBody(request, maxBodyBytesOf(options));
  return verifyWebhookDelivery<Payload>(body, request.headers, secret, options);
}

/** An Express request (4 or 5), or Node's `IncomingMessage`: `body` is set by a body parser, if one ran. */
export interface ExpressLikeRequest extends NodeLikeRequest {
  body?: unknown;
}

/** What the handler needs of an Express response; Node's `ServerResponse` has it too. */
export interface ExpressLikeResponse {
  readonly headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(chunk?: string): unknown;
}

export interface ExpressWebhookOptions extends VerifyWebhookOptions, ReadBodyOptions {
  /**
   * Told when the handler throws (the platform is answered 500 and sends the webhook again
   * later); by default the error goes to `console.error`.
   */
  onHandlerError?: (error: unknown, webhook: VerifiedWebhook) => void;
}

export type WebhookHandler<Payload extends WebhookPayload, Req, Res> = (
  webhook: VerifiedWebhook<Payload>,
  request: Req,
  response: Res,
) => unknown;

const MOUNT_BEFORE_JSON =
  'expressWebhookHandler got a body already parsed as JSON, and the signature is over the raw bytes: ' +
  'mount the webhook route before express.json() (or give it express.raw({ type: "application/json" }))';

function answer(response: ExpressLikeResponse, status: number, body?: Record<string, string>): void {
  if (response.headersSent) return;
  response.statusCode = status;
  // The rest of a body too large is never read: the connection cannot carry another request.
  if (status === 413) response.setHeader('connection', 'close');
  if (body === undefined) {
    response.end();
    return;
  }
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify(body));
}

/** The sender's fault is a 400; a body too large a 413; a secret we cannot use is ours, a 500. */
function statusOfRefusal(error: WebhookVerificationError): number {
  if (error.reason === 'body_too_large') return 413;
  return error.reason === 'invalid_secret' ? 500 : 400;
}

const isEmptyPlainObject = (value: object) =>
  Object.getPrototypeOf(value) === Object.prototype && Object.keys(value).length === 0;

/**
 * The raw body: the one a raw or text parser left in `req.body`, else read from the stream.
 * body-parser 1 (Express 4) sets `req.body = {}` even when it parsed nothing, and marks what it
 * did parse with `req._body`; so an empty object it did not parse means "not read yet".
 */
async function rawBodyOf(request: ExpressLikeRequest, options: ReadBodyOptions): Promise<string | undefined> {
  const { body } = request;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  const parsed = (request as { _body?: unknown })._body === true;
  if (body === undefined || body === null || (!parsed && typeof body === 'object' && isEmptyPlainObject(body))) {
    return readBody(request, maxBodyBytesOf(options));
  }
  return undefined;
}

/**
 * An Express (4 or 5) route handler for webhooks: verifies each one with `secret` (or any of a
 * list of secrets), then calls `handler(webhook, req, res)`. Answers 400 `{ error: reason }` when
 * verification fails (413 for a body over `maxBodyBytes`, 500 for a secret that is not `whsec_` +
 * base64), 204 once the handler has resolved (unless it answered itself), and 500 when the
 * handler throws, so the platform sends the webhook again later. Works with no body parser and
 * after `express.raw()` or `express.text()`; a body `express.json()` already parsed cannot be
 * verified and is answered 500 with a message saying to mount the route before it. Also works as
 * a plain `node:http` request listener.
 */
export function expressWebhookHandler<
  Payload extends WebhookPayload = WebhookPayload,
  Req extends ExpressLikeRequest = ExpressLikeRequest,
  Res extends ExpressLikeResponse = ExpressLikeResponse,
>(
  secret: string | readonly string[],
  handler: WebhookHandler<Payload, Req, Res>,
  options: ExpressWebhookOptions = {},
): (request: Req, response: Res, next?: (error?: unknown) => void) => Promise<void> {
  maxBodyBytesOf(options);
  const onHandlerError =
    options.onHandlerError ??
    ((error: unknown, webhook: VerifiedWebhook) =>
      console.error(`webhook ${webhook.webhookId}: the handler failed; answered 500`, error));
  return async (request, response, next) => {
    let webhook: VerifiedWebhook<Payload>;
    try {
      const body = await rawBodyOf(request, options);
      if (body === undefined) {
        answer(response, 500, { error: 'body_already_parsed', message: MOUNT_BEFORE_JSON });
        return;
      }
      webhook = await verifyWebhookDelivery<Payload>(body, request.headers, secret, options);
    } catch (error) {
      if (error instanceof WebhookVerificationError) answer(response, statusOfRefusal(error), { error: error.reason });
      else if (next) next(error);
      else answer(response, 500, { error: 'internal_error' });
      return;
    }
    try {
      await handler(webhook, request, response);
    } catch (error) {
      onHandlerError(error, webhook);
      answer(response, 500, { error: 'handler_failed' });
      return;
    }
    answer(response, 204);
  };
}
