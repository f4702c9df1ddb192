// The sync logic, the same for every tool (tool.ts is all it knows of one):
// - tool → platform: a booking made, moved or cancelled in the tool becomes an inspection booked,
//   moved or cancelled through `inspections.upsertByExternalRef` and `inspections.cancel`;
// - platform → tool: an inspection booked, moved or cancelled in the platform is made, moved or
//   cancelled in the tool, and the tool's id linked with `externalRefs.link`;
// - backfill: every open inspection without a booking in the tool gets one.
// Every step reads both sides afresh and compares, so a repeated or late delivery does nothing,
// and a crash anywhere leaves work the next delivery (or the next start) finishes. The only
// state is the platform's references and the inspection id in the tool's own field.

import { eachLimited, errorFields, KeyedQueue, type Log } from '@takst/connector-runtime';
import { type Inspection, isTakstError, type TakstClient } from '@takst/sdk';
import { crashPoint } from './crash-point';
import { currentSlotOf, isOpen, isRefusal, SyncRefusal, slotsOf } from './platform';
import { align, describeSlot, type Slot, sameSlot } from './slots';
import type { BookingTool, ToolBooking } from './tool';

/** One change in a tool without history: the booking's time before and after it. */
export interface ToolChange {
  before: Slot | null;
  after: Slot;
}

export interface InspectionSource {
  sourceSystem: string | null;
  externalId: string | null;
}

export interface BackfillCounts {
  /** Open inspections found in the platform. */
  open: number;
  /** Of those, already linked to a booking in this tool. */
  alreadyLinked: number;
  /** Bookings made in the tool and linked. */
  created: number;
  /** Bookings found in the tool (made before a crash) and linked. */
  linkedExisting: number;
  failed: number;
}

export interface BookingSync {
  /** Carries the booking's state in the tool over to the platform. */
  carryToolBooking(bookingId: string, change?: ToolChange): Promise<void>;
  /**
   * True when this state of an inspection (a webhook's data) made from this tool is what the
   * tool already shows, asked of the tool alone: the echo of the connector's own write, or a
   * repeat. False means "look closer", never "skip".
   */
  toolShows(inspection: Inspection): Promise<boolean>;
  /**
   * Carries the inspection's state in the platform over to the tool. `source` is the inspection's
   * `sourceSystem` and `externalId` as an event or webhook gave them (they never change): an
   * inspection this tool's booking made names that booking itself.
   */
  carryInspection(inspectionId: string, source?: InspectionSource): Promise<void>;
  backfill(options?: { concurrency?: number }): Promise<BackfillCounts>;
}

const FAR_PAST = '1970-01-01T00:00:00.000Z';
const FAR_FUTURE = '9999-12-31T00:00:00.000Z';

export function createBookingSync(options: { takst: TakstClient; tool: BookingTool; log: Log; locks?: KeyedQueue }) {
  const { takst, tool, log } = options;
  const locks = options.locks ?? new KeyedQueue();
  const { system } = tool;
  const same = (a: Slot, b: Slot) => sameSlot(a, b, tool.precisionMs);

  const getInspection = async (id: string): Promise<Inspection | null> => {
    try {
      return await takst.inspections.get.query({ id });
    } catch (error) {
      if (isTakstError(error, 'INSPECTION_NOT_FOUND')) return null;
      throw error;
    }
  };

  const link = (inspectionId: string, bookingId: string) =>
    takst.externalRefs.link.mutate({ entityType: 'inspection', entityId: inspectionId, system, externalId: bookingId });

  /** The inspection this booking is, by the platform's reference, or by the inspection id in the tool (then linked). */
  const inspectionOf = async (booking: ToolBooking): Promise<Inspection | null> => {
    try {
      const resolved = await takst.externalRefs.resolve.query({
        system,
        externalId: booking.id,
        entityType: 'inspection',
      });
      if (resolved.entityType === 'inspection') return resolved.entity;
    } catch (error) {
      if (!isTakstError(error, 'EXTERNAL_REF_NOT_FOUND')) throw error;
    }
    if (booking.inspectionId === null) return null;
    const inspection = await getInspection(booking.inspectionId);
    if (!inspection) return null;
    // Made in the tool by us, but the link was lost to a crash: link it now, unless the
    // inspection has another booking of this tool already (one reference per system).
    const refs = await takst.externalRefs.list.query({ entityType: 'inspection', entityId: inspection.id });
    const other = refs.items.find((ref) => ref.system === system);
    if (other) {
      throw new SyncRefusal(`Inspection ${inspection.id} is linked to ${tool.displayName} booking ${other.externalId}`);
    }
    await link(inspection.id, booking.id);
    log.info('booking linked', { inspectionId: inspection.id, bookingId: booking.id, direction: 'tool→platform' });
    return inspection;
  };

  const upsert = (bookingId: string, inspection: { assignmentId: string; appraiserId: string }, slot: Slot) =>
    takst.inspections.upsertByExternalRef.mutate({
      system,
      externalId: bookingId,
      inspection: { ...inspection, startsAt: slot.startsAt, endsAt: slot.endsAt },
    });

  const cancelInspection = async (inspection: Inspection, reason: string): Promise<boolean> => {
    let current: Inspection | null = inspection;
    for (let attempt = 1; current && isOpen(current); attempt += 1) {
      try {
        await takst.inspections.cancel.mutate({ id: current.id, reason, expectedVersion: current.version });
        return true;
      } catch (error) {
        if (isTakstError(error, 'INSPECTION_NOT_OPEN')) return false;
        if (!isTakstError(error, 'VERSION_CONFLICT') || attempt >= 5) throw error;
        current = await getInspection(inspection.id);
      }
    }
    return false;
  };

  /** Runs one carry, logging a refusal and passing over it; anything else is thrown to be tried again. */
  const guarded = async (what: string, fields: Record<string, unknown>, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      if (!isRefusal(error)) throw error;
      log.warn(`${what} refused`, { ...fields, ...errorFields(error) });
    }
  };

  const bookInPlatform = async (booking: ToolBooking, change: ToolChange | undefined) => {
    if (!booking.open) {
      log.info('booking passed over', { bookingId: booking.id, reason: 'cancelled before it reached the platform' });
      return;
    }
    const assignment = await takst.assignments.getByReference.query({ reference: booking.assignmentReference });
    if (!assignment.appraiser) {
      throw new SyncRefusal(`Assignment ${assignment.reference} has no appraiser to book`);
    }
    const target = { assignmentId: assignment.id, appraiserId: assignment.appraiser.id };
    // A tool with history: each of its times in turn, so the platform keeps the same history.
    const slots = tool.keepsHistory ? booking.slots : [change?.after ?? (booking.slots.at(-1) as Slot)];
    let inspectionId = '';
    for (const slot of slots) inspectionId = (await upsert(booking.id, target, slot)).inspection.id;
    log.info('inspection booked', {
      direction: 'tool→platform',
      bookingId: booking.id,
      inspectionId,
      assignment: assignment.reference,
      slot: describeSlot(slots.at(-1) as Slot),
      moves: slots.length - 1,
    });
  };

  const moveInPlatform = async (booking: ToolBooking, inspection: Inspection, change: ToolChange | undefined) => {
    const target = { assignmentId: inspection.assignmentId, appraiserId: inspection.appraiser.id };
    const fields = { direction: 'tool→platform', bookingId: booking.id, inspectionId: inspection.id };
    const toolNow = booking.slots.at(-1) as Slot;
    const platformNow = currentSlotOf(inspection);
    let moves: Slot[] = [];
    if (tool.keepsHistory) {
      const alignment = align(booking.slots, slotsOf(inspection), tool.precisionMs);
      if (alignment.kind === 'behind') moves = alignment.missing;
      else if (alignment.kind === 'diverged' && !same(toolNow, platformNow)) {
        log.warn('moved on both sides', { ...fields, keeping: describeSlot(toolNow), from: 'tool' });
        moves = [toolNow];
      }
    } else {
      const wanted = change?.after ?? toolNow;
      // A change is carried when the platform is where the tool was before it, or when it is the
      // tool's latest; an older change replayed after the platform moved on is passed over.
      const applies = !change || (change.before !== null && same(platformNow, change.before)) || same(toolNow, wanted);
      if (!same(platformNow, wanted) && applies) moves = [wanted];
      else if (!same(platformNow, wanted)) log.debug('stale tool change passed over', fields);
    }
    for (const slot of moves) await upsert(booking.id, target, slot);
    if (moves.length > 0) {
      log.info('inspection moved', { ...fields, slot: describeSlot(moves.at(-1) as Slot), moves: moves.length });
    } else log.debug('inspection unchanged', fields);
  };

  const carryToolBookingNow = async (bookingId: string, change: ToolChange | undefined) => {
    const booking = await tool.get(bookingId);
    if (!booking) {
      log.warn('booking passed over', { bookingId, reason: `not found in ${tool.displayName}` });
      return;
    }
    const inspection = await inspectionOf(booking);
    if (!inspection) return bookInPlatform(booking, change);
    const fields = { direction: 'tool→platform', bookingId, inspectionId: inspection.id };
    if (!booking.open) {
      const reason = booking.cancelReason ?? `Cancelled in ${tool.displayName}`;
      if (await cancelInspection(inspection, reason)) log.info('inspection cancelled', { ...fields, reason });
      else log.debug('inspection already closed', fields);
      return;
    }
    if (!isOpen(inspection)) {
      // Cancelled or completed in the platform; the other direction tells the tool.
      log.debug('inspection closed in the platform', { ...fields, status: inspection.status });
      return;
    }
    await moveInPlatform(booking, inspection, change);
  };

  const createInTool = async (inspection: Inspection) => {
    const assignment = await takst.assignments.get.query({ id: inspection.assignmentId });
    const slots = slotsOf(inspection);
    // A tool with history gets the inspection's whole history, each move as a move.
    const [first, ...moves] = tool.keepsHistory ? slots : [currentSlotOf(inspection)];
    const created = await tool.create({
      inspectionId: inspection.id,
      assignmentReference: assignment.reference,
      title: `Befaring ${assignment.reference}, ${assignment.property.address.street}`,
      slot: first as Slot,
    });
    crashPoint('after-tool-create');
    await link(inspection.id, created.id);
    for (const slot of moves) await tool.move(created.id, slot);
    log.info('booking created', {
      direction: 'platform→tool',
      inspectionId: inspection.id,
      bookingId: created.id,
      assignment: assignment.reference,
      slot: describeSlot(currentSlotOf(inspection)),
      moves: moves.length,
    });
    return created;
  };

  const reconcileTool = async (inspectionId: string, bookingId: string) => {
    const [inspection, booking] = await Promise.all([getInspection(inspectionId), tool.get(bookingId)]);
    const fields = { direction: 'platform→tool', inspectionId, bookingId };
    if (!inspection || !booking) {
      log.warn('booking passed over', {
        ...fields,
        reason: inspection ? `not found in ${tool.displayName}` : 'inspection not found',
      });
      return;
    }
    if (inspection.status === 'cancelled') {
      if (booking.open) {
        const reason = inspection.cancelReason ?? 'Cancelled in the platform';
        await tool.cancel(bookingId, reason);
        log.info('booking cancelled', { ...fields, reason });
      }
      return;
    }
    if (!isOpen(inspection) || !booking.open) {
      // Completed: the visit happened, the booking stays. Cancelled in the tool: that direction carries it.
      log.debug('booking unchanged', { ...fields, status: inspection.status, open: booking.open });
      return;
    }
    const platformNow = currentSlotOf(inspection);
    const toolNow = booking.slots.at(-1) as Slot;
    let moves: Slot[] = [];
    if (tool.keepsHistory) {
      const alignment = align(slotsOf(inspection), booking.slots, tool.precisionMs);
      if (alignment.kind === 'behind') moves = alignment.missing;
      else if (alignment.kind === 'diverged' && !same(platformNow, toolNow)) {
        log.warn('moved on both sides', { ...fields, keeping: describeSlot(platformNow), from: 'platform' });
        moves = [platformNow];
      }
    } else if (!same(platformNow, toolNow)) moves = [platformNow];
    for (const slot of moves) await tool.move(bookingId, slot);
    if (moves.length > 0) {
      log.info('booking moved', { ...fields, slot: describeSlot(platformNow), moves: moves.length });
    } else log.debug('booking unchanged', fields);
  };

  /** The id of this tool's booking for the inspection: by the reference, else by the tool's own field (then linked). */
  const bookingIdOf = async (inspectionId: string, source: InspectionSource | undefined): Promise<string | null> => {
    // Booked through this tool's reference, which was registered with the booking.
    if (source?.sourceSystem === system && source.externalId) return source.externalId;
    const refs = await takst.externalRefs.list.query({ entityType: 'inspection', entityId: inspectionId });
    const ref = refs.items.find((item) => item.system === system);
    if (ref) return ref.externalId;
    const found = await tool.findByInspectionId(inspectionId);
    if (!found) return null;
    // Made in the tool, then the connector stopped before linking: link it, make no second one.
    await link(inspectionId, found.id);
    log.info('booking linked', { inspectionId, bookingId: found.id, direction: 'platform→tool' });
    return found.id;
  };

  const carryInspectionNow = async (inspectionId: string, source: InspectionSource | undefined) => {
    const bookingId = await bookingIdOf(inspectionId, source);
    if (bookingId) {
      await locks.run(`booking:${bookingId}`, () => reconcileTool(inspectionId, bookingId));
      return;
    }
    const inspection = await getInspection(inspectionId);
    if (!inspection || !isOpen(inspection)) {
      log.debug('inspection passed over', { inspectionId, reason: 'closed before it reached the tool' });
      return;
    }
    await createInTool(inspection);
  };

  const toolShows = async (inspection: Inspection): Promise<boolean> => {
    // Only an inspection the tool's own booking made (its reference registered in the same
    // transaction): any other may still lack its link, which the full path makes.
    if (inspection.sourceSystem !== system || !inspection.externalId) return false;
    const booking = await tool.get(inspection.externalId);
    if (!booking) return false;
    if (inspection.status === 'cancelled') return !booking.open;
    if (!isOpen(inspection) || !booking.open) return false;
    const alignment = align(slotsOf(inspection), booking.slots, tool.precisionMs);
    return tool.keepsHistory
      ? alignment.kind === 'same' || alignment.kind === 'ahead'
      : same(currentSlotOf(inspection), booking.slots.at(-1) as Slot);
  };

  return {
    toolShows,
    // Under the booking's lock: the platform→tool direction takes the same one before it touches the booking.
    carryToolBooking: (bookingId, change) =>
      locks.run(`booking:${bookingId}`, () =>
        guarded('tool change', { bookingId }, () => carryToolBookingNow(bookingId, change)),
      ),
    carryInspection: (inspectionId, source) =>
      locks.run(`inspection:${inspectionId}`, () =>
        guarded('platform change', { inspectionId }, () => carryInspectionNow(inspectionId, source)),
      ),
    async backfill({ concurrency = 4 } = {}) {
      const counts: BackfillCounts = { open: 0, alreadyLinked: 0, created: 0, linkedExisting: 0, failed: 0 };
      const open: Inspection[] = [];
      for await (const appraiser of takst.appraisers.list.iterate({ limit: 200 })) {
        for await (const inspection of takst.inspections.list.iterate({
          appraiserId: appraiser.id,
          from: FAR_PAST,
          to: FAR_FUTURE,
          status: ['booked', 'rescheduled'],
          limit: 200,
        })) {
          open.push(inspection);
        }
      }
      counts.open = open.length;
      await eachLimited(open, concurrency, (inspection) =>
        locks.run(`inspection:${inspection.id}`, async () => {
          try {
            const refs = await takst.externalRefs.list.query({ entityType: 'inspection', entityId: inspection.id });
            if (refs.items.some((ref) => ref.system === system)) {
              counts.alreadyLinked += 1;
              return;
            }
            const found = await tool.findByInspectionId(inspection.id);
            if (found) {
              await link(inspection.id, found.id);
              counts.linkedExisting += 1;
              log.info('booking linked', { inspectionId: inspection.id, bookingId: found.id, direction: 'backfill' });
              return;
            }
            // As listed: a change since the listing is an event after the checkpoint, carried later.
            await createInTool(inspection);
            counts.created += 1;
          } catch (error) {
            counts.failed += 1;
            log.error('backfill failed for an inspection', { inspectionId: inspection.id, ...errorFields(error) });
          }
        }),
      );
      return counts;
    },
  } satisfies BookingSync;
}
