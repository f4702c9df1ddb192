/**
 * The long-lived side of the load: SSE followers of the event log connected for the whole run,
 * and a local webhook receiver the server's in-process worker delivers to.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WireClient } from './soak-http';
import { trpcData } from './soak-http';

const RECONNECT_PAUSE_MS = 1_000;

/** Follows `GET /api/v1/events/stream` from a sequence on; resumes with Last-Event-ID when cut off. */
export class EventFollower {
  received = 0;
  reconnects = 0;
  lastSequence: number;
  #request: http.ClientRequest | null = null;
  #stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    after: number,
  ) {
    this.lastSequence = after;
  }

  /** Resolves once the first connection answered 200. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => this.#connect(resolve, reject));
  }

  stop(): void {
    this.#stopped = true;
    this.#request?.destroy();
  }

  #connect(onOpen?: () => void, onRefused?: (error: Error) => void): void {
    const url = new URL(`/api/v1/events/stream?after=${this.lastSequence}`, this.baseUrl);
    const request = http.get(url, {
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        accept: 'text/event-stream',
        'last-event-id': String(this.lastSequence),
      },
    });
    this.#request = request;
    let pending = '';
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        onRefused?.(new Error(`the event stream answered ${response.statusCode}`));
        return;
      }
      onOpen?.();
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) this.#read(line);
      });
      response.on('end', () => this.#reconnect());
      response.on('error', () => this.#reconnect());
    });
    request.on('error', (error) => {
      if (onRefused) onRefused(error);
      else this.#reconnect();
    });
  }

  #read(line: string): void {
    if (!line.startsWith('id:')) return;
    this.received++;
    this.lastSequence = Number(line.slice(3).trim());
  }

  #reconnect(): void {
    if (this.#stopped) return;
    this.reconnects++;
    setTimeout(() => {
      if (!this.#stopped) this.#connect();
    }, RECONNECT_PAUSE_MS);
  }
}

export async function startFollowers(
  count: number,
  baseUrl: string,
  apiKey: string,
  after: number,
): Promise<EventFollower[]> {
  const followers = Array.from({ length: count }, () => new EventFollower(baseUrl, apiKey, after));
  await Promise.all(followers.map((follower) => follower.start()));
  return followers;
}

/** Waits up to `timeoutMs` for every follower to have the event at `head`. */
export async function followersCaughtUp(followers: readonly EventFollower[], head: number, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (followers.some((f) => f.lastSequence < head) && performance.now() < deadline) await sleep(200);
  return followers.every((f) => f.lastSequence >= head);
}

/** Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), any of several. */
function signedBy(secret: string, headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
    .digest();
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  return signatures.some((signature) => {
    const given = Buffer.from(signature.replace(/^v1,/, ''), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

/** Answers 204 to every delivery; counts them, repeats of a webhook-id, and bad signatures. */
export class WebhookReceiver {
  readonly #seen = new Set<string>();
  duplicates = 0;
  badSignatures = 0;
  secret = '';

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = http.createServer((request, response) => receiver?.handle(request, response));
    receiver = new WebhookReceiver(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/soak-hook`;
  }

  get delivered(): number {
    return this.#seen.size;
  }

  handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id']);
      if (!signedBy(this.secret, request.headers, Buffer.concat(chunks).toString('utf8'))) this.badSignatures++;
      if (this.#seen.has(id)) this.duplicates++;
      this.#seen.add(id);
      response.writeHead(204).end();
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Subscribes the receiver to every assignment event; the server must allow loopback URLs. */
export async function subscribeReceiver(client: WireClient, receiver: WebhookReceiver): Promise<void> {
  const answer = await client.request({
    method: 'POST',
    path: '/trpc/webhooks.create',
    body: { url: receiver.url, eventTypes: ['assignment.*'] },
  });
  const created = answer.status === 200 ? trpcData<{ secret: string }>(answer.body) : undefined;
  if (!created) throw new Error(`webhooks.create answered ${answer.status}: ${answer.body}`);
  receiver.secret = created.secret;
}
