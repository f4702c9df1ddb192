import { setTimeout as sleep } from 'node:timers/promises';
import type { ExportFilters } from '../bulk-api';
import { USER_AGENT } from '../cli/command';
import type { Connection } from '../cli/config';
import { isTransient } from '../cli/platform-errors';

export const EXPORT_NDJSON_PATH = '/api/assignments/export.ndjson';

/**
 * A refusal or failure of a call outside tRPC, shaped like the SDK's errors: `data` as in
 * `error.data`, and `code` 'NETWORK_ERROR' when the platform could not be reached.
 */
export class HttpCallError extends Error {
  override readonly name = 'HttpCallError';
  readonly code: 'NETWORK_ERROR' | undefined;

  constructor(
    message: string,
    readonly data?: { code: string; httpStatus: number; errorCode?: string; requestId?: string | null },
    options?: { cause?: unknown; unreachable?: boolean },
  ) {
    super(message, options);
    this.code = options?.unreachable ? 'NETWORK_ERROR' : undefined;
  }
}

/** The platform has no NDJSON route (an older version): the caller pages through tRPC instead. */
export class RouteMissing extends Error {}

const NEWLINE = 0x0a;
const MAX_TRIES = 5;

export function exportUrl(baseUrl: string, filters: ExportFilters, continuation: string | undefined): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (Array.isArray(value)) for (const item of value) query.append(name, String(item));
    else if (value !== undefined) query.append(name, String(value));
  }
  if (continuation) query.append('continuation', continuation);
  const search = query.toString();
  return `${baseUrl}${EXPORT_NDJSON_PATH}${search ? `?${search}` : ''}`;
}

async function refusal(response: Response): Promise<Error> {
  const text = await response.text().catch(() => '');
  // Problem details (RFC 9457); servers before /api/v1 wrapped the same fields in `error`.
  let problem:
    | { detail?: string; message?: string; code?: string; errorCode?: string; requestId?: string | null }
    | undefined;
  try {
    const parsed = JSON.parse(text) as typeof problem & { error?: typeof problem };
    problem = parsed?.error ?? parsed;
  } catch {
    // not the platform's JSON: a proxy, or a server without the route
  }
  if (!problem?.code) {
    if (response.status === 404) return new RouteMissing(`${EXPORT_NDJSON_PATH} answered 404`);
    return new HttpCallError(`${EXPORT_NDJSON_PATH} answered HTTP ${response.status}`);
  }
  return new HttpCallError(problem.detail ?? problem.message ?? `HTTP ${response.status}`, {
    code: problem.code,
    httpStatus: response.status,
    ...(problem.errorCode ? { errorCode: problem.errorCode } : {}),
    requestId: problem.requestId ?? response.headers.get('x-request-id'),
  });
}

/** Where to go on from: `<updatedAt>_<id>` of the last line received, as the route defines it. */
function continuationAfter(line: Uint8Array): string {
  const { updatedAt, id } = JSON.parse(Buffer.from(line).toString('utf8')) as { updatedAt: string; id: string };
  return `${updatedAt}_${id}`;
}

interface Attempt {
  continuation: string | undefined;
  /** The last whole line passed on, to continue after should the connection break. */
  lastLine: Uint8Array | undefined;
}

/** One request: its body in pieces that each end at a line's end; a cut-off last line is held back. */
async function* linesOfOneRequest(
  connection: Connection,
  filters: ExportFilters,
  attempt: Attempt,
  signal: AbortSignal,
): AsyncGenerator<Buffer> {
  let response: Response;
  try {
    response = await fetch(exportUrl(connection.url, filters, attempt.continuation), {
      headers: { authorization: `Bearer ${connection.apiKey}`, 'user-agent': USER_AGENT },
      signal,
    });
  } catch (error) {
    throw new HttpCallError(`Could not reach ${connection.url}`, undefined, { cause: error, unreachable: true });
  }
  if (!response.ok || !response.body) throw await refusal(response);
  let rest: Buffer = Buffer.alloc(0);
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      const data =
        rest.length > 0 ? Buffer.concat([rest, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      const end = data.lastIndexOf(NEWLINE);
      if (end === -1) {
        rest = data;
        continue;
      }
      attempt.lastLine = data.subarray(data.lastIndexOf(NEWLINE, end - 1) + 1, end);
      rest = data.subarray(end + 1);
      yield data.subarray(0, end + 1);
    }
  } catch (error) {
    if (signal.aborted) throw error;
    throw new HttpCallError(`The export stream broke: ${(error as Error).message}`, undefined, { cause: error });
  } finally {
    // Stopped early (Ctrl-C, a write that failed): the rest of the answer is not wanted.
    reader.cancel().catch(() => undefined);
  }
  // The route ends every line; text after the last line end means the answer was cut short.
  if (rest.length > 0) throw new HttpCallError('The export stream ended inside a line');
}

/**
 * `GET /api/assignments/export.ndjson`, streamed: pieces of whole NDJSON lines, as they arrive.
 * A connection that breaks (the route then cuts the answer short) is opened again from after
 * the last whole line, up to MAX_TRIES times in a row without progress, so no line is lost or
 * repeated. Throws RouteMissing when the platform does not have the route.
 */
export async function* exportLines(
  connection: Connection,
  filters: ExportFilters,
  signal: AbortSignal,
  onRetry: (error: unknown, delayMs: number) => void = () => undefined,
): AsyncGenerator<Buffer> {
  const attempt: Attempt = { continuation: undefined, lastLine: undefined };
  for (let failures = 0; ; ) {
    try {
      for await (const piece of linesOfOneRequest(connection, filters, attempt, signal)) {
        failures = 0;
        yield piece;
      }
      return;
    } catch (error) {
      failures++;
      if (signal.aborted || !isTransient(error) || failures >= MAX_TRIES) throw error;
      if (attempt.lastLine) attempt.continuation = continuationAfter(attempt.lastLine);
      const delay = 500 * 2 ** (failures - 1);
      onRetry(error, delay);
      await sleep(delay, undefined, { signal });
    }
  }
}

/** Line ends in a piece: the rows it holds. */
export function countLines(piece: Uint8Array): number {
  let lines = 0;
  for (let at = piece.indexOf(NEWLINE); at !== -1; at = piece.indexOf(NEWLINE, at + 1)) lines++;
  return lines;
}
