// Booking tool A, "Planly": a REST API behind Bearer tokens, ISO times, ids like `PL-1001`, a full
// history per booking, and outgoing webhooks signed `X-Planly-Signature: sha256=<hex HMAC of the
// body>` and retried on anything but 2xx. Its staff side (`/staff/…`, what a person clicking in
// Planly's UI does) fires webhooks; changes made through the API do not (an integration is not
// told about its own writes).
import { createHmac, randomUUID } from 'node:crypto';
import {
  type NewPlanlyBooking,
  type PlanlyActor,
  type PlanlyBooking,
  type PlanlySlot,
  type PlanlyState,
  PlanlyStore,
  PlanlyStoreError,
} from './booking-a-store';
import {
  closeServer,
  createRouter,
  HttpError,
  listen,
  objectBody,
  optionalText,
  type RequestContext,
  type Route,
  requiredText,
} from './http-server';
import { loadStateFile, saveStateFile } from './state-file';
import { type DeliveryAttempt, WebhookSender } from './webhook-sender';

export type { PlanlyBooking, PlanlyHistoryEntry, PlanlySlot } from './booking-a-store';

export type PlanlyEventType = 'booking.created' | 'booking.moved' | 'booking.cancelled';

/** The body of a Planly webhook. */
export interface PlanlyWebhookEvent {
  id: string;
  type: PlanlyEventType;
  createdAt: string;
  data: { booking: PlanlyBooking };
}

export interface PlanlyWebhookSubscription {
  id: string;
  url: string;
  secret: string;
  createdAt: string;
}

export interface PlanlyOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The API tokens Planly accepts (`Authorization: Bearer <token>`). */
  tokens: readonly string[];
  /** Keep bookings and webhook subscriptions in this JSON file across restarts. */
  stateFile?: string;
  /** Delays before each webhook retry; Planly's own schedule by default (1 s, 5 s, 30 s, 2 min, 10 min). */
  webhookRetryDelaysMs?: readonly number[];
  webhookTimeoutMs?: number;
}

export interface Planly {
  url: string;
  /** Every webhook attempt so far, in the order they were made. */
  readonly webhookAttempts: readonly DeliveryAttempt[];
  /** Resolves once every webhook was delivered or given up on. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

interface PersistedPlanly extends PlanlyState {
  webhooks: PlanlyWebhookSubscription[];
}

/** `sha256=` + the hex HMAC-SHA256 of the body under the subscription's secret. */
export function planlySignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const invalid = (message: string) => new HttpError(400, { error: 'invalid_request', message });
const notFound = (message = 'Not found') => new HttpError(404, { error: 'not_found', message });

function instant(body: Record<string, unknown>, field: string): string {
  const value = requiredText(body, field, invalid);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw invalid(`${field} must be an ISO 8601 time with an offset, e.g. 2026-03-02T09:00:00Z`);
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid(`${field} is not a valid time`);
  return new Date(ms).toISOString();
}

function slotOf(body: Record<string, unknown>): PlanlySlot {
  const slot = { start: instant(body, 'start'), end: instant(body, 'end') };
  if (Date.parse(slot.end) <= Date.parse(slot.start)) throw invalid('end must be after start');
  return slot;
}

function asHttpError(error: unknown): unknown {
  if (!(error instanceof PlanlyStoreError)) return error;
  if (error.code === 'not_found') return notFound(error.message);
  return new HttpError(409, {
    error: error.code,
    message: error.message,
    ...(error.bookingId ? { bookingId: error.bookingId } : {}),
  });
}

function boundedInteger(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be a whole number ${min}–${max}`);
  return value;
}

export async function startPlanly(options: PlanlyOptions): Promise<Planly> {
  if (options.tokens.length === 0) throw new Error('Planly needs at least one API token');
  const persisted = loadStateFile<PersistedPlanly>(options.stateFile);
  const store = new PlanlyStore(persisted);
  const subscriptions = new Map<string, PlanlyWebhookSubscription>(
    (persisted?.webhooks ?? []).map((subscription) => [subscription.id, subscription]),
  );
  const sentEvents = new Map<string, PlanlyWebhookEvent>();
  const sender = new WebhookSender({
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
    ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
  });
  const tokens = new Set(options.tokens);
  const persist = () => saveStateFile(options.stateFile, { ...store.toJSON(), webhooks: [...subscriptions.values()] });

  const deliver = (event: PlanlyWebhookEvent) => {
    const body = JSON.stringify(event);
    for (const subscription of subscriptions.values()) {
      sender.send({
        eventId: event.id,
        url: subscription.url,
        body,
        headers: {
          'x-planly-signature': planlySignature(subscription.secret, body),
          'x-planly-event-id': event.id,
          'x-planly-event-type': event.type,
          'user-agent': 'Planly-Webhooks/2.1',
        },
      });
    }
  };

  const fire = (type: PlanlyEventType, booking: PlanlyBooking) => {
    const event: PlanlyWebhookEvent = {
      id: `evt_${randomUUID().replaceAll('-', '')}`,
      type,
      createdAt: new Date().toISOString(),
      data: { booking },
    };
    sentEvents.set(event.id, event);
    if (sentEvents.size > 10_000) sentEvents.delete(sentEvents.keys().next().value as string);
    deliver(event);
  };

  const authenticated = (handler: (context: RequestContext) => Promise<{ status: number; body?: unknown }>) => {
    return async (context: RequestContext) => {
      const header = context.req.headers.authorization ?? '';
      const token = /^Bearer (.+)$/i.exec(header)?.[1];
      if (!token || !tokens.has(token)) {
        throw new HttpError(401, { error: 'unauthorized', message: 'A valid Bearer token is required' });
      }
      try {
        return await handler(context);
      } catch (error) {
        throw asHttpError(error);
      }
    };
  };

  const staff = (
    handler: (context: RequestContext, by: PlanlyActor) => Promise<{ status: number; body?: unknown }>,
  ) => {
    return async (context: RequestContext) => {
      try {
        return await handler(context, `staff:${context.req.headers['x-staff-name'] ?? 'Planly staff'}`);
      } catch (error) {
        throw asHttpError(error);
      }
    };
  };

  const newBooking = (body: Record<string, unknown>): NewPlanlyBooking => ({
    externalKey: optionalText(body, 'externalKey', invalid),
    resourceKey: requiredText(body, 'resourceKey', invalid),
    title: requiredText(body, 'title', invalid),
    ...slotOf(body),
  });

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/api/bookings',
      handler: authenticated(async (context) => {
        const booking = store.create(newBooking(objectBody(await context.json(), invalid)), 'api');
        persist();
        return { status: 201, body: booking };
      }),
    },
    {
      method: 'GET',
      path: '/api/bookings',
      handler: authenticated(async ({ query }) => {
        const status = query.get('status');
        if (status !== null && status !== 'booked' && status !== 'cancelled') {
          throw invalid('status must be booked or cancelled');
        }
        const limit = boundedInteger(query, 'limit', 100, 1, 1000);
        const offset = boundedInteger(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
        const externalKey = query.get('externalKey');
        const resourceKey = query.get('resourceKey');
        const updatedSince = query.get('updatedSince');
        if (updatedSince !== null && !Number.isFinite(Date.parse(updatedSince))) {
          throw invalid('updatedSince must be an ISO 8601 time');
        }
        const all = store.list({
          ...(status ? { status } : {}),
          ...(externalKey !== null ? { externalKey } : {}),
          ...(resourceKey !== null ? { resourceKey } : {}),
          ...(updatedSince !== null ? { updatedSince: new Date(updatedSince).toISOString() } : {}),
        });
        const data = all.slice(offset, offset + limit);
        const nextOffset = offset + data.length < all.length ? offset + data.length : null;
        return { status: 200, body: { data, meta: { total: all.length, offset, nextOffset } } };
      }),
    },
    {
      method: 'GET',
      path: '/api/bookings/:id',
      handler: authenticated(async ({ params }) => ({ status: 200, body: store.get(params.id as string) })),
    },
    {
      method: 'PATCH',
      path: '/api/bookings/:id',
      handler: authenticated(async (context) => {
        const { booking, changed } = store.move(
          context.params.id as string,
          slotOf(objectBody(await context.json(), invalid)),
          'api',
        );
        if (changed) persist();
        return { status: 200, body: booking };
      }),
    },
    {
      method: 'POST',
      path: '/api/bookings/:id/cancel',
      handler: authenticated(async (context) => {
        const reason = requiredText(objectBody(await context.json(), invalid), 'reason', invalid);
        const { booking, changed } = store.cancel(context.params.id as string, reason, 'api');
        if (changed) persist();
        return { status: 200, body: booking };
      }),
    },
    {
      method: 'POST',
      path: '/api/webhooks',
      handler: authenticated(async (context) => {
        const body = objectBody(await context.json(), invalid);
        const url = requiredText(body, 'url', invalid);
        const secret = requiredText(body, 'secret', invalid);
        if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw invalid('url must be http(s)');
        // One subscription per URL: posting it again replaces its secret.
        const existing = [...subscriptions.values()].find((subscription) => subscription.url === url);
        if (existing) {
          existing.secret = secret;
          persist();
          return { status: 200, body: { id: existing.id, url, createdAt: existing.createdAt } };
        }
        const subscription = { id: `wh_${randomUUID().slice(0, 8)}`, url, secret, createdAt: new Date().toISOString() };
        subscriptions.set(subscription.id, subscription);
        persist();
        return { status: 201, body: { id: subscription.id, url, createdAt: subscription.createdAt } };
      }),
    },
    {
      method: 'GET',
      path: '/api/webhooks',
      handler: authenticated(async () => ({
        status: 200,
        body: { data: [...subscriptions.values()].map(({ secret: _secret, ...shown }) => shown) },
      })),
    },
    {
      method: 'DELETE',
      path: '/api/webhooks/:id',
      handler: authenticated(async ({ params }) => {
        if (!subscriptions.delete(params.id as string)) throw notFound(`No webhook ${params.id}`);
        persist();
        return { status: 204 };
      }),
    },
    {
      method: 'POST',
      path: '/staff/bookings',
      handler: staff(async (context, by) => {
        const body = objectBody(await context.json(), invalid);
        const booking = store.create({ ...newBooking(body), externalKey: null }, by);
        persist();
        fire('booking.created', booking);
        return { status: 201, body: booking };
      }),
    },
    {
      method: 'POST',
      path: '/staff/bookings/:id/move',
      handler: staff(async (context, by) => {
        const slot = slotOf(objectBody(await context.json(), invalid));
        const { booking, changed } = store.move(context.params.id as string, slot, by);
        if (changed) {
          persist();
          fire('booking.moved', booking);
        }
        return { status: 200, body: booking };
      }),
    },
    {
      method: 'POST',
      path: '/staff/bookings/:id/cancel',
      handler: staff(async (context, by) => {
        const reason = requiredText(objectBody(await context.json(), invalid), 'reason', invalid);
        const { booking, changed } = store.cancel(context.params.id as string, reason, by);
        if (changed) {
          persist();
          fire('booking.cancelled', booking);
        }
        return { status: 200, body: booking };
      }),
    },
    {
      // The "resend" button on an event in Planly's webhook log: the same event, the same id, again.
      method: 'POST',
      path: '/staff/webhook-events/:id/resend',
      handler: staff(async ({ params }) => {
        const event = sentEvents.get(params.id as string);
        if (!event) throw notFound(`No webhook event ${params.id}`);
        deliver(event);
        return { status: 202, body: { id: event.id } };
      }),
    },
  ];

  const { server, url } = await listen(
    createRouter(routes, {
      notFound: () => notFound(),
      badBody: (message) => invalid(message),
    }),
    options.port ?? 0,
    options.host ?? '127.0.0.1',
  );
  return {
    url,
    webhookAttempts: sender.attempts,
    webhooksIdle: () => sender.idle(),
    async close() {
      sender.close();
      await closeServer(server);
    },
  };
}
