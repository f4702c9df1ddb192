import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

// A body over the limit is refused with 413; a client still uploading must get to read that
// answer rather than a reset connection (EPIPE, ECONNRESET) with nothing in it.
let fast: TestServer;
let adapter: TestServer;
beforeAll(async () => {
  fast = await startTestServer();
  adapter = await startTestServer({ sharing: fast, env: { TAKST_TRPC_FAST_PATH: 'false' } });
});
afterAll(async () => {
  await adapter?.close();
  await fast?.close();
});

interface Upload {
  status: number;
  headers: Record<string, string>;
  body: { error?: { data?: Record<string, unknown> } };
  /** What went wrong on the connection (EPIPE, ECONNRESET), if anything. */
  failure: string | null;
}

/** A chunked body's content. */
function unchunked(body: string): string {
  let content = '';
  for (let at = 0; ; ) {
    const lineEnd = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    if (!(size > 0)) return content;
    content += body.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Connects over a plain socket, lets `send` write the request (all of it, before anything is
 * read: the way of clients that send their whole body before they look at the answer), and
 * reads what came back until the server closes.
 */
function exchange(server: TestServer, send: (socket: Socket, host: string) => void): Promise<Upload> {
  const { hostname, port } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  const received: Buffer[] = [];
  socket.on('data', (data: Buffer) => received.push(data));
  return new Promise((resolve) => {
    let failure: string | null = null;
    socket.once('error', (error: NodeJS.ErrnoException) => {
      failure = error.code ?? error.message;
    });
    socket.once('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      let parsed: Upload['body'] = {};
      try {
        parsed = JSON.parse(headers['transfer-encoding'] === 'chunked' ? unchunked(body) : body);
      } catch {}
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: parsed, failure });
    });
    send(socket, `${hostname}:${port}`);
  });
}

/** Uploads `megabytes` in chunks (chunked encoding, no Content-Length) as fast as the server reads them. */
function upload(server: TestServer, megabytes: number, requestId: string): Promise<Upload> {
  return exchange(server, (socket, host) => {
    socket.write(
      [
        'POST /trpc/parties.create HTTP/1.1',
        `Host: ${host}`,
        `Authorization: Bearer ${server.adminKey}`,
        'Content-Type: application/json',
        'Transfer-Encoding: chunked',
        `X-Request-Id: ${requestId}`,
        '',
        '',
      ].join('\r\n'),
    );
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = (megabytes * 1024 * 1024) / chunk.length;
    const write = () => {
      while (left > 0 && !socket.destroyed) {
        left -= 1;
        socket.write(`${chunk.length.toString(16)}\r\n`);
        if (!socket.write(Buffer.concat([chunk, Buffer.from('\r\n')]))) {
          socket.once('drain', write);
          return;
        }
      }
      if (!socket.destroyed) socket.end('0\r\n\r\n');
    };
    write();
  });
}

describe('a chunked upload over the body limit', () => {
  it.each([
    ['the fast path', () => fast],
    ["tRPC's adapter", () => adapter],
  ])('gets its 413 answer through %s, with no reset while it still sends', async (_, server) => {
    const requestId = `upload-${server() === fast ? 'fast' : 'adapter'}`;
    const answer = await upload(server(), 20, requestId);
    expect(answer.failure).toBeNull();
    expect(answer.status).toBe(413);
    expect(answer.body.error?.data).toMatchObject({ errorCode: 'PAYLOAD_TOO_LARGE', requestId });
    expect(answer.headers.connection).toBe('close');
  });

  it('leaves the server serving', async () => {
    expect((await fetch(`${fast.url}/healthz`)).status).toBe(200);
  });
});

describe('a request line and headers over 16 kB', () => {
  /** Sends a GET whose URL is `kilobytes` long, all of it before reading. */
  const longUrl = (server: TestServer, kilobytes: number) =>
    exchange(server, (socket, host) => {
      const input = encodeURIComponent(JSON.stringify({ q: 'x'.repeat(kilobytes * 1024) }));
      socket.end(`GET /trpc/assignments.list?input=${input} HTTP/1.1\r\nhost: ${host}\r\n\r\n`);
    });

  it('is answered 431 as problem details, readable by a client still sending', async () => {
    const answer = await longUrl(fast, 1_500);
    expect(answer.failure).toBeNull();
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ status: 431, errorCode: 'BAD_REQUEST', requestId: expect.any(String) });
  });
});
