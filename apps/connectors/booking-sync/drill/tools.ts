// The drill's hands in the simulated tools: the staff side (a person clicking), and the API reads
// the checks use. Plain HTTP, as anyone outside the connector would call them.
import type { KalendraAppointment, PlanlyBooking } from '@takst/simulated-tools';
import { toOsloLocal } from '../src/oslo-time';
import type { Slot } from '../src/slots';

async function call<T>(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const answer = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await answer.text();
  if (!answer.ok)
    throw new Error(`${method} ${new URL(url).pathname} answered ${answer.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

const STAFF = { 'x-staff-name': 'Drill staff' };

export class PlanlyHands {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  book(resourceKey: string, slot: Slot): Promise<PlanlyBooking> {
    return call('POST', `${this.url}/staff/bookings`, STAFF, {
      resourceKey,
      title: `Befaring ${resourceKey}`,
      start: slot.startsAt,
      end: slot.endsAt,
    });
  }

  move(id: string, slot: Slot): Promise<PlanlyBooking> {
    return call('POST', `${this.url}/staff/bookings/${id}/move`, STAFF, { start: slot.startsAt, end: slot.endsAt });
  }

  cancel(id: string, reason: string): Promise<PlanlyBooking> {
    return call('POST', `${this.url}/staff/bookings/${id}/cancel`, STAFF, { reason });
  }

  /** Every booking, or those changed since an instant. */
  async all(updatedSince?: string): Promise<PlanlyBooking[]> {
    const bookings: PlanlyBooking[] = [];
    const since = updatedSince ? `&updatedSince=${encodeURIComponent(updatedSince)}` : '';
    let offset: number | null = 0;
    while (offset !== null) {
      const page: { data: PlanlyBooking[]; meta: { nextOffset: number | null } } = await call(
        'GET',
        `${this.url}/api/bookings?limit=1000&offset=${offset}${since}`,
        { authorization: `Bearer ${this.token}` },
      );
      bookings.push(...page.data);
      offset = page.meta.nextOffset;
    }
    return bookings;
  }
}

export class KalendraHands {
  constructor(
    private readonly url: string,
    private readonly apiKey: string,
  ) {}

  book(caseNumber: string, slot: Slot): Promise<KalendraAppointment> {
    return call('POST', `${this.url}/staff/appointments`, STAFF, {
      caseNumber,
      title: `Befaring ${caseNumber}`,
      ...toOsloLocal(slot.startsAt),
      durationMinutes: (Date.parse(slot.endsAt) - Date.parse(slot.startsAt)) / 60_000,
    });
  }

  move(id: number, slot: Slot): Promise<KalendraAppointment> {
    return call('POST', `${this.url}/staff/appointments/${id}/move`, STAFF, {
      ...toOsloLocal(slot.startsAt),
      durationMinutes: (Date.parse(slot.endsAt) - Date.parse(slot.startsAt)) / 60_000,
    });
  }

  cancel(id: number, reason: string): Promise<KalendraAppointment> {
    return call('POST', `${this.url}/staff/appointments/${id}/cancel`, STAFF, { reason });
  }

  /** Every appointment, or those changed since an instant. */
  async all(updatedSince?: string): Promise<KalendraAppointment[]> {
    const appointments: KalendraAppointment[] = [];
    const since = updatedSince ? `&updatedSince=${encodeURIComponent(updatedSince)}` : '';
    let offset: number | null = 0;
    while (offset !== null) {
      const page: { appointments: KalendraAppointment[]; next: number | null } = await call(
        'GET',
        `${this.url}/v2/appointments?limit=1000&offset=${offset}${since}`,
        { 'x-api-key': this.apiKey },
      );
      appointments.push(...page.appointments);
      offset = page.next;
    }
    return appointments;
  }
}
