import http from 'node:http';

export interface WireAnswer {
  status: number;
  body: string;
}

/** A request that got no HTTP answer: `reason` names why, for the failure counts. */
export class NoAnswer extends Error {
  constructor(readonly reason: 'timeout' | 'connection') {
    super(reason);
  }
}

export interface WireRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  idempotencyKey?: string;
}

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Requests as a client without the SDK sends them: plain HTTP/1.1 with the bearer key, over a
 * keep-alive pool. node:http rather than fetch, the leaner of the two: the generator shares the
 * machine's cores with the server it measures.
 */
export class WireClient {
  readonly #agent: http.Agent;
  readonly #url: URL;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    maxSockets: number,
  ) {
    this.#url = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request({ method, path, body, idempotencyKey }: WireRequest): Promise<WireAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${this.apiKey}` };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: this.#url.hostname, port: this.#url.port, method, path, headers, agent: this.#agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', () => reject(new NoAnswer('connection')));
        },
      );
      request.setTimeout(REQUEST_TIMEOUT_MS, () => {
        request.destroy();
        reject(new NoAnswer('timeout'));
      });
      request.on('error', () => reject(new NoAnswer('connection')));
      request.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** A query the way the SDK's batch link sends it: `GET /trpc/<procedure>?batch=1&input={"0":…}`. */
export function trpcQueryPath(procedure: string, input: unknown): string {
  return `/trpc/${procedure}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`;
}

/** `data` of a batched query's answer, or of a plain mutation's. */
export function trpcData<T>(body: string): T | undefined {
  const parsed = JSON.parse(body) as { result?: { data?: T } } | [{ result?: { data?: T } }];
  return Array.isArray(parsed) ? parsed[0]?.result?.data : parsed.result?.data;
}
