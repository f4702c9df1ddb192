import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { allowedAddresses, type PrivateUrlPolicy } from '@takst/api';

/** How much of a receiver's answer is kept in the attempt log. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface PostRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  privateUrls: PrivateUrlPolicy;
}

/** What one attempt came to: the receiver's status and first bytes, or why there was none. */
export interface PostResult {
  statusCode: number | null;
  durationMs: number;
  response: string | null;
  error: string | null;
}

/** Hands the connection only the addresses that were checked, whatever DNS says by then. */
function pinnedLookup(addresses: LookupAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    const usable = family ? addresses.filter((a) => a.family === family) : addresses;
    const [first] = usable;
    if (!first) {
      callback(Object.assign(new Error('no address of the requested family'), { code: 'ENOTFOUND' }), '');
      return;
    }
    if (options.all) callback(null, usable);
    else callback(null, first.address, first.family);
  };
}

// Text columns cannot hold NUL; a cut-off multi-byte character becomes U+FFFD.
const excerptOf = (bytes: Buffer) =>
  new TextDecoder().decode(bytes.subarray(0, RESPONSE_EXCERPT_BYTES)).replaceAll('\0', '');

interface Answer {
  statusCode: number;
  excerpt: string;
}

function exchange(url: URL, addresses: LookupAddress[], request: PostRequest, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        lookup: pinnedLookup(addresses),
        signal,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          resolve({ statusCode: incoming.statusCode ?? 0, excerpt: excerptOf(Buffer.concat(chunks)) });
        incoming.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // The rest of a long answer is of no use; stop reading it.
          if (size >= RESPONSE_EXCERPT_BYTES) {
            finish();
            incoming.destroy();
          }
        });
        incoming.on('end', finish);
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function describe(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${timeoutMs} ms`;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * POSTs one webhook: checks where the URL points (again — DNS may have changed since the
 * endpoint was saved), connects only to the checked addresses, and gives up after the timeout.
 * Never throws; every outcome is an attempt to log.
 */
export async function postWebhook(request: PostRequest): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(request.timeoutMs);
  try {
    const url = new URL(request.url);
    const addresses = await allowedAddresses(url, request.privateUrls);
    const answer = await exchange(url, addresses, request, signal);
    return { statusCode: answer.statusCode, durationMs: elapsed(), response: answer.excerpt, error: null };
  } catch (error) {
    return {
      statusCode: null,
      durationMs: elapsed(),
      response: null,
      error: describe(error, signal, request.timeoutMs),
    };
  }
}
