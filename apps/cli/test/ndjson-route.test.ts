import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src/cli/exit-codes';
import { runExport } from '../src/export/exporter';
import { exportUrl } from '../src/export/ndjson-route';
import { testIo } from './support/capture';

const line = (n: number) =>
  `${JSON.stringify({ id: `0190000${n}-0000-7000-8000-000000000000`, updatedAt: `2026-11-27T12:00:0${n}.000Z` })}\n`;

let server: Server | undefined;
afterEach(() => server?.close());

/** A route that cuts the first answer off in the middle of its fourth line, then serves the rest. */
async function flakyRoute(requests: string[]): Promise<string> {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const url = new URL(request.url ?? '', 'http://x');
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (!url.searchParams.has('continuation')) {
      response.write(line(1) + line(2) + line(3) + line(4).slice(0, 10));
      setTimeout(() => response.socket?.destroy(), 20);
    } else {
      response.end(line(4) + line(5));
    }
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const pages = { bulkUpsert: () => Promise.reject(new Error('no')), exportPage: () => Promise.reject(new Error('no')) };
const options = {
  filters: { status: ['received' as const], q: 'oslo' },
  format: 'ndjson' as const,
  output: undefined,
  pageSize: 1000,
  quiet: true,
  json: false,
};

describe('the NDJSON export route', () => {
  it('sends the filters in the query string, lists repeated', () => {
    expect(exportUrl('http://takst', { status: ['received', 'confirmed'], municipality: '0301' }, 'c')).toBe(
      'http://takst/api/assignments/export.ndjson?status=received&status=confirmed&municipality=0301&continuation=c',
    );
  });

  it('goes on after the last whole line when the connection breaks: nothing lost, nothing twice', async () => {
    const requests: string[] = [];
    const url = await flakyRoute(requests);
    const io = testIo();
    expect(await runExport(options, io, { pages, route: { url, apiKey: 'tk_x' } })).toBe(EXIT.ok);
    expect(io.stdout.text).toBe([1, 2, 3, 4, 5].map(line).join(''));
    expect(requests).toEqual([
      '/api/assignments/export.ndjson?status=received&q=oslo',
      `/api/assignments/export.ndjson?status=received&q=oslo&continuation=${encodeURIComponent('2026-11-27T12:00:03.000Z_01900003-0000-7000-8000-000000000000')}`,
    ]);
    expect(io.stderr.text).toContain('going on from the last row');
  });

  it('falls back to paging through tRPC when the platform has no route', async () => {
    server = createServer((_request, response) => response.writeHead(404).end('Cannot GET'));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const paged = { ...pages, exportPage: async () => ({ items: [], continuation: null }) };
    expect(await runExport(options, testIo(), { pages: paged, route: { url, apiKey: 'tk_x' } })).toBe(EXIT.ok);
  });

  it('passes on a refusal with its code and request id', async () => {
    server = createServer((_request, response) =>
      response.writeHead(401, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          error: { message: 'Unknown API key', code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED', requestId: 'r-1' },
        }),
      ),
    );
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await expect(runExport(options, testIo(), { pages, route: { url, apiKey: 'tk_x' } })).rejects.toMatchObject({
      name: 'HttpCallError',
      data: { code: 'UNAUTHORIZED', errorCode: 'UNAUTHENTICATED', requestId: 'r-1' },
    });
  });
});
