// Kalendra's appointments (booking tool B): numeric ids, local wall-clock time in Europe/Oslo
// (`date`, `time`, `durationMinutes`), no history on the appointment, and every change appended to
// a change feed that integrations read in order.

export interface KalendraFields {
  /** The integration's reference for the appointment (the connector writes the inspection id). */
  reference: string | null;
  /** The case the appointment is for: the assignment's reference, e.g. `2026-000123`. */
  caseNumber: string;
  title: string;
  /** Local date in Europe/Oslo, `YYYY-MM-DD`. */
  date: string;
  /** Local time in Europe/Oslo, `HH:mm`. */
  time: string;
  durationMinutes: number;
}

export interface KalendraAppointment extends KalendraFields {
  id: number;
  state: 'scheduled' | 'cancelled';
  cancelReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type KalendraChangedBy = { type: 'staff'; name: string } | { type: 'api'; apiKeyId: string };

export interface KalendraChange {
  /** The change's position in the feed, from 1. */
  position: number;
  kind: 'created' | 'updated' | 'cancelled';
  appointmentId: number;
  at: string;
  by: KalendraChangedBy;
  /** The appointment before the change; null when it was created. */
  before: KalendraAppointment | null;
  after: KalendraAppointment;
}

export interface KalendraState {
  nextId: number;
  appointments: KalendraAppointment[];
  changes: KalendraChange[];
}

export type KalendraRefusal = 'APPOINTMENT_NOT_FOUND' | 'REFERENCE_IN_USE' | 'APPOINTMENT_CANCELLED';

export class KalendraStoreError extends Error {
  constructor(
    readonly code: KalendraRefusal,
    message: string,
    readonly appointmentId?: number,
  ) {
    super(message);
  }
}

export interface KalendraFilter {
  reference?: string;
  caseNumber?: string;
  state?: KalendraAppointment['state'];
  /** Changed at or after this instant (ISO). */
  updatedSince?: string;
}

const copy = <T>(value: T): T => structuredClone(value);

const FIELDS = ['reference', 'caseNumber', 'title', 'date', 'time', 'durationMinutes'] as const;

export class KalendraStore {
  readonly #appointments = new Map<number, KalendraAppointment>();
  readonly #byReference = new Map<string, number>();
  readonly #changes: KalendraChange[];
  #nextId: number;

  constructor(state?: KalendraState) {
    this.#nextId = state?.nextId ?? 1;
    this.#changes = state?.changes ?? [];
    for (const appointment of state?.appointments ?? []) this.#put(appointment);
  }

  #put(appointment: KalendraAppointment): void {
    this.#appointments.set(appointment.id, appointment);
    if (appointment.reference !== null) this.#byReference.set(appointment.reference, appointment.id);
  }

  #find(id: number): KalendraAppointment {
    const appointment = this.#appointments.get(id);
    if (!appointment) throw new KalendraStoreError('APPOINTMENT_NOT_FOUND', `No appointment ${id}`);
    return appointment;
  }

  #assertReferenceFree(reference: string | null, exceptId?: number): void {
    if (reference === null) return;
    const holder = this.#byReference.get(reference);
    if (holder !== undefined && holder !== exceptId) {
      throw new KalendraStoreError('REFERENCE_IN_USE', `Appointment ${holder} has that reference`, holder);
    }
  }

  #record(
    kind: KalendraChange['kind'],
    by: KalendraChangedBy,
    before: KalendraAppointment | null,
    after: KalendraAppointment,
  ) {
    this.#changes.push({
      position: this.#changes.length + 1,
      kind,
      appointmentId: after.id,
      at: after.updatedAt,
      by,
      before: before ? copy(before) : null,
      after: copy(after),
    });
  }

  create(fields: KalendraFields, by: KalendraChangedBy): KalendraAppointment {
    this.#assertReferenceFree(fields.reference);
    const at = new Date().toISOString();
    const appointment: KalendraAppointment = {
      id: this.#nextId++,
      ...fields,
      state: 'scheduled',
      cancelReason: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    this.#put(appointment);
    this.#record('created', by, null, appointment);
    return copy(appointment);
  }

  /** Replaces every field of a scheduled appointment; the same fields again change nothing. */
  replace(id: number, fields: KalendraFields, by: KalendraChangedBy): KalendraAppointment {
    const appointment = this.#find(id);
    if (appointment.state === 'cancelled') {
      throw new KalendraStoreError('APPOINTMENT_CANCELLED', `Appointment ${id} is cancelled`);
    }
    if (FIELDS.every((field) => appointment[field] === fields[field])) return copy(appointment);
    this.#assertReferenceFree(fields.reference, id);
    const before = copy(appointment);
    if (appointment.reference !== null) this.#byReference.delete(appointment.reference);
    for (const field of FIELDS) Object.assign(appointment, { [field]: fields[field] });
    appointment.version += 1;
    appointment.updatedAt = new Date().toISOString();
    this.#put(appointment);
    this.#record('updated', by, before, appointment);
    return copy(appointment);
  }

  /** Cancels an appointment (it stays, as `cancelled`); cancelling it again changes nothing. */
  cancel(id: number, reason: string | null, by: KalendraChangedBy): KalendraAppointment {
    const appointment = this.#find(id);
    if (appointment.state === 'cancelled') return copy(appointment);
    const before = copy(appointment);
    Object.assign(appointment, {
      state: 'cancelled',
      cancelReason: reason,
      version: appointment.version + 1,
      updatedAt: new Date().toISOString(),
    });
    this.#record('cancelled', by, before, appointment);
    return copy(appointment);
  }

  get(id: number): KalendraAppointment {
    return copy(this.#find(id));
  }

  /** Lowest id first. */
  list(filter: KalendraFilter = {}): KalendraAppointment[] {
    const matches: KalendraAppointment[] = [];
    for (const appointment of this.#appointments.values()) {
      if (filter.reference !== undefined && appointment.reference !== filter.reference) continue;
      if (filter.caseNumber !== undefined && appointment.caseNumber !== filter.caseNumber) continue;
      if (filter.state !== undefined && appointment.state !== filter.state) continue;
      if (filter.updatedSince !== undefined && appointment.updatedAt < filter.updatedSince) continue;
      matches.push(copy(appointment));
    }
    return matches;
  }

  /** The changes after `position`, at most `limit`. */
  changesAfter(position: number, limit: number): KalendraChange[] {
    return copy(this.#changes.slice(position, position + limit));
  }

  get lastPosition(): number {
    return this.#changes.length;
  }

  toJSON(): KalendraState {
    return { nextId: this.#nextId, appointments: [...this.#appointments.values()], changes: this.#changes };
  }
}
