import type { ServerResponse } from 'node:http';
import {
  authorizeHttpCall,
  DomainError,
  type ExportPosition,
  KeyRevoked,
  KeyWatch,
  type NdjsonBatch,
  NdjsonExport,
  type Platform,
  parseBearer,
  parseContinuation,
  readEmFor,
  refusalOfBadValue,
} from '@takst/api';
import { type ExportFilters, exportContinuationSchema, exportFiltersSchema } from '@takst/contract';
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { refuse } from './http-refusal';

export const EXPORT_NDJSON_PATH = '/api/assignments/export.ndjson';
/** The same export among the REST API's paths; the first path stays for the CLI and older callers. */
export const EXPORT_NDJSON_REST_PATH = '/api/v1/assignments/export.ndjson';

/**
 * Lines a query reads (~0.6 MB of text): measured on 1M rows, 500 a query streamed ~31k lines/s with
 * the server at 166 MB RSS; 2,000 ~41k lines/s at 241 MB. Memory is the tighter budget.
 */
const BATCH_LINES = 500;

/**
 * Batches between checks of the key made without hearing of a change (2,000 lines, a tenth of a
 * second at full speed): the fallback should a change go unheard. Mostly answered by the key cache.
 */
const KEY_CHECK_BATCHES = 4;

const queryInput = exportFiltersSchema.extend({ continuation: exportContinuationSchema.optional() }).strict();
const LIST_FILTERS = new Set(['status', 'type']);

/** The query string as filter input: list filters repeated (`status=a&status=b`) or comma-separated. */
function inputOf(query: Request['query']): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    input[name] = LIST_FILTERS.has(name)
      ? values.flatMap((one) => String(one).split(',')).filter((one) => one !== '')
      : value;
  }
  return input;
}

const issuesOf = (error: z.ZodError) =>
  error.issues.map((issue) => ({
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    message: issue.message,
    code: issue.code,
  }));

const validationFailed = (error: z.ZodError) => {
  const issues = issuesOf(error);
  const described = issues.map((issue) => `${issue.path.join('.') || '(query)'}: ${issue.message}`).join('; ');
  return new DomainError('BAD_REQUEST', 'VALIDATION_FAILED', `Invalid query: ${described}`, { issues });
};

/** Waits until the response takes more (or the client has gone, or the key stopped working). */
function drained(res: ServerResponse, revoked: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      revoked.removeEventListener('abort', done);
      resolve();
    };
    if (revoked.aborted) return resolve();
    res.on('drain', done);
    res.on('close', done);
    revoked.addEventListener('abort', done);
  });
}

/** `work`, unless `revoked` aborts first: then its reason. `work` failing later is not left unheard. */
function unlessRevoked<T>(work: Promise<T>, revoked: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const abort = () => reject(revoked.reason);
    if (revoked.aborted) abort();
    else revoked.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        revoked.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        revoked.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

interface ExportRequest {
  filters: ExportFilters;
  after: ExportPosition | undefined;
}

function parse(query: Request['query']): ExportRequest {
  const parsed = queryInput.safeParse(inputOf(query));
  if (!parsed.success) throw validationFailed(parsed.error);
  const { continuation, ...filters } = parsed.data;
  return { filters, after: continuation ? parseContinuation(continuation) : undefined };
}

/**
 * Writes the batches as they come, reading the next one while the last is being sent, and waits
 * whenever the client reads slower than the database: memory stays at two batches however long
 * the export.
 */
async function stream(res: ServerResponse, exporter: NdjsonExport, key: KeyWatch, first: NdjsonBatch): Promise<void> {
  let pending = Promise.resolve(first);
  for (let batches = 0; ; batches++) {
    // Revoked while the batch is read (or while the client was slow): the batch is dropped, and
    // nothing more is read or sent.
    const batch = await unlessRevoked(pending, key.revoked);
    // The first check also covers a change heard while the key was first resolved, before following.
    if (batches % KEY_CHECK_BATCHES === 0) await key.check();
    if (batch.count === 0 || res.destroyed) return;
    const more = batch.count === BATCH_LINES;
    pending = more ? exporter.next(BATCH_LINES) : Promise.resolve({ text: '', count: 0, last: null });
    // Should the client go away meanwhile, the batch read ahead is dropped; it must not fail unheard.
    pending.catch(() => undefined);
    if (!res.write(batch.text)) await drained(res, key.revoked);
  }
}

/**
 * `GET /api/assignments/export.ndjson`: every matching assignment (filters as `assignments.export`,
 * in the query string), one DTO a line in change order. The last line received tells where to
 * resume: `continuation=<its updatedAt>_<its id>`. A failure mid-stream breaks the connection, so
 * a cut-short export never looks complete; so does a key that stops working (revoked or rotated)
 * while the export runs: the connection is broken at once, and asking again is refused.
 */
export function exportNdjson(platform: Platform): RequestHandler {
  return async (req, res) => {
    let key: KeyWatch | undefined;
    let clientId: string | undefined;
    try {
      let exporter: NdjsonExport;
      let first: NdjsonBatch;
      try {
        const actor = await authorizeHttpCall(platform, req.headers.authorization ?? null, 'assignments:read');
        clientId = actor.clientId;
        key = new KeyWatch(platform.apiKeys, parseBearer(req.headers.authorization ?? null) ?? '', actor.clientId);
        const { filters, after } = parse(req.query);
        exporter = await NdjsonExport.open(readEmFor(platform, actor.clientId, platform.orm.em.fork()), filters, after);
        // Read before the status goes out, so that an export failing at once answers with an
        // error status rather than a 200 cut short.
        first = await exporter.next(BATCH_LINES);
      } catch (error) {
        const refusal = error instanceof DomainError ? error : refusalOfBadValue(error);
        if (!refusal) throw error;
        if (refusal !== error) {
          platform.logger.warn({ err: error, requestId: res.locals.requestId }, 'the database refused a value');
        }
        refuse(res, refusal);
        return;
      }
      const watch = key;
      // The client gone, the export is no longer the key's business, whatever the loop is waiting for.
      res.once('close', () => watch.stop());
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      try {
        await stream(res, exporter, watch, first);
        res.end();
      } catch (error) {
        const context = { requestId: res.locals.requestId, continuation: exporter.continuation };
        if (error instanceof KeyRevoked) {
          platform.logger.info({ ...context, clientId }, 'NDJSON export cut short: its API key no longer works');
          res.destroy();
        } else {
          platform.logger.error({ err: error, ...context }, 'NDJSON export failed mid-stream');
          res.destroy(error as Error);
        }
      }
    } finally {
      key?.stop();
    }
  };
}
