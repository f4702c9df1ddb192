/**
 * The fuzzer's HTTP client: node:http rather than fetch, because fetch refuses methods such as
 * TRACE, sets its own content type and cannot send bytes that are not UTF-8 the way a raw client
 * can. Only 127.0.0.1 (or another loopback address) is ever talked to.
 */
import { Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface FuzzRequest {
  method: string;
  /** Path and query, e.g. `/trpc/assignments.get?input=%7B%7D`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** An event stream never ends: read its head and what arrives in the first moments, then hang up. */
  stream?: boolean;
}

export interface Answer {
  /** Null when no answer came (timeout, reset connection). */
  status: number | null;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body was longer than what was kept. */
  truncated: boolean;
  durationMs: number;
  /** Why there was no answer. */
  failure?: string;
  /** The request could not even be sent as made (a fuzzer bug, not the server's). */
  clientSide?: boolean;
}

/** Kept of each body; the checks need the start of it, and an export can be long. */
const KEEP_BYTES = 2 * 1024 * 1024;
const STREAM_READ_MS = 300;

export function assertLoopback(baseUrl: string): URL {
  const url = new URL(baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !(host === '127.0.0.1' || host === '::1' || host === 'localhost')) {
    throw new Error(`the fuzzer talks only to http://127.0.0.1 (or another loopback address), not ${baseUrl}`);
  }
  return url;
}

export class HttpClient {
  readonly #base: URL;
  readonly #agent: Agent;

  constructor(
    baseUrl: string,
    concurrency: number,
    private readonly timeoutMs: number,
  ) {
    this.#base = assertLoopback(baseUrl);
    this.#agent = new Agent({ keepAlive: true, maxSockets: concurrency + 2 });
  }

  close(): void {
    this.#agent.destroy();
  }

  send(fuzzRequest: FuzzRequest, timeoutMs = this.timeoutMs): Promise<Answer> {
    const started = performance.now();
    return new Promise<Answer>((resolve) => {
      let settled = false;
      const finish = (answer: Omit<Answer, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...answer, durationMs: performance.now() - started });
      };
      const headers: Record<string, string | number> = { ...fuzzRequest.headers };
      if (fuzzRequest.body !== undefined) headers['content-length'] = Buffer.byteLength(fuzzRequest.body);
      let req: ReturnType<typeof request>;
      try {
        req = request({
          host: this.#base.hostname.replace(/^\[|\]$/g, ''),
          port: this.#base.port,
          method: fuzzRequest.method,
          path: fuzzRequest.path,
          headers,
          agent: this.#agent,
          // The server's own limit (16 kB by default) is what is being tried, not the client's.
          maxHeaderSize: 64 * 1024,
        });
      } catch (error) {
        resolve({
          status: null,
          headers: {},
          text: '',
          truncated: false,
          durationMs: 0,
          failure: `the request could not be made: ${(error as Error).message}`,
          clientSide: true,
        });
        return;
      }
      const timer = setTimeout(() => {
        finish({ status: null, headers: {}, text: '', truncated: false, failure: `no answer within ${timeoutMs} ms` });
        req.destroy();
      }, timeoutMs);
      req.on('error', (error) => {
        finish({ status: null, headers: {}, text: '', truncated: false, failure: error.message });
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        let truncated = false;
        const done = () =>
          finish({
            status: res.statusCode ?? null,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
            truncated,
          });
        res.on('data', (chunk: Buffer) => {
          if (kept + chunk.length > KEEP_BYTES) truncated = true;
          else {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        res.on('end', done);
        res.on('error', done);
        res.on('close', done);
        const eventStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (fuzzRequest.stream && eventStream) {
          setTimeout(() => {
            done();
            req.destroy();
          }, STREAM_READ_MS);
        }
      });
      req.end(fuzzRequest.body);
    });
  }
}
