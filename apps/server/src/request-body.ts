import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { PROBLEM_CONTENT_TYPE, problemOf } from './http-refusal';

/**
 * How much a refused upload may still send, and for how long, after its answer went out. Closing
 * a connection with unread bytes makes the kernel reset it, and a client still sending then
 * loses the answer with its upload (EPIPE, ECONNRESET); reading on for a while lets it finish
 * sending and read the answer, while a client that never stops is cut off all the same.
 */
const DISCARD_AT_MOST_BYTES = 64 * 1024 * 1024;
const DISCARD_AT_MOST_MS = 5_000;

/** `application/json`, with or without parameters such as `charset`; not `application/jsonx`. */
export const isJsonContentType = (contentType: string) =>
  contentType.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';

/**
 * Whether tRPC takes the request for a streaming (JSON Lines) call, as its own `getAcceptHeader`
 * does: `trpc-accept: application/jsonl`, or without that header, an Accept that lists it.
 */
export function asksForJsonLines(req: IncomingMessage): boolean {
  const trpcAccept = req.headers['trpc-accept'];
  if (trpcAccept !== undefined) return trpcAccept === 'application/jsonl';
  return (req.headers.accept ?? '').split(',').some((type) => type.trim() === 'application/jsonl');
}

/**
 * The request's body as text. Beyond `maxBytes` it stops keeping what arrives and fails with
 * PAYLOAD_TOO_LARGE; answer that with `endAfterBody`, which reads the rest.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.off('end', onEnd);
      req.pause();
      reject(new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `The body is larger than ${maxBytes} bytes` }));
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.once('error', reject);
  });
}

/**
 * Reads and drops what `source` still sends, up to the bounds above, then calls `finish` once:
 * closing a connection on unread bytes resets it, and the client loses the answer.
 */
function discardThen(source: Readable, finish: () => void): void {
  let discarded = 0;
  const onData = (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_AT_MOST_BYTES) done();
  };
  const done = () => {
    clearTimeout(timer);
    source.off('data', onData);
    source.off('end', done);
    source.off('close', done);
    source.off('error', done);
    finish();
  };
  const timer = setTimeout(done, DISCARD_AT_MOST_MS);
  source.on('data', onData);
  source.once('end', done);
  source.once('close', done);
  source.once('error', done);
  source.resume();
}

/**
 * Sends `body`, the whole answer (its head, with Content-Length and `Connection: close`, already
 * written), at once; then reads and drops what the client still sends, and only then ends the
 * answer, which closes the connection.
 */
export function endAfterBody(req: IncomingMessage, res: ServerResponse, body: string): void {
  res.write(body);
  if (req.complete || req.destroyed) {
    res.end();
    return;
  }
  discardThen(req, () => {
    if (!res.writableEnded) res.end();
  });
}

const answered = new WeakSet<Duplex>();
const HEAD_TOO_LARGE = 'The request line and headers are larger than 16 kB; send large input as a POST body';

/**
 * Answers a request whose URL and headers overflow Node.js's 16 kB bound (it never becomes a
 * request) with 431 in the error shape, then reads and drops what the client still sends, as
 * for a 413: Node.js's own answer closes at once, and a client still sending a long URL got a
 * reset instead of the answer. Other parse errors keep Node.js's own 400.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // Node.js reports the overflow again for data that keeps arriving: answer it once.
  if (answered.has(socket)) return;
  if (error.code !== 'HPE_HEADER_OVERFLOW' || !socket.writable) {
    socket.destroy(error);
    return;
  }
  answered.add(socket);
  const requestId = randomUUID();
  // Problem details, as every refusal outside /trpc; written to the socket, as there is no response object.
  const problem = problemOf(
    { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', httpStatus: 431, errorCode: 'BAD_REQUEST', requestId },
    HEAD_TOO_LARGE,
  );
  const body = JSON.stringify(problem);
  socket.write(
    `HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
  discardThen(socket, () => socket.end());
}
