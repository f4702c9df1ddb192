// Booking tool A, Planly: Bearer-token REST with ISO times and a full history per booking; it
// tells us of staff changes by webhooks signed `X-Planly-Signature: sha256=<hex HMAC of the body>`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Slot } from '../slots';
import { type BookingTool, type NewToolBooking, requestJson, type ToolBooking, ToolRequestError } from '../tool';

interface PlanlySlot {
  start: string;
  end: string;
}

type PlanlyHistoryEntry =
  | { action: 'booked'; start: string; end: string }
  | { action: 'moved'; from: PlanlySlot; to: PlanlySlot }
  | { action: 'cancelled'; reason: string };

export interface PlanlyBooking {
  id: string;
  externalKey: string | null;
  resourceKey: string;
  title: string;
  start: string;
  end: string;
  status: 'booked' | 'cancelled';
  cancelReason: string | null;
  history: PlanlyHistoryEntry[];
}

/** A Planly webhook body, as far as the connector reads it. */
export interface PlanlyWebhookEvent {
  id: string;
  type: string;
  data: { booking: { id: string } };
}

const slotOf = (planly: PlanlySlot): Slot => ({ startsAt: planly.start, endsAt: planly.end });

/** Every time from the booking's log, oldest first; the current time last. */
function slotsOf(booking: PlanlyBooking): Slot[] {
  const slots: Slot[] = [];
  for (const entry of booking.history) {
    if (entry.action === 'booked') slots.push(slotOf(entry));
    else if (entry.action === 'moved') slots.push(slotOf(entry.to));
  }
  const last = slots.at(-1);
  if (!last || last.startsAt !== booking.start || last.endsAt !== booking.end) slots.push(slotOf(booking));
  return slots;
}

function toToolBooking(booking: PlanlyBooking): ToolBooking {
  return {
    id: booking.id,
    inspectionId: booking.externalKey,
    assignmentReference: booking.resourceKey,
    open: booking.status === 'booked',
    cancelReason: booking.cancelReason,
    slots: slotsOf(booking),
  };
}

export interface PlanlyTool extends BookingTool {
  /** Subscribes `url` to Planly's webhooks with `secret` (again: replaces the secret). */
  registerWebhook(url: string, secret: string): Promise<void>;
}

export function planlyTool(options: { url: string; token: string }): PlanlyTool {
  const headers = { authorization: `Bearer ${options.token}` };
  const call = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown, accept?: number[]) =>
    requestJson('Planly', {
      method,
      url: `${options.url}${path}`,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(accept ? { accept } : {}),
    });
  const get = async (id: string) => {
    const answer = await call('GET', `/api/bookings/${encodeURIComponent(id)}`, undefined, [404]);
    return answer.status === 404 ? null : toToolBooking(answer.body as PlanlyBooking);
  };

  return {
    system: 'booking-a',
    displayName: 'Planly',
    keepsHistory: true,
    precisionMs: 1,
    get,
    async findByInspectionId(inspectionId) {
      const answer = await call('GET', `/api/bookings?externalKey=${encodeURIComponent(inspectionId)}`);
      const [found] = (answer.body as { data: PlanlyBooking[] }).data;
      return found ? toToolBooking(found) : null;
    },
    async create(booking: NewToolBooking) {
      try {
        const answer = await call('POST', '/api/bookings', {
          externalKey: booking.inspectionId,
          resourceKey: booking.assignmentReference,
          title: booking.title,
          start: booking.slot.startsAt,
          end: booking.slot.endsAt,
        });
        return toToolBooking(answer.body as PlanlyBooking);
      } catch (error) {
        // Made meanwhile (a redelivery racing this one in another process): that booking is the one.
        const existing = (error as ToolRequestError).body as { error?: string; bookingId?: string } | null;
        if (error instanceof ToolRequestError && existing?.error === 'external_key_taken' && existing.bookingId) {
          const found = await get(existing.bookingId);
          if (found) return found;
        }
        throw error;
      }
    },
    async move(id, slot) {
      const answer = await call('PATCH', `/api/bookings/${encodeURIComponent(id)}`, {
        start: slot.startsAt,
        end: slot.endsAt,
      });
      return toToolBooking(answer.body as PlanlyBooking);
    },
    async cancel(id, reason) {
      const answer = await call('POST', `/api/bookings/${encodeURIComponent(id)}/cancel`, { reason });
      return toToolBooking(answer.body as PlanlyBooking);
    },
    async registerWebhook(url, secret) {
      await call('POST', '/api/webhooks', { url, secret });
    },
  };
}

/** Checks `X-Planly-Signature` against the raw body, in constant time. */
export function planlySignatureMatches(secret: string, body: string, header: string | undefined): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

/** The event id and booking id of a verified Planly webhook body, or null when it is not one. */
export function parsePlanlyEvent(body: string): PlanlyWebhookEvent | null {
  try {
    const event = JSON.parse(body) as Partial<PlanlyWebhookEvent>;
    if (typeof event.id === 'string' && typeof event.type === 'string' && typeof event.data?.booking?.id === 'string') {
      return event as PlanlyWebhookEvent;
    }
  } catch {
    // not JSON
  }
  return null;
}
