// The simulated Hjelpa on its own (its API, its keyed comments, its webhooks with their signature,
// retries and redeliveries) and the connector's check of that signature.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Hjelpa,
  type HjelpaComment,
  type HjelpaTicket,
  type HjelpaWebhookEvent,
  hjelpaSignature,
  startHjelpa,
} from '@takst/simulated-tools';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDeskSignature } from '../src/desk-signature';
import { eventually } from './support/harness';

const ACCOUNT = { user: 'api@hjelpa.test', password: 'secret-password' };
const SECRET = 'subscription-secret';
let hjelpa: Hjelpa;

interface Received {
  body: string;
  signature: string;
  webhookId: string;
  event: HjelpaWebhookEvent;
}

/** A receiver answering the statuses in `answers` in turn (then 200), recording every request. */
async function receiver(answers: number[] = []) {
  const received: Received[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    received.push({
      body,
      signature: String(req.headers['x-hjelpa-signature']),
      webhookId: String(req.headers['x-hjelpa-webhook-id']),
      event: JSON.parse(body) as HjelpaWebhookEvent,
    });
    res.writeHead(answers.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  authorization = basic(ACCOUNT.user, ACCOUNT.password),
) {
  const answer = await fetch(`${hjelpa.url}${path}`, {
    method,
    headers: { authorization, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  return { status: answer.status, body: (text ? JSON.parse(text) : null) as T };
}

async function staff<T>(method: string, path: string, body: unknown) {
  const answer = await fetch(`${hjelpa.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-staff-name': 'Siri Support' },
    body: JSON.stringify(body),
  });
  return { status: answer.status, body: (await answer.json()) as T };
}

const newTicket = (extra: Record<string, unknown> = {}) =>
  staff<{ ticket: HjelpaTicket }>('POST', '/staff/tickets', {
    subject: 'Når kommer takstmannen?',
    requester: { name: 'Kari Nordmann', email: 'kari@example.no' },
    ...extra,
  });

beforeAll(async () => {
  hjelpa = await startHjelpa({ accounts: [ACCOUNT], webhookRetryDelaysMs: [50, 100] });
});

afterAll(async () => {
  await hjelpa.close();
});

describe('Hjelpa, the simulated support desk', () => {
  it('asks for Basic credentials on its API, not on the staff side', async () => {
    expect((await api('GET', '/api/v2/tickets/1', undefined, basic(ACCOUNT.user, 'wrong'))).status).toBe(401);
    const none = await fetch(`${hjelpa.url}/api/v2/tickets/1`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'Unauthorized', description: expect.any(String) });
    const created = await newTicket({ customFields: { oppdragsnummer: ' 2026-000123 ' }, description: 'Hei!' });
    expect(created.status).toBe(201);
    const { ticket } = created.body;
    expect(ticket).toMatchObject({
      id: expect.any(Number),
      status: 'open',
      customFields: { oppdragsnummer: '2026-000123' },
      requester: { name: 'Kari Nordmann', email: 'kari@example.no' },
    });
    const read = await api<{ ticket: HjelpaTicket }>('GET', `/api/v2/tickets/${ticket.id}`);
    expect(read).toEqual({ status: 200, body: { ticket } });
    const comments = await api<{ comments: HjelpaComment[] }>('GET', `/api/v2/tickets/${ticket.id}/comments`);
    expect(comments.body.comments).toEqual([
      expect.objectContaining({ ticketId: ticket.id, author: 'Kari Nordmann', body: 'Hei!', public: true }),
    ]);
    expect(comments.body.comments[0]).not.toHaveProperty('externalKey');
    expect((await api('GET', '/api/v2/tickets/99999')).body).toEqual({
      error: 'RecordNotFound',
      description: 'No ticket 99999',
    });
  });

  it('answers a comment posted again with the same externalKey with the first one', async () => {
    const { ticket } = (await newTicket()).body;
    const input = { body: 'Intern merknad', public: false, author: 'Takst', externalKey: 'takst-note:1' };
    const first = await api<{ comment: HjelpaComment }>('POST', `/api/v2/tickets/${ticket.id}/comments`, input);
    const again = await api<{ comment: HjelpaComment }>('POST', `/api/v2/tickets/${ticket.id}/comments`, {
      ...input,
      body: 'changed',
    });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.comment).toEqual(first.body.comment);
    expect(first.body.comment).toMatchObject({ public: false, externalKey: 'takst-note:1', body: 'Intern merknad' });
    // The key is the ticket's: another ticket may use it for a comment of its own.
    const other = (await newTicket()).body.ticket;
    expect((await api('POST', `/api/v2/tickets/${other.id}/comments`, input)).status).toBe(201);
    const listed = await api<{ comments: HjelpaComment[] }>('GET', `/api/v2/tickets/${ticket.id}/comments`);
    expect(listed.body.comments).toHaveLength(1);
    expect((await api('POST', `/api/v2/tickets/${ticket.id}/comments`, { body: 'x' })).status).toBe(400);
  });

  it('updates custom fields and status with PUT, and a blank number clears the field', async () => {
    const { ticket } = (await newTicket()).body;
    const put = await api<{ ticket: HjelpaTicket }>('PUT', `/api/v2/tickets/${ticket.id}`, {
      customFields: { oppdragsnummer: '2026-000001' },
      status: 'pending',
    });
    expect(put.body.ticket).toMatchObject({ status: 'pending', customFields: { oppdragsnummer: '2026-000001' } });
    const cleared = await staff<{ ticket: HjelpaTicket }>('PATCH', `/staff/tickets/${ticket.id}`, {
      customFields: { oppdragsnummer: '' },
    });
    expect(cleared.body.ticket.customFields).toEqual({});
    expect((await api('PUT', `/api/v2/tickets/${ticket.id}`, { status: 'closed' })).status).toBe(400);
    expect((await api('PUT', `/api/v2/tickets/${ticket.id}`, { customFields: { other: 1 } })).status).toBe(400);
  });

  it('signs each webhook over "t.body", retries on non-2xx and sends a redelivery with the same id', async () => {
    const hook = await receiver([500, 503]);
    try {
      const subscribed = await api<{ webhook: { id: number; url: string } }>('POST', '/api/v2/webhooks', {
        url: hook.url,
        secret: SECRET,
      });
      expect(subscribed.status).toBe(201);
      const { ticket } = (await newTicket({ customFields: { oppdragsnummer: '2026-000042' } })).body;
      const deliveries = await eventually(async () => (hook.received.length >= 3 ? hook.received : null));
      const [first, second, third] = deliveries as [Received, Received, Received];
      expect(first.webhookId).toBe(second.webhookId);
      expect(third.webhookId).toBe(first.webhookId);
      expect(third.event).toMatchObject({
        type: 'ticket.created',
        redelivery: false,
        data: { ticket: { id: ticket.id } },
      });
      for (const delivery of deliveries) {
        expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
        expect(checkDeskSignature(delivery.signature, delivery.body, SECRET)).toBeNull();
      }

      await staff('POST', `/staff/webhook-events/${first.webhookId}/redeliver`, {});
      const redelivered = await eventually(async () => hook.received[3]);
      expect(redelivered.webhookId).toBe(first.webhookId);
      expect(redelivered.event.redelivery).toBe(true);
      expect(checkDeskSignature(redelivered.signature, redelivered.body, SECRET)).toBeNull();
      await hjelpa.webhooksIdle();

      const comment = await staff<{ comment: HjelpaComment }>('POST', `/staff/tickets/${ticket.id}/comments`, {
        body: 'Takk!',
        public: false,
        externalKey: 'a person types no key',
      });
      expect(comment.body.comment).toMatchObject({ author: 'Siri Support', public: false });
      expect(comment.body.comment).not.toHaveProperty('externalKey');
      const commented = await eventually(async () => hook.received.find((r) => r.event.type === 'comment.created'));
      expect(commented.event).toMatchObject({ data: { ticket: { id: ticket.id }, comment: { body: 'Takk!' } } });
      expect(
        hjelpa.webhookAttempts.filter((attempt) => attempt.eventId === first.webhookId).map((a) => a.status),
      ).toEqual([500, 503, 200, 200]);

      const removed = await api('DELETE', `/api/v2/webhooks/${subscribed.body.webhook.id}`);
      expect(removed.status).toBe(204);
    } finally {
      await hook.close();
    }
  });

  it('sends every delivered webhook twice at a redelivery rate of 1', async () => {
    const twice = await startHjelpa({ accounts: [ACCOUNT], redeliveryRate: 1, redeliveryDelayMs: 10 });
    const hook = await receiver();
    try {
      await fetch(`${twice.url}/api/v2/webhooks`, {
        method: 'POST',
        headers: { authorization: basic(ACCOUNT.user, ACCOUNT.password), 'content-type': 'application/json' },
        body: JSON.stringify({ url: hook.url, secret: SECRET }),
      });
      await fetch(`${twice.url}/staff/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 's', requester: { name: 'A', email: 'a@example.no' } }),
      });
      await eventually(async () => hook.received.length === 2);
      await twice.webhooksIdle();
      expect(hook.received.map((r) => r.event.redelivery)).toEqual([false, true]);
      expect(new Set(hook.received.map((r) => r.webhookId)).size).toBe(1);
    } finally {
      await hook.close();
      await twice.close();
    }
  });
});

describe('checkDeskSignature', () => {
  const body = '{"id":"hjev_1","type":"ticket.created"}';
  const now = 1_900_000_000;

  it('accepts the signature of the body at a time within five minutes', () => {
    expect(checkDeskSignature(hjelpaSignature(SECRET, now, body), body, SECRET, { nowSeconds: now + 299 })).toBeNull();
    const rotated = `${hjelpaSignature('old', now, body)},v1=${hjelpaSignature(SECRET, now, body).split('v1=')[1]}`;
    expect(checkDeskSignature(rotated, body, SECRET, { nowSeconds: now })).toBeNull();
  });

  it('refuses a changed body, another secret, an old time, and what is not a signature', () => {
    const signature = hjelpaSignature(SECRET, now, body);
    expect(checkDeskSignature(signature, `${body} `, SECRET, { nowSeconds: now })).toBe('bad_signature');
    expect(checkDeskSignature(signature, body, 'other', { nowSeconds: now })).toBe('bad_signature');
    expect(checkDeskSignature(signature, body, SECRET, { nowSeconds: now + 301 })).toBe('timestamp_out_of_range');
    // The time is part of what was signed: moving it breaks the signature.
    const moved = signature.replace(`t=${now}`, `t=${now + 60}`);
    expect(checkDeskSignature(moved, body, SECRET, { nowSeconds: now })).toBe('bad_signature');
    expect(checkDeskSignature(undefined, body, SECRET)).toBe('missing_signature');
    expect(checkDeskSignature('sha256=abc', body, SECRET)).toBe('malformed_signature');
    expect(checkDeskSignature(`t=${now},v1=zz`, body, SECRET, { nowSeconds: now })).toBe('bad_signature');
  });
});
