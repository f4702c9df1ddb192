// The support desk, "Hjelpa": a REST API under /api/v2 behind HTTP Basic auth, numeric ids,
// answers wrapped in their resource's name ({ ticket }, { comments }), errors as
// { error: 'RecordNotFound', description }, and outgoing webhooks signed
// `X-Hjelpa-Signature: t=<unix>,v1=<hex HMAC of "t.body">`, retried on anything but 2xx and now
// and then sent twice on purpose. Every change fires a webhook, also one an integration made
// through the API: an integration tells its own comments apart by the key it gave them. Its staff
// side (`/staff/…`) is what a person clicking in Hjelpa's UI does.
import { timingSafeEqual } from 'node:crypto';
import {
  closeServer,
  createRouter,
  HttpError,
  listen,
  objectBody,
  type Reply,
  type RequestContext,
  type Route,
  requiredText,
} from './http-server';
import { loadStateFile, saveStateFile } from './state-file';
import {
  HJELPA_TICKET_STATUSES,
  type HjelpaComment,
  HjelpaNotFound,
  type HjelpaRequester,
  type HjelpaState,
  HjelpaStore,
  type HjelpaTicket,
  type HjelpaTicketChanges,
  type HjelpaTicketPatch,
  type HjelpaTicketStatus,
  type NewHjelpaComment,
} from './support-desk-store';
import {
  type HjelpaDeliveryAttempt,
  type HjelpaEventType,
  type HjelpaWebhookEvent,
  HjelpaWebhookSender,
  newHjelpaEventId,
} from './support-desk-webhooks';

export type {
  HjelpaComment,
  HjelpaCustomFields,
  HjelpaRequester,
  HjelpaTicket,
  HjelpaTicketChanges,
  HjelpaTicketStatus,
} from './support-desk-store';
export {
  type HjelpaDeliveryAttempt,
  type HjelpaEventType,
  type HjelpaWebhookEvent,
  hjelpaSignature,
} from './support-desk-webhooks';

/** A user name and password Hjelpa's API accepts (HTTP Basic). */
export interface HjelpaAccount {
  user: string;
  password: string;
}

export interface HjelpaOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  accounts: readonly HjelpaAccount[];
  /** Keep tickets, comments and webhook subscriptions in this JSON file across restarts. */
  stateFile?: string;
  /** Delays before each webhook retry; Hjelpa's own schedule by default (1 s, 5 s, 30 s, 2 min, 10 min). */
  webhookRetryDelaysMs?: readonly number[];
  webhookTimeoutMs?: number;
  /** The share of delivered webhooks Hjelpa sends a second time, flagged `redelivery` (0–1; 0 by default). */
  redeliveryRate?: number;
  /** How long after a delivery its second copy goes (100 ms by default). */
  redeliveryDelayMs?: number;
}

export interface Hjelpa {
  url: string;
  /** Every webhook attempt so far, in the order they were made. */
  readonly webhookAttempts: readonly HjelpaDeliveryAttempt[];
  /** Resolves once every webhook was delivered (redeliveries too) or given up on. */
  webhooksIdle(): Promise<void>;
  close(): Promise<void>;
}

interface HjelpaSubscription {
  id: number;
  url: string;
  secret: string;
  createdAt: string;
}

interface PersistedHjelpa extends HjelpaState {
  nextWebhookId: number;
  webhooks: HjelpaSubscription[];
}

const invalid = (description: string) => new HttpError(400, { error: 'InvalidRequest', description });
const notFound = (description = 'Not found') => new HttpError(404, { error: 'RecordNotFound', description });
const MAX_TEXT = 65_536;

function ticketIdOf(context: RequestContext): number {
  const raw = context.params.id ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw notFound(`No ticket ${raw}`);
  return Number(raw);
}

function text(body: Record<string, unknown>, field: string, max = MAX_TEXT): string {
  const value = requiredText(body, field, invalid);
  if (value.length > max) throw invalid(`${field} is longer than ${max} characters`);
  return value;
}

function requesterOf(value: unknown): HjelpaRequester {
  const requester = objectBody(value ?? null, () => invalid('requester must be { name, email }'));
  const email = text(requester, 'email', 320);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw invalid('requester.email is not an email address');
  return { name: text(requester, 'name', 200), email };
}

function statusOf(value: unknown): HjelpaTicketStatus {
  if (!HJELPA_TICKET_STATUSES.includes(value as HjelpaTicketStatus)) {
    throw invalid(`status must be one of ${HJELPA_TICKET_STATUSES.join(', ')}`);
  }
  return value as HjelpaTicketStatus;
}

/** `{ oppdragsnummer: '2026-000123' | null }`; a blank number removes it, as clearing the field in the UI does. */
function customFieldsOf(value: unknown): NonNullable<HjelpaTicketPatch['customFields']> {
  const fields = objectBody(value, () => invalid('customFields must be an object'));
  const unknown = Object.keys(fields).filter((field) => field !== 'oppdragsnummer');
  if (unknown.length > 0) throw invalid(`Unknown custom field: ${unknown.join(', ')}`);
  const number = fields.oppdragsnummer;
  if (number === undefined) return {};
  if (number !== null && typeof number !== 'string') throw invalid('customFields.oppdragsnummer must be text or null');
  if (typeof number === 'string' && number.length > 100) throw invalid('customFields.oppdragsnummer is too long');
  return { oppdragsnummer: number === null || number.trim() === '' ? null : number.trim() };
}

function patchOf(body: Record<string, unknown>, allowSubject: boolean): HjelpaTicketPatch {
  const patch: HjelpaTicketPatch = {};
  if (allowSubject && body.subject !== undefined) patch.subject = text(body, 'subject', 500);
  if (body.status !== undefined) patch.status = statusOf(body.status);
  if (body.customFields !== undefined) patch.customFields = customFieldsOf(body.customFields);
  return patch;
}

function commentOf(body: Record<string, unknown>, defaultAuthor: string | null): NewHjelpaComment {
  if (body.public !== undefined && typeof body.public !== 'boolean') throw invalid('public must be true or false');
  const externalKey = body.externalKey;
  if (externalKey !== undefined && externalKey !== null) {
    if (typeof externalKey !== 'string' || externalKey.trim() === '' || externalKey.length > 200) {
      throw invalid('externalKey must be non-empty text of at most 200 characters');
    }
  }
  const author = body.author === undefined && defaultAuthor !== null ? defaultAuthor : text(body, 'author', 200);
  return {
    author,
    body: text(body, 'body'),
    public: body.public ?? true,
    ...(typeof externalKey === 'string' ? { externalKey: externalKey.trim() } : {}),
  };
}

/** Compares in constant time for equal lengths; lengths are not secret. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(header: string | undefined): HjelpaAccount | null {
  const encoded = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')?.[1];
  if (!encoded) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startHjelpa(options: HjelpaOptions): Promise<Hjelpa> {
  if (options.accounts.length === 0) throw new Error('Hjelpa needs at least one API account');
  const persisted = loadStateFile<PersistedHjelpa>(options.stateFile);
  const store = new HjelpaStore(persisted);
  const subscriptions = new Map<number, HjelpaSubscription>(
    (persisted?.webhooks ?? []).map((subscription) => [subscription.id, subscription]),
  );
  let nextWebhookId = persisted?.nextWebhookId ?? 1;
  const sentEvents = new Map<string, HjelpaWebhookEvent>();
  const sender = new HjelpaWebhookSender({
    ...(options.webhookRetryDelaysMs ? { retryDelaysMs: options.webhookRetryDelaysMs } : {}),
    ...(options.webhookTimeoutMs ? { timeoutMs: options.webhookTimeoutMs } : {}),
    ...(options.redeliveryRate !== undefined ? { redeliveryRate: options.redeliveryRate } : {}),
    ...(options.redeliveryDelayMs !== undefined ? { redeliveryDelayMs: options.redeliveryDelayMs } : {}),
  });
  const persist = () =>
    saveStateFile(options.stateFile, { ...store.toJSON(), nextWebhookId, webhooks: [...subscriptions.values()] });

  const deliver = (event: HjelpaWebhookEvent, redelivery: boolean) => {
    for (const { id } of subscriptions.values()) {
      sender.send(event, () => subscriptions.get(id), redelivery);
    }
  };

  const fire = (type: HjelpaEventType, data: Record<string, unknown>) => {
    const event = {
      id: newHjelpaEventId(),
      type,
      createdAt: new Date().toISOString(),
      redelivery: false,
      data,
    } as HjelpaWebhookEvent;
    sentEvents.set(event.id, event);
    if (sentEvents.size > 10_000) sentEvents.delete(sentEvents.keys().next().value as string);
    deliver(event, false);
  };

  const ticketChanged = (ticket: HjelpaTicket, changes: HjelpaTicketChanges) => {
    if (Object.keys(changes).length === 0) return;
    persist();
    fire('ticket.updated', { ticket, changes });
  };

  const commentAdded = (ticketId: number, comment: HjelpaComment) => {
    persist();
    fire('comment.created', { ticket: store.getTicket(ticketId), comment });
  };

  const handled = (handler: (context: RequestContext) => Promise<Reply>) => async (context: RequestContext) => {
    try {
      return await handler(context);
    } catch (error) {
      if (error instanceof HjelpaNotFound) throw notFound(error.message);
      throw error;
    }
  };

  const authenticated = (handler: (context: RequestContext) => Promise<Reply>) => {
    const inner = handled(handler);
    return async (context: RequestContext) => {
      const given = basicCredentials(context.req.headers.authorization);
      const known =
        given !== null &&
        options.accounts.some(
          (account) => sameText(account.user, given.user) && sameText(account.password, given.password),
        );
      if (!known) throw new HttpError(401, { error: 'Unauthorized', description: 'Basic authentication required' });
      return inner(context);
    };
  };

  const staffName = (context: RequestContext) => {
    const header = context.req.headers['x-staff-name'];
    return typeof header === 'string' && header.trim() !== '' ? header.trim() : 'Hjelpa agent';
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/api/v2/tickets/:id',
      handler: authenticated(async (context) => ({
        status: 200,
        body: { ticket: store.getTicket(ticketIdOf(context)) },
      })),
    },
    {
      method: 'PUT',
      path: '/api/v2/tickets/:id',
      handler: authenticated(async (context) => {
        const patch = patchOf(objectBody(await context.json(), invalid), false);
        const { ticket, changes } = store.updateTicket(ticketIdOf(context), patch);
        ticketChanged(ticket, changes);
        return { status: 200, body: { ticket } };
      }),
    },
    {
      method: 'GET',
      path: '/api/v2/tickets/:id/comments',
      handler: authenticated(async (context) => ({
        status: 200,
        body: { comments: store.comments(ticketIdOf(context)) },
      })),
    },
    {
      method: 'POST',
      path: '/api/v2/tickets/:id/comments',
      handler: authenticated(async (context) => {
        const ticketId = ticketIdOf(context);
        const input = commentOf(objectBody(await context.json(), invalid), null);
        const { comment, created } = store.addComment(ticketId, input);
        if (created) commentAdded(ticketId, comment);
        return { status: created ? 201 : 200, body: { comment } };
      }),
    },
    {
      method: 'POST',
      path: '/api/v2/webhooks',
      handler: authenticated(async (context) => {
        const body = objectBody(await context.json(), invalid);
        const url = text(body, 'url', 2000);
        const secret = text(body, 'secret', 500);
        if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw invalid('url must be http(s)');
        // One subscription per URL: posting it again replaces its secret.
        const existing = [...subscriptions.values()].find((subscription) => subscription.url === url);
        if (existing) {
          existing.secret = secret;
          persist();
          return { status: 200, body: { webhook: { id: existing.id, url, createdAt: existing.createdAt } } };
        }
        const subscription = { id: nextWebhookId++, url, secret, createdAt: new Date().toISOString() };
        subscriptions.set(subscription.id, subscription);
        persist();
        return { status: 201, body: { webhook: { id: subscription.id, url, createdAt: subscription.createdAt } } };
      }),
    },
    {
      method: 'GET',
      path: '/api/v2/webhooks',
      handler: authenticated(async () => ({
        status: 200,
        body: { webhooks: [...subscriptions.values()].map(({ secret: _secret, ...shown }) => shown) },
      })),
    },
    {
      method: 'DELETE',
      path: '/api/v2/webhooks/:id',
      handler: authenticated(async ({ params }) => {
        if (!subscriptions.delete(Number(params.id))) throw notFound(`No webhook ${params.id}`);
        persist();
        return { status: 204 };
      }),
    },
    {
      method: 'POST',
      path: '/staff/tickets',
      handler: handled(async (context) => {
        const body = objectBody(await context.json(), invalid);
        const requester = requesterOf(body.requester);
        const description = body.description === undefined ? null : text(body, 'description');
        const number = body.customFields === undefined ? null : customFieldsOf(body.customFields).oppdragsnummer;
        const ticket = store.createTicket({
          subject: text(body, 'subject', 500),
          requester,
          customFields: number ? { oppdragsnummer: number } : {},
          status: body.status === undefined ? 'open' : statusOf(body.status),
        });
        persist();
        fire('ticket.created', { ticket });
        // A ticket opens with the requester's message, as its first public comment.
        if (description !== null) {
          const { comment } = store.addComment(ticket.id, { author: requester.name, body: description, public: true });
          commentAdded(ticket.id, comment);
        }
        return { status: 201, body: { ticket: store.getTicket(ticket.id) } };
      }),
    },
    {
      method: 'PATCH',
      path: '/staff/tickets/:id',
      handler: handled(async (context) => {
        const patch = patchOf(objectBody(await context.json(), invalid), true);
        const { ticket, changes } = store.updateTicket(ticketIdOf(context), patch);
        ticketChanged(ticket, changes);
        return { status: 200, body: { ticket } };
      }),
    },
    {
      method: 'POST',
      path: '/staff/tickets/:id/comments',
      handler: handled(async (context) => {
        const ticketId = ticketIdOf(context);
        const body = objectBody(await context.json(), invalid);
        // What a person writes in the UI carries no integration key.
        const { externalKey: _ignored, ...typed } = body;
        const { comment } = store.addComment(ticketId, commentOf(typed, staffName(context)));
        commentAdded(ticketId, comment);
        return { status: 201, body: { comment } };
      }),
    },
    {
      // The "send again" button in Hjelpa's webhook log: the same event and id, flagged as a redelivery.
      method: 'POST',
      path: '/staff/webhook-events/:id/redeliver',
      handler: handled(async ({ params }) => {
        const event = sentEvents.get(params.id ?? '');
        if (!event) throw notFound(`No webhook event ${params.id}`);
        deliver(event, true);
        return { status: 202, body: { id: event.id } };
      }),
    },
  ];

  const { server, url } = await listen(
    createRouter(routes, { notFound: () => notFound(), badBody: (message) => invalid(message) }),
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
