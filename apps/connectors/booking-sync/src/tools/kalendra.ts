// Booking tool B, Kalendra: an X-Api-Key, numeric ids, local time in Europe/Oslo, PUT replaces
// an appointment whole, DELETE cancels it, no history and no webhooks: a change feed instead.
import { fromOsloLocal, toOsloLocal } from '../oslo-time';
import type { Slot } from '../slots';
import { type BookingTool, requestJson, type ToolBooking, ToolRequestError } from '../tool';

export interface KalendraAppointment {
  id: number;
  reference: string | null;
  caseNumber: string;
  title: string;
  date: string;
  time: string;
  durationMinutes: number;
  state: 'scheduled' | 'cancelled';
  cancelReason: string | null;
}

export interface KalendraChange {
  position: number;
  kind: 'created' | 'updated' | 'cancelled';
  appointmentId: number;
  by: { type: 'staff'; name: string } | { type: 'api'; apiKeyId: string };
  before: KalendraAppointment | null;
  after: KalendraAppointment;
  cursor: string;
}

export interface KalendraChangePage {
  changes: KalendraChange[];
  nextCursor: string;
  hasMore: boolean;
}

const MINUTE_MS = 60_000;

/** The instants an appointment's local date, time and duration stand for. */
export function slotOfAppointment(appointment: Pick<KalendraAppointment, 'date' | 'time' | 'durationMinutes'>): Slot {
  const startsAt = fromOsloLocal(appointment.date, appointment.time);
  return { startsAt, endsAt: new Date(Date.parse(startsAt) + appointment.durationMinutes * MINUTE_MS).toISOString() };
}

/** A slot in Kalendra's terms; Kalendra holds whole minutes, so seconds are dropped. */
export function localOf(slot: Slot): { date: string; time: string; durationMinutes: number } {
  const start = Math.floor(Date.parse(slot.startsAt) / MINUTE_MS);
  const end = Math.floor(Date.parse(slot.endsAt) / MINUTE_MS);
  return { ...toOsloLocal(slot.startsAt), durationMinutes: end - start };
}

function toToolBooking(appointment: KalendraAppointment): ToolBooking {
  return {
    id: String(appointment.id),
    inspectionId: appointment.reference,
    assignmentReference: appointment.caseNumber,
    open: appointment.state === 'scheduled',
    cancelReason: appointment.cancelReason,
    slots: [slotOfAppointment(appointment)],
  };
}

export interface KalendraTool extends BookingTool {
  /** The id Kalendra gives our API key: changes made with it are our own. */
  apiKeyId(): Promise<string>;
  changes(cursor: string | null, limit: number, signal?: AbortSignal): Promise<KalendraChangePage>;
}

export function kalendraTool(options: { url: string; apiKey: string }): KalendraTool {
  const headers = { 'x-api-key': options.apiKey };
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    extra: { body?: unknown; accept?: number[]; signal?: AbortSignal } = {},
  ) => requestJson('Kalendra', { method, url: `${options.url}${path}`, headers, ...extra });
  const getAppointment = async (id: string): Promise<KalendraAppointment | null> => {
    if (!/^\d+$/.test(id)) return null;
    const answer = await call('GET', `/v2/appointments/${id}`, { accept: [404] });
    return answer.status === 404 ? null : (answer.body as KalendraAppointment);
  };

  return {
    system: 'booking-b',
    displayName: 'Kalendra',
    keepsHistory: false,
    precisionMs: MINUTE_MS,
    async get(id) {
      const appointment = await getAppointment(id);
      return appointment ? toToolBooking(appointment) : null;
    },
    async findByInspectionId(inspectionId) {
      const answer = await call('GET', `/v2/appointments?reference=${encodeURIComponent(inspectionId)}`);
      const [found] = (answer.body as { appointments: KalendraAppointment[] }).appointments;
      return found ? toToolBooking(found) : null;
    },
    async create(booking) {
      try {
        const answer = await call('POST', '/v2/appointments', {
          body: {
            reference: booking.inspectionId,
            caseNumber: booking.assignmentReference,
            title: booking.title,
            ...localOf(booking.slot),
          },
        });
        return toToolBooking(answer.body as KalendraAppointment);
      } catch (error) {
        const existing = (error as ToolRequestError).body as { code?: string; appointmentId?: number } | null;
        if (error instanceof ToolRequestError && existing?.code === 'REFERENCE_IN_USE' && existing.appointmentId) {
          const found = await getAppointment(String(existing.appointmentId));
          if (found) return toToolBooking(found);
        }
        throw error;
      }
    },
    async move(id, slot) {
      // PUT replaces the whole appointment: read it, change the time, send it all back.
      const current = await getAppointment(id);
      if (!current) throw new ToolRequestError('Kalendra', 404, null, `Kalendra has no appointment ${id}`);
      const { reference, caseNumber, title } = current;
      const answer = await call('PUT', `/v2/appointments/${id}`, {
        body: { reference, caseNumber, title, ...localOf(slot) },
      });
      return toToolBooking(answer.body as KalendraAppointment);
    },
    async cancel(id, reason) {
      const answer = await call('DELETE', `/v2/appointments/${id}?reason=${encodeURIComponent(reason)}`);
      return toToolBooking(answer.body as KalendraAppointment);
    },
    async apiKeyId() {
      const answer = await call('GET', '/v2/me');
      return (answer.body as { apiKeyId: string }).apiKeyId;
    },
    async changes(cursor, limit, signal) {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const answer = await call('GET', `/v2/changes?${query}`, signal ? { signal } : {});
      return answer.body as KalendraChangePage;
    },
  };
}
