// Planly's bookings (booking tool A): ids `PL-1001`, times as ISO instants, and every change kept
// in the booking's history, which Planly shows staff as the booking's log.

export interface PlanlySlot {
  start: string;
  end: string;
}

/** Who made a change: `api` (an integration's token) or `staff:<name>` (a person in Planly's UI). */
export type PlanlyActor = 'api' | `staff:${string}`;

export type PlanlyHistoryEntry =
  | { action: 'booked'; at: string; by: PlanlyActor; start: string; end: string }
  | { action: 'moved'; at: string; by: PlanlyActor; from: PlanlySlot; to: PlanlySlot }
  | { action: 'cancelled'; at: string; by: PlanlyActor; reason: string };

export interface PlanlyBooking {
  id: string;
  /** The integration's own key for the booking (the connector writes the platform's inspection id). */
  externalKey: string | null;
  /** What is booked: the assignment's reference, e.g. `2026-000123`. */
  resourceKey: string;
  title: string;
  start: string;
  end: string;
  status: 'booked' | 'cancelled';
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
  history: PlanlyHistoryEntry[];
}

export interface NewPlanlyBooking extends PlanlySlot {
  externalKey: string | null;
  resourceKey: string;
  title: string;
}

export interface PlanlyFilter {
  status?: PlanlyBooking['status'];
  externalKey?: string;
  resourceKey?: string;
  /** Changed at or after this instant (ISO). */
  updatedSince?: string;
}

export interface PlanlyState {
  nextNumber: number;
  bookings: PlanlyBooking[];
}

export type PlanlyRefusal = 'not_found' | 'external_key_taken' | 'booking_cancelled';

export class PlanlyStoreError extends Error {
  constructor(
    readonly code: PlanlyRefusal,
    message: string,
    readonly bookingId?: string,
  ) {
    super(message);
  }
}

const copy = (booking: PlanlyBooking): PlanlyBooking => structuredClone(booking);

export class PlanlyStore {
  readonly #bookings = new Map<string, PlanlyBooking>();
  readonly #byExternalKey = new Map<string, string>();
  #nextNumber: number;

  constructor(state?: PlanlyState) {
    this.#nextNumber = state?.nextNumber ?? 1001;
    for (const booking of state?.bookings ?? []) this.#put(booking);
  }

  #put(booking: PlanlyBooking): void {
    this.#bookings.set(booking.id, booking);
    if (booking.externalKey !== null) this.#byExternalKey.set(booking.externalKey, booking.id);
  }

  #find(id: string): PlanlyBooking {
    const booking = this.#bookings.get(id);
    if (!booking) throw new PlanlyStoreError('not_found', `No booking ${id}`);
    return booking;
  }

  create(input: NewPlanlyBooking, by: PlanlyActor): PlanlyBooking {
    if (input.externalKey !== null) {
      const existing = this.#byExternalKey.get(input.externalKey);
      if (existing) {
        throw new PlanlyStoreError('external_key_taken', `Booking ${existing} has that externalKey`, existing);
      }
    }
    const at = new Date().toISOString();
    const booking: PlanlyBooking = {
      id: `PL-${this.#nextNumber++}`,
      externalKey: input.externalKey,
      resourceKey: input.resourceKey,
      title: input.title,
      start: input.start,
      end: input.end,
      status: 'booked',
      cancelReason: null,
      createdAt: at,
      updatedAt: at,
      history: [{ action: 'booked', at, by, start: input.start, end: input.end }],
    };
    this.#put(booking);
    return copy(booking);
  }

  /** Moves an open booking; the same time again changes nothing (and logs nothing). */
  move(id: string, to: PlanlySlot, by: PlanlyActor): { booking: PlanlyBooking; changed: boolean } {
    const booking = this.#find(id);
    if (booking.status === 'cancelled') throw new PlanlyStoreError('booking_cancelled', `Booking ${id} is cancelled`);
    if (booking.start === to.start && booking.end === to.end) return { booking: copy(booking), changed: false };
    const at = new Date().toISOString();
    booking.history.push({ action: 'moved', at, by, from: { start: booking.start, end: booking.end }, to: { ...to } });
    booking.start = to.start;
    booking.end = to.end;
    booking.updatedAt = at;
    return { booking: copy(booking), changed: true };
  }

  /** Cancels a booking; cancelling a cancelled one changes nothing. */
  cancel(id: string, reason: string, by: PlanlyActor): { booking: PlanlyBooking; changed: boolean } {
    const booking = this.#find(id);
    if (booking.status === 'cancelled') return { booking: copy(booking), changed: false };
    const at = new Date().toISOString();
    booking.history.push({ action: 'cancelled', at, by, reason });
    booking.status = 'cancelled';
    booking.cancelReason = reason;
    booking.updatedAt = at;
    return { booking: copy(booking), changed: true };
  }

  get(id: string): PlanlyBooking {
    return copy(this.#find(id));
  }

  /** Oldest first. */
  list(filter: PlanlyFilter = {}): PlanlyBooking[] {
    const matches: PlanlyBooking[] = [];
    for (const booking of this.#bookings.values()) {
      if (filter.status && booking.status !== filter.status) continue;
      if (filter.externalKey !== undefined && booking.externalKey !== filter.externalKey) continue;
      if (filter.resourceKey !== undefined && booking.resourceKey !== filter.resourceKey) continue;
      if (filter.updatedSince !== undefined && booking.updatedAt < filter.updatedSince) continue;
      matches.push(copy(booking));
    }
    return matches;
  }

  toJSON(): PlanlyState {
    return { nextNumber: this.#nextNumber, bookings: [...this.#bookings.values()] };
  }
}
