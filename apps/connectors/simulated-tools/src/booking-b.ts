// Booking tool B, "Kalendra": different from Planly on purpose. An `X-Api-Key` header, numeric ids,
// local wall-clock time in Europe/Oslo (`date`, `time`, `durationMinutes`), `state: 'scheduled' |
// 'cancelled'`, PUT replaces the whole appointment, DELETE cancels it, and no webhooks: every
// change (by staff or through the API) goes to a change feed read with an opaque cursor.
import { createHash } from 'node:crypto';
import {
  type KalendraAppointment,
  type KalendraChange,
  type KalendraChangedBy,
  type KalendraFields,
  type KalendraState,
  KalendraStore,
  KalendraStoreError,
} from './booking-b-store';
import {
  closeServer,
  createRouter,
  HttpError,
  listen,
  objectBody,
  type RequestContext,
  type Route,
  requiredText,
} from './http-server';
import { loadStateFile, saveStateFile } from './state-file';

export type { KalendraAppointment, KalendraChange, KalendraChangedBy, KalendraFields } from './booking-b-store';

/** A change as the feed gives it: with the cursor that resumes right after it. */
export interface KalendraFeedChange extends KalendraChange {
  cursor: string;
}

export interface KalendraOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The API keys Kalendra accepts in `X-Api-Key`. */
  apiKeys: readonly string[];
  /** Keep appointments and the change feed in this JSON file across restarts. */
  stateFile?: string;
}

export interface Kalendra {
  url: string;
  close(): Promise<void>;
}

/** The id Kalendra shows for an API key (in `GET /v2/me` and in the feed's `by`). */
export function kalendraApiKeyId(apiKey: string): string {
  return `ak_${createHash('sha256').update(apiKey).digest('hex').slice(0, 12)}`;
}

const invalid = (message: string) => new HttpError(400, { code: 'VALIDATION_ERROR', message });

function asHttpError(error: unknown): unknown {
  if (!(error instanceof KalendraStoreError)) return error;
  const status = error.code === 'APPOINTMENT_NOT_FOUND' ? 404 : 409;
  return new HttpError(status, {
    code: error.code,
    message: error.message,
    ...(error.appointmentId !== undefined ? { appointmentId: error.appointmentId } : {}),
  });
}

function localDate(body: Record<string, unknown>): string {
  const value = requiredText(body, 'date', invalid);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!date || date.toISOString().slice(0, 10) !== value) throw invalid('date must be a real day as YYYY-MM-DD');
  return value;
}

function localTime(body: Record<string, unknown>): string {
  const value = requiredText(body, 'time', invalid);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) throw invalid('time must be HH:mm (24 hours)');
  return value;
}

function duration(body: Record<string, unknown>): number {
  const value = body.durationMinutes;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 5 || value > 720) {
    throw invalid('durationMinutes must be a whole number of minutes, 5–720');
  }
  return value;
}

function reference(body: Record<string, unknown>): string | null {
  const value = body.reference;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
    throw invalid('reference must be a string of 1–200 characters, or null');
  }
  return value;
}

function fieldsOf(body: Record<string, unknown>, whole: boolean): KalendraFields {
  if (whole) {
    const missing = ['reference', 'caseNumber', 'title', 'date', 'time', 'durationMinutes'].filter(
      (field) => !(field in body),
    );
    if (missing.length > 0) {
      throw invalid(`PUT replaces the whole appointment; missing: ${missing.join(', ')}`);
    }
  }
  return {
    reference: reference(body),
    caseNumber: requiredText(body, 'caseNumber', invalid),
    title: requiredText(body, 'title', invalid),
    date: localDate(body),
    time: localTime(body),
    durationMinutes: duration(body),
  };
}

function appointmentId(context: RequestContext): number {
  const id = Number(context.params.id);
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new HttpError(404, { code: 'APPOINTMENT_NOT_FOUND', message: `No appointment ${context.params.id}` });
  }
  return id;
}

function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ v: 1, p: position })).toString('base64url');
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null || cursor === '') return 0;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown; p?: unknown };
    if (decoded.v === 1 && typeof decoded.p === 'number' && Number.isSafeInteger(decoded.p) && decoded.p >= 0) {
      return decoded.p;
    }
  } catch {
    // answered below
  }
  throw new HttpError(400, { code: 'INVALID_CURSOR', message: 'The cursor is not one Kalendra gave out' });
}

function boundedInteger(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be a whole number ${min}–${max}`);
  return value;
}

export async function startKalendra(options: KalendraOptions): Promise<Kalendra> {
  if (options.apiKeys.length === 0) throw new Error('Kalendra needs at least one API key');
  const store = new KalendraStore(loadStateFile<KalendraState>(options.stateFile));
  const keys = new Map(options.apiKeys.map((key) => [key, kalendraApiKeyId(key)]));
  const persist = () => saveStateFile(options.stateFile, store.toJSON());

  const withKey = (
    handler: (context: RequestContext, by: KalendraChangedBy) => Promise<{ status: number; body?: unknown }>,
  ) => {
    return async (context: RequestContext) => {
      const header = context.req.headers['x-api-key'];
      const apiKeyId = typeof header === 'string' ? keys.get(header) : undefined;
      if (!apiKeyId) throw new HttpError(401, { code: 'UNAUTHORIZED', message: 'Send a valid X-Api-Key header' });
      try {
        return await handler(context, { type: 'api', apiKeyId });
      } catch (error) {
        throw asHttpError(error);
      }
    };
  };

  const staff = (
    handler: (context: RequestContext, by: KalendraChangedBy) => Promise<{ status: number; body?: unknown }>,
  ) => {
    return async (context: RequestContext) => {
      const name = context.req.headers['x-staff-name'];
      try {
        return await handler(context, { type: 'staff', name: typeof name === 'string' ? name : 'Kalendra staff' });
      } catch (error) {
        throw asHttpError(error);
      }
    };
  };

  const changed = <T>(value: T): T => {
    persist();
    return value;
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/v2/me',
      handler: withKey(async (_context, by) => ({
        status: 200,
        body: { apiKeyId: by.type === 'api' ? by.apiKeyId : null },
      })),
    },
    {
      method: 'POST',
      path: '/v2/appointments',
      handler: withKey(async (context, by) => {
        const appointment = store.create(fieldsOf(objectBody(await context.json(), invalid), false), by);
        return { status: 201, body: changed(appointment) };
      }),
    },
    {
      method: 'GET',
      path: '/v2/appointments',
      handler: withKey(async ({ query }) => {
        const state = query.get('state');
        if (state !== null && state !== 'scheduled' && state !== 'cancelled') {
          throw invalid('state must be scheduled or cancelled');
        }
        const offset = boundedInteger(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const limit = boundedInteger(query, 'limit', 100, 1, 1000);
        const referenceFilter = query.get('reference');
        const caseNumber = query.get('caseNumber');
        const updatedSince = query.get('updatedSince');
        if (updatedSince !== null && !Number.isFinite(Date.parse(updatedSince))) {
          throw invalid('updatedSince must be an ISO 8601 time');
        }
        const all = store.list({
          ...(state ? { state } : {}),
          ...(referenceFilter !== null ? { reference: referenceFilter } : {}),
          ...(caseNumber !== null ? { caseNumber } : {}),
          ...(updatedSince !== null ? { updatedSince: new Date(updatedSince).toISOString() } : {}),
        });
        const appointments: KalendraAppointment[] = all.slice(offset, offset + limit);
        const next = offset + appointments.length < all.length ? offset + appointments.length : null;
        return { status: 200, body: { appointments, next } };
      }),
    },
    {
      method: 'GET',
      path: '/v2/appointments/:id',
      handler: withKey(async (context) => ({ status: 200, body: store.get(appointmentId(context)) })),
    },
    {
      method: 'PUT',
      path: '/v2/appointments/:id',
      handler: withKey(async (context, by) => {
        const fields = fieldsOf(objectBody(await context.json(), invalid), true);
        return { status: 200, body: changed(store.replace(appointmentId(context), fields, by)) };
      }),
    },
    {
      method: 'DELETE',
      path: '/v2/appointments/:id',
      handler: withKey(async (context, by) => {
        const reason = context.query.get('reason');
        return { status: 200, body: changed(store.cancel(appointmentId(context), reason || null, by)) };
      }),
    },
    {
      method: 'GET',
      path: '/v2/changes',
      handler: withKey(async ({ query }) => {
        const position = decodeCursor(query.get('cursor'));
        const limit = boundedInteger(query, 'limit', 100, 1, 500);
        const changes: KalendraFeedChange[] = store
          .changesAfter(position, limit)
          .map((change) => ({ ...change, cursor: encodeCursor(change.position) }));
        const last = changes.at(-1)?.position ?? Math.min(position, store.lastPosition);
        return {
          status: 200,
          body: { changes, nextCursor: encodeCursor(last), hasMore: last < store.lastPosition },
        };
      }),
    },
    {
      method: 'POST',
      path: '/staff/appointments',
      handler: staff(async (context, by) => {
        const body = objectBody(await context.json(), invalid);
        const appointment = store.create({ ...fieldsOf(body, false), reference: null }, by);
        return { status: 201, body: changed(appointment) };
      }),
    },
    {
      method: 'POST',
      path: '/staff/appointments/:id/move',
      handler: staff(async (context, by) => {
        const id = appointmentId(context);
        const body = objectBody(await context.json(), invalid);
        const current = store.get(id);
        const moved = store.replace(
          id,
          {
            ...current,
            date: localDate(body),
            time: localTime(body),
            durationMinutes: body.durationMinutes === undefined ? current.durationMinutes : duration(body),
          },
          by,
        );
        return { status: 200, body: changed(moved) };
      }),
    },
    {
      method: 'POST',
      path: '/staff/appointments/:id/cancel',
      handler: staff(async (context, by) => {
        const body = objectBody(await context.json(), invalid);
        const reason = requiredText(body, 'reason', invalid);
        return { status: 200, body: changed(store.cancel(appointmentId(context), reason, by)) };
      }),
    },
  ];

  const { server, url } = await listen(
    createRouter(routes, {
      notFound: () => new HttpError(404, { code: 'NOT_FOUND', message: 'No such endpoint' }),
      badBody: (message) => invalid(message),
    }),
    options.port ?? 0,
    options.host ?? '127.0.0.1',
  );
  return { url, close: () => closeServer(server) };
}
