/**
 * Webhook receivers on 127.0.0.1: each records every request it gets (the delivery id in
 * `webhook-id`, when the request arrived and when its answer was sent) and answers 200 after a
 * short, random pause, so that an attempt takes long enough for two at once to show.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Arrival {
  deliveryId: string;
  /** performance.now() when the request arrived, and when its answer was sent or its connection cut. */
  startedAt: number;
  endedAt: number | null;
  signatureValid: boolean | null;
  timestamp: string;
  signature: string;
  body: string;
}

const header = (req: IncomingMessage, name: string) => String(req.headers[name] ?? '');

export class WebhookReceiver {
  readonly name: string;
  readonly arrivals: Arrival[] = [];
  /** The endpoint's signing secret, once it is created. */
  secret = '';
  #server: Server | null = null;
  #url = '';
  readonly #answerDelayMs: readonly [number, number];

  constructor(name: string, answerDelayMs: readonly [number, number]) {
    this.name = name;
    this.#answerDelayMs = answerDelayMs;
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const arrival: Arrival = {
        deliveryId: header(req, 'webhook-id'),
        startedAt: performance.now(),
        endedAt: null,
        signatureValid: null,
        timestamp: header(req, 'webhook-timestamp'),
        signature: header(req, 'webhook-signature'),
        body: '',
      };
      this.arrivals.push(arrival);
      // The answer sent, or the connection cut (its worker died): either way the attempt is over.
      res.on('close', () => {
        arrival.endedAt = performance.now();
      });
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        arrival.body = Buffer.concat(chunks).toString('utf8');
        const [low, high] = this.#answerDelayMs;
        setTimeout(
          () => {
            if (res.destroyed) return;
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('ok');
          },
          low + Math.random() * (high - low),
        );
      });
    });
    this.#server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/${encodeURIComponent(this.name)}`;
  }

  /** Checks every arrival's Standard Webhooks signature with the endpoint's secret. */
  verifySignatures(): void {
    const key = Buffer.from(this.secret.replace(/^whsec_/, ''), 'base64');
    for (const arrival of this.arrivals) {
      const expected = createHmac('sha256', key)
        .update(`${arrival.deliveryId}.${arrival.timestamp}.${arrival.body}`)
        .digest();
      arrival.signatureValid = arrival.signature.split(' ').some((entry) => {
        const [version, signature] = entry.split(',');
        const given = Buffer.from(signature ?? '', 'base64');
        return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
      });
    }
  }

  close(): Promise<void> {
    const server = this.#server;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  }
}
