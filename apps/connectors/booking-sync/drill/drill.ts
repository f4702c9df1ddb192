// The swap drill: a firm works with booking tool A (Planly) through connector A, then switches to
// tool B (Kalendra) — connector B started and backfilled, A's key revoked, A's webhook deleted,
// connector A stopped — and works on in B. Then every check of the report.
//
// Work is done in rounds: in a round each assignment is changed on one side at most, and the
// round ends when both sides show every change (or a time limit passes, which fails the round).
// The drill keeps its own record of what it did (times, notes, status changes) to check against.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eachLimited } from '@takst/connector-runtime';
import { createTakstClient, type Inspection, isTakstError, type TakstClient } from '@takst/sdk';
import {
  type Kalendra,
  type KalendraAppointment,
  type Planly,
  type PlanlyBooking,
  startKalendra,
  startPlanly,
} from '@takst/simulated-tools';
import { freePort } from '../../../../bench/src/lib/processes';
import { type Slot, sameSlot } from '../src/slots';
import { type PlannedAssignment, planDrill, slotOf } from './plan';
import { type ConnectorProcess, connectorReady, runConnector, spawnConnector } from './processes';
import { Report } from './report';
import { KalendraHands, PlanlyHands } from './tools';

const CONNECTOR_SCOPES = ['assignments:read', 'assignments:write', 'events:read', 'appraisers:read'] as const;
const INSPECTION_EVENTS = ['inspection.booked', 'inspection.rescheduled', 'inspection.cancelled'];
const FAR_PAST = '1970-01-01T00:00:00.000Z';
const FAR_FUTURE = '9999-12-31T00:00:00.000Z';
const MINUTE_MS = 60_000;

type ItemStatus = 'none' | 'open' | 'cancelled' | 'completed';

interface Item {
  plan: PlannedAssignment;
  assignmentId: string;
  reference: string;
  appraiserId: string;
  inspectionId: string | null;
  aBookingId: string | null;
  bAppointmentId: number | null;
  /** The times the platform should hold, oldest first, the current one last. */
  slots: Slot[];
  /** The times Planly should hold. */
  aSlots: Slot[];
  status: ItemStatus;
  closedBeforeSwitch: boolean;
  cancelledInB: boolean;
  nextVariant: number;
  notes: string[];
  statusChanges: Array<{ from: string; to: string; reason: string }>;
  bookedIn: 'a' | 'b' | 'platform' | null;
}

export interface DrillOptions {
  n: number;
  seed: number;
  platformUrl: string;
  adminKey: string;
  /** Where the connectors' logs go. */
  workDir: string;
  concurrency: number;
  progress: (message: string) => void;
}

const seconds = (since: number) => (performance.now() - since) / 1000;

const slotOfInspection = (inspection: Inspection): Slot => ({
  startsAt: inspection.startsAt,
  endsAt: inspection.endsAt,
});
const timesOfInspection = (inspection: Inspection): Slot[] => [
  ...inspection.previousTimes.map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
  slotOfInspection(inspection),
];
const timesOfPlanly = (booking: PlanlyBooking): Slot[] =>
  booking.history.flatMap((entry) =>
    entry.action === 'booked'
      ? [{ startsAt: entry.start, endsAt: entry.end }]
      : entry.action === 'moved'
        ? [{ startsAt: entry.to.start, endsAt: entry.to.end }]
        : [],
  );
const slotOfAppointment = (appointment: KalendraAppointment, expected: Slot): boolean => {
  const local = new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Europe/Oslo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(expected.startsAt));
  const duration = (Date.parse(expected.endsAt) - Date.parse(expected.startsAt)) / MINUTE_MS;
  return local === `${appointment.date} ${appointment.time}` && appointment.durationMinutes === duration;
};
const sameTimes = (a: readonly Slot[], b: readonly Slot[]) =>
  a.length === b.length && a.every((slot, index) => sameSlot(slot, b[index] as Slot, 1));
const isOpenInspection = (inspection: Inspection) =>
  inspection.status === 'booked' || inspection.status === 'rescheduled';
const inspectionStatusMatches = (inspection: Inspection, status: ItemStatus) =>
  status === 'open' ? isOpenInspection(inspection) : inspection.status === status;

/**
 * What the drill knows of both sides, kept up to date cheaply: the platform's inspections from
 * the event log (each event carries the inspection after the change), the tools' bookings by
 * what changed since the last look. So a round's polling costs what changed, not all there is.
 */
class Mirror {
  readonly inspections = new Map<string, Inspection>();
  readonly inspectionsBySource = new Map<string, Inspection>();
  readonly planly = new Map<string, PlanlyBooking>();
  readonly planlyByKey = new Map<string, PlanlyBooking>();
  readonly kalendra = new Map<number, KalendraAppointment>();
  readonly kalendraByReference = new Map<string, KalendraAppointment>();
  #after = 0;
  #planlySince: string | undefined;
  #kalendraSince: string | undefined;

  constructor(
    private readonly admin: TakstClient,
    private readonly planlyHands: PlanlyHands,
    private readonly kalendraHands: KalendraHands,
  ) {}

  async refresh(tool: 'a' | 'b'): Promise<void> {
    for (;;) {
      const page = await this.admin.events.list.query({ after: this.#after, types: ['inspection.*'], limit: 500 });
      for (const event of page.items) {
        this.#after = event.sequence;
        if (event.entityType === 'inspection') this.#addInspection(event.data as Inspection);
      }
      if (page.nextAfter === null) break;
    }
    // Both tools run in this process: one clock, and a margin for bookings written while we read.
    const since = new Date(Date.now() - 2_000).toISOString();
    if (tool === 'a') {
      for (const booking of await this.planlyHands.all(this.#planlySince)) {
        this.planly.set(booking.id, booking);
        if (booking.externalKey) this.planlyByKey.set(booking.externalKey, booking);
      }
      this.#planlySince = since;
    } else {
      for (const appointment of await this.kalendraHands.all(this.#kalendraSince)) {
        this.kalendra.set(appointment.id, appointment);
        if (appointment.reference) this.kalendraByReference.set(appointment.reference, appointment);
      }
      this.#kalendraSince = since;
    }
  }

  #addInspection(inspection: Inspection) {
    this.inspections.set(inspection.id, inspection);
    if (inspection.sourceSystem && inspection.externalId) {
      this.inspectionsBySource.set(`${inspection.sourceSystem}:${inspection.externalId}`, inspection);
    }
  }
}

export async function runDrill(options: DrillOptions): Promise<Report> {
  const { n, seed, progress } = options;
  const report = new Report();
  const errors: string[] = [];
  const admin = createTakstClient({ baseUrl: options.platformUrl, apiKey: options.adminKey, timeoutMs: 60_000 });
  const plan = planDrill(n, seed);
  const limitMs = 30_000 + n * 90;
  const tools: { planly?: Planly; kalendra?: Kalendra } = {};
  const connectors: ConnectorProcess[] = [];

  /** Runs `work` for each item, `concurrency` at a time; a failure is counted, not thrown. */
  const each = (items: Item[], what: string, work: (item: Item) => Promise<void>) =>
    eachLimited(items, options.concurrency, async (item) => {
      try {
        await work(item);
      } catch (error) {
        errors.push(`${what} of assignment #${item.plan.index} (${item.reference}): ${(error as Error).message}`);
      }
    });

  try {
    // ---------------------------------------------------------------- setup
    let started = performance.now();
    progress(`setting up ${n} assignments`);
    const appraiserCount = Math.max(2, Math.ceil(n / 100));
    const appraiserIds: string[] = [];
    for (let index = 0; index < appraiserCount; index += 1) {
      const appraiser = await admin.appraisers.create.mutate({
        name: `Drill Takstmann ${index + 1}`,
        certifications: [{ area: 'condition', validFrom: '2020-01-01' }],
      });
      appraiserIds.push(appraiser.id);
    }
    const items: Item[] = [];
    for (let offset = 0; offset < n; offset += 500) {
      const chunk = plan.slice(offset, offset + 500);
      const result = await admin.assignments.bulkUpsert.mutate({
        items: chunk.map((planned) => ({
          key: { externalRef: { system: 'drill', externalId: `drill-${seed}-${planned.index}` } },
          assignment: {
            type: 'condition_report',
            property: { address: { street: `Drillveien ${planned.index + 1}`, postalCode: '0155', city: 'Oslo' } },
            client: { name: `Drillkunde ${planned.index + 1}` },
            appraiserId: appraiserIds[planned.index % appraiserCount],
          },
        })),
      });
      for (const [position, outcome] of result.results.entries()) {
        const planned = chunk[position] as PlannedAssignment;
        if (outcome.status === 'error' || !outcome.id || !outcome.reference) {
          throw new Error(`bulkUpsert refused assignment #${planned.index}: ${outcome.error?.message}`);
        }
        items.push({
          plan: planned,
          assignmentId: outcome.id,
          reference: outcome.reference,
          appraiserId: appraiserIds[planned.index % appraiserCount] as string,
          inspectionId: null,
          aBookingId: null,
          bAppointmentId: null,
          slots: [],
          aSlots: [],
          status: 'none',
          closedBeforeSwitch: false,
          cancelledInB: false,
          nextVariant: 0,
          notes: [],
          statusChanges: [],
          bookedIn: null,
        });
      }
    }
    const planlyToken = `planly-drill-${seed}`;
    const kalendraKey = `kalendra-drill-${seed}`;
    tools.planly = await startPlanly({
      tokens: [planlyToken],
      webhookRetryDelaysMs: [250, 1000, 3000, 10_000, 30_000],
    });
    tools.kalendra = await startKalendra({ apiKeys: [kalendraKey] });
    const planly = new PlanlyHands(tools.planly.url, planlyToken);
    const kalendra = new KalendraHands(tools.kalendra.url, kalendraKey);

    const clientA = await admin.apiClients.create.mutate({
      name: 'booking-sync (Planly)',
      scopes: [...CONNECTOR_SCOPES],
    });
    const portA = await freePort();
    const urlA = `http://127.0.0.1:${portA}`;
    const webhookA = await admin.webhooks.create.mutate({
      url: `${urlA}/takst/webhooks`,
      eventTypes: INSPECTION_EVENTS,
    });
    const connectorA = spawnConnector(
      'connector A',
      {
        BOOKING_TOOL: 'a',
        TAKST_URL: options.platformUrl,
        TAKST_API_KEY: clientA.apiKey,
        TAKST_WEBHOOK_SECRET: webhookA.secret,
        PLANLY_URL: tools.planly.url,
        PLANLY_TOKEN: planlyToken,
        PLANLY_WEBHOOK_SECRET: `planly-hook-${seed}-${process.pid}`,
        PORT: String(portA),
        LOG_LEVEL: 'info',
      },
      path.join(options.workDir, 'connector-a.log'),
    );
    connectors.push(connectorA);
    await connectorReady('connector A', connectorA, urlA, 60_000);
    report.phase('setup', seconds(started));

    // ---------------------------------------------------------------- rounds
    const mirror = new Mirror(admin, planly, kalendra);

    /** Whether both sides show the item as the drill left it; fills in ids learnt on the way. */
    const settled = (item: Item, taken: Mirror, tool: 'a' | 'b'): boolean => {
      if (item.status === 'none') return true;
      const source = tool === 'a' ? `booking-a:${item.aBookingId}` : `booking-b:${item.bAppointmentId}`;
      const inspection = item.inspectionId
        ? taken.inspections.get(item.inspectionId)
        : taken.inspectionsBySource.get(source);
      if (!inspection) return false;
      item.inspectionId = inspection.id;
      if (!inspectionStatusMatches(inspection, item.status)) return false;
      if (!sameSlot(slotOfInspection(inspection), item.slots.at(-1) as Slot, 1)) return false;
      if (tool === 'a') {
        const booking = item.aBookingId ? taken.planly.get(item.aBookingId) : taken.planlyByKey.get(inspection.id);
        if (!booking) return false;
        item.aBookingId = booking.id;
        if (booking.status !== (item.status === 'cancelled' ? 'cancelled' : 'booked')) return false;
        return booking.start === item.aSlots.at(-1)?.startsAt && booking.end === item.aSlots.at(-1)?.endsAt;
      }
      if (item.closedBeforeSwitch) return true;
      const appointment =
        item.bAppointmentId !== null
          ? taken.kalendra.get(item.bAppointmentId)
          : taken.kalendraByReference.get(inspection.id);
      if (!appointment) return false;
      item.bAppointmentId = appointment.id;
      if (appointment.state !== (item.status === 'cancelled' ? 'cancelled' : 'scheduled')) return false;
      return item.status === 'cancelled' || slotOfAppointment(appointment, item.slots.at(-1) as Slot);
    };

    const converge = async (round: string, tool: 'a' | 'b', touched: number) => {
      const began = performance.now();
      let waiting: Item[] = items;
      for (;;) {
        await mirror.refresh(tool);
        waiting = waiting.filter((item) => !settled(item, mirror, tool));
        if (waiting.length === 0 || performance.now() - began > limitMs) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const took = seconds(began);
      const settledCount = items.length - waiting.length;
      report.line(
        `${round}: both sides agree (${touched} changed, ${took.toFixed(1)} s)`,
        items.length,
        settledCount,
        waiting.length === 0,
      );
      for (const item of waiting.slice(0, 5)) {
        progress(
          `  not settled: #${item.plan.index} ${item.reference} ${item.status} inspection ${item.inspectionId} A ${item.aBookingId} B ${item.bAppointmentId}`,
        );
      }
    };

    const nextSlot = (item: Item) => slotOf(item.plan.index, item.nextVariant++);
    const inspectionNow = (item: Item) => admin.inspections.get.query({ id: item.inspectionId as string });
    const transition = async (item: Item, to: 'confirmed' | 'on_hold' | 'inspection_booked', reason: string) => {
      const assignment = await admin.assignments.get.query({ id: item.assignmentId });
      await admin.assignments.transition.mutate({
        id: item.assignmentId,
        to,
        reason,
        expectedVersion: assignment.version,
      });
      item.statusChanges.push({ from: assignment.status, to, reason });
    };
    const addNote = async (item: Item) => {
      const text = `Drill note ${item.notes.length + 1} on #${item.plan.index}: key box by the door`;
      await admin.notes.add.mutate({ assignmentId: item.assignmentId, author: 'Drill office', text });
      item.notes.push(text);
    };
    /**
     * A write to the item's inspection at the version the mirror last saw; read again and retried
     * when the version moved on meanwhile (the connector may have written since).
     */
    const atVersion = async (item: Item, write: (id: string, expectedVersion: number) => Promise<unknown>) => {
      let version = mirror.inspections.get(item.inspectionId as string)?.version ?? (await inspectionNow(item)).version;
      for (let attempt = 1; ; attempt += 1) {
        try {
          await write(item.inspectionId as string, version);
          return;
        } catch (error) {
          if (!isTakstError(error, 'VERSION_CONFLICT') || attempt >= 5) throw error;
          version = (await inspectionNow(item)).version;
        }
      }
    };
    const rescheduleInPlatform = (item: Item, slot: Slot) =>
      atVersion(item, (id, expectedVersion) => admin.inspections.reschedule.mutate({ id, ...slot, expectedVersion }));

    // ---------------------------------------------------------------- phase A
    started = performance.now();
    progress('phase A: confirming, adding notes');
    await each(
      items.filter((item) => item.plan.confirmFirst),
      'confirm',
      (item) => transition(item, 'confirmed', `Drill: confirmed by phone (#${item.plan.index})`),
    );
    await each(
      items.filter((item) => item.plan.notes > 0),
      'note',
      (item) => addNote(item),
    );

    progress('phase A: booking in Planly and in the platform');
    const bookedInA = items.filter((item) => item.plan.bookInA !== null);
    await each(bookedInA, 'booking', async (item) => {
      const slot = nextSlot(item);
      if (item.plan.bookInA === 'a') {
        item.aBookingId = (await planly.book(item.reference, slot)).id;
      } else {
        const inspection = await admin.inspections.book.mutate({
          assignmentId: item.assignmentId,
          appraiserId: item.appraiserId,
          ...slot,
        });
        item.inspectionId = inspection.id;
      }
      item.bookedIn = item.plan.bookInA;
      item.slots = [slot];
      item.aSlots = [slot];
      item.status = 'open';
    });
    await converge('phase A, bookings', 'a', bookedInA.length);

    progress('phase A: on hold and back, more notes');
    await each(
      items.filter((item) => item.plan.holdAndResume && item.status === 'open'),
      'hold',
      async (item) => {
        await transition(item, 'on_hold', `Drill: waiting for the keys (#${item.plan.index})`);
        await transition(item, 'inspection_booked', `Drill: keys received (#${item.plan.index})`);
      },
    );
    await each(
      items.filter((item) => item.plan.notes > 1),
      'note',
      (item) => addNote(item),
    );

    for (let round = 0; round < 3; round += 1) {
      const moving = items.filter((item) => item.status === 'open' && item.plan.movesA.length > round);
      progress(`phase A: moves, round ${round + 1} (${moving.length})`);
      await each(moving, 'move', async (item) => {
        const slot = nextSlot(item);
        if (item.plan.movesA[round] === 'a') await planly.move(item.aBookingId as string, slot);
        else await rescheduleInPlatform(item, slot);
        item.slots.push(slot);
        item.aSlots.push(slot);
      });
      await converge(`phase A, moves round ${round + 1}`, 'a', moving.length);
    }

    const ending = items.filter((item) => item.status === 'open' && item.plan.endA !== null);
    progress(`phase A: cancelling and completing (${ending.length})`);
    await each(ending, 'cancel or complete', async (item) => {
      const end = item.plan.endA as NonNullable<PlannedAssignment['endA']>;
      if (end.kind === 'complete') {
        await atVersion(item, (id, expectedVersion) => admin.inspections.complete.mutate({ id, expectedVersion }));
        item.status = 'completed';
        return;
      }
      const reason = `Drill: cancelled in ${end.side === 'a' ? 'Planly' : 'the platform'} (#${item.plan.index})`;
      if (end.side === 'a') await planly.cancel(item.aBookingId as string, reason);
      else
        await atVersion(item, (id, expectedVersion) =>
          admin.inspections.cancel.mutate({ id, reason, expectedVersion }),
        );
      item.status = 'cancelled';
    });
    await converge('phase A, cancellations and completions', 'a', ending.length);
    report.phase('phase A', seconds(started));

    // ---------------------------------------------------------------- the switch
    started = performance.now();
    for (const item of items) item.closedBeforeSwitch = item.status === 'cancelled' || item.status === 'completed';
    const openAtSwitch = items.filter((item) => item.status === 'open').length;
    progress(`switch: connector B, backfill of ${openAtSwitch} open inspections`);
    const clientB = await admin.apiClients.create.mutate({
      name: 'booking-sync (Kalendra)',
      scopes: [...CONNECTOR_SCOPES],
    });
    const portB = await freePort();
    const urlB = `http://127.0.0.1:${portB}`;
    const envB = {
      BOOKING_TOOL: 'b',
      TAKST_URL: options.platformUrl,
      TAKST_API_KEY: clientB.apiKey,
      KALENDRA_URL: tools.kalendra.url,
      KALENDRA_API_KEY: kalendraKey,
      BOOKING_SYNC_STATE_DIR: mkdtempSync(path.join(options.workDir, 'connector-b-state-')),
      BOOKING_SYNC_POLL_INTERVAL_MS: '500',
      BOOKING_SYNC_BACKFILL_CONCURRENCY: '8',
      PORT: String(portB),
      LOG_LEVEL: 'info',
    };
    const connectorB = spawnConnector('connector B', envB, path.join(options.workDir, 'connector-b.log'));
    connectors.push(connectorB);
    await connectorReady('connector B', connectorB, urlB, limitMs * 2);
    const firstBackfill = connectorB.lines().find((line) => line.action === 'backfill finished') ?? {};
    report.equal("switch: backfill at connector B's first start, created", openAtSwitch, Number(firstBackfill.created));
    report.equal("switch: backfill at connector B's first start, failed", 0, Number(firstBackfill.failed));
    const again = await runConnector(
      'backfill',
      { ...envB, PORT: '0' },
      path.join(options.workDir, 'backfill-again.log'),
      ['--backfill'],
    );
    const secondBackfill = again.lines.find((line) => line.action === 'backfill finished') ?? {};
    report.equal('switch: backfill run again (--backfill), created', 0, Number(secondBackfill.created));
    report.equal(
      'switch: backfill run again (--backfill), already linked',
      openAtSwitch,
      Number(secondBackfill.alreadyLinked),
    );

    progress("switch: revoking A's API client, deleting A's webhook, stopping connector A");
    await admin.apiClients.revoke.mutate({ id: clientA.client.id });
    await admin.webhooks.delete.mutate({ id: webhookA.endpoint.id });
    report.equal('switch: connector A stopped on SIGTERM, exit code', '0', String(await connectorA.stop()));
    await converge('switch, every open inspection in Kalendra', 'b', openAtSwitch);
    report.phase('switch', seconds(started));

    // ---------------------------------------------------------------- phase B
    started = performance.now();
    const newInB = items.filter((item) => item.plan.bookInB !== null);
    progress(`phase B: new bookings in Kalendra and in the platform (${newInB.length})`);
    await each(newInB, 'booking', async (item) => {
      const slot = nextSlot(item);
      if (item.plan.bookInB === 'b') item.bAppointmentId = (await kalendra.book(item.reference, slot)).id;
      else {
        const inspection = await admin.inspections.book.mutate({
          assignmentId: item.assignmentId,
          appraiserId: item.appraiserId,
          ...slot,
        });
        item.inspectionId = inspection.id;
      }
      item.bookedIn = item.plan.bookInB;
      item.slots = [slot];
      item.status = 'open';
    });
    await converge('phase B, new bookings', 'b', newInB.length);

    for (let round = 0; round < 2; round += 1) {
      const moving = items.filter((item) => item.status === 'open' && item.plan.movesB.length > round);
      progress(`phase B: moves, round ${round + 1} (${moving.length})`);
      await each(moving, 'move', async (item) => {
        const slot = nextSlot(item);
        if (item.plan.movesB[round] === 'b') await kalendra.move(item.bAppointmentId as number, slot);
        else await rescheduleInPlatform(item, slot);
        item.slots.push(slot);
      });
      await converge(`phase B, moves round ${round + 1}`, 'b', moving.length);
    }

    const cancelling = items.filter((item) => item.status === 'open' && item.plan.cancelB !== null);
    progress(`phase B: cancelling (${cancelling.length})`);
    await each(cancelling, 'cancel', async (item) => {
      const reason = `Drill: cancelled in ${item.plan.cancelB === 'b' ? 'Kalendra' : 'the platform'} (#${item.plan.index})`;
      if (item.plan.cancelB === 'b') await kalendra.cancel(item.bAppointmentId as number, reason);
      else
        await atVersion(item, (id, expectedVersion) =>
          admin.inspections.cancel.mutate({ id, reason, expectedVersion }),
        );
      item.status = 'cancelled';
      item.cancelledInB = true;
    });
    await converge('phase B, cancellations', 'b', cancelling.length);
    report.phase('phase B', seconds(started));

    // ---------------------------------------------------------------- the checks
    started = performance.now();
    progress('checking');
    await runChecks({
      report,
      admin,
      items,
      planlyBookings: await planly.all(),
      appointments: await kalendra.all(),
      inspections: await allInspections(admin, appraiserIds),
      platformUrl: options.platformUrl,
      clientA: { id: clientA.client.id, key: clientA.apiKey },
      webhookAId: webhookA.endpoint.id,
      concurrency: options.concurrency,
    });
    report.equal('drill: operations the platform or a tool refused', 0, errors.length);
    for (const error of errors.slice(0, 10)) progress(`  refused: ${error}`);
    report.phase('checks', seconds(started));
    await connectorB.stop();
    return report;
  } finally {
    for (const connector of connectors) await connector.stop();
    await tools.planly?.close();
    await tools.kalendra?.close();
  }
}

/** Every inspection, read from the platform's lists (not from the events): what the checks count. */
async function allInspections(admin: TakstClient, appraiserIds: string[]): Promise<Map<string, Inspection>> {
  const lists = await Promise.all(
    appraiserIds.map((appraiserId) =>
      admin.inspections.list.toArray({ appraiserId, from: FAR_PAST, to: FAR_FUTURE, limit: 200 }),
    ),
  );
  return new Map(lists.flat().map((inspection) => [inspection.id, inspection]));
}

interface CheckInput {
  report: Report;
  admin: TakstClient;
  items: Item[];
  planlyBookings: PlanlyBooking[];
  appointments: KalendraAppointment[];
  inspections: Map<string, Inspection>;
  platformUrl: string;
  clientA: { id: string; key: string };
  webhookAId: string;
  concurrency: number;
}

async function runChecks(input: CheckInput): Promise<void> {
  const { report, admin, items, concurrency } = input;
  const booked = items.filter((item) => item.status !== 'none');
  const inspections = [...input.inspections.values()];
  const planlyById = new Map(input.planlyBookings.map((booking) => [booking.id, booking]));
  const count = async (list: Item[], test: (item: Item) => Promise<boolean> | boolean) => {
    let found = 0;
    await eachLimited(list, concurrency, async (item) => {
      if (await Promise.resolve(test(item)).catch(() => false)) found += 1;
    });
    return found;
  };

  report.equal(
    'platform: inspections, one per booking made in A, B or the platform',
    booked.length,
    inspections.length,
  );
  const perAssignment = new Map<string, number>();
  for (const inspection of inspections) {
    perAssignment.set(inspection.assignmentId, (perAssignment.get(inspection.assignmentId) ?? 0) + 1);
  }
  report.equal(
    'platform: assignments with an inspection twice or missing',
    0,
    items.filter((item) => (perAssignment.get(item.assignmentId) ?? 0) !== (item.status === 'none' ? 0 : 1)).length,
  );
  report.equal(
    'platform: inspections with their whole reschedule history (previousTimes)',
    booked.length,
    booked.filter((item) => {
      const inspection = input.inspections.get(item.inspectionId as string);
      return inspection !== undefined && sameTimes(timesOfInspection(inspection), item.slots);
    }).length,
  );

  const inA = booked.filter((item) => item.aBookingId !== null);
  report.equal(
    "Planly's move log == the platform's previousTimes of A's time",
    inA.length,
    inA.filter((item) => {
      const booking = planlyById.get(item.aBookingId as string);
      const inspection = input.inspections.get(item.inspectionId as string);
      if (!booking || !inspection) return false;
      const planlyTimes = timesOfPlanly(booking);
      return (
        sameTimes(planlyTimes, item.aSlots) &&
        sameTimes(planlyTimes, timesOfInspection(inspection).slice(0, planlyTimes.length))
      );
    }).length,
  );
  report.equal(
    'every Planly id still resolves (externalRefs.resolve, system booking-a)',
    inA.length,
    await count(inA, async (item) => {
      const resolved = await admin.externalRefs.resolve.query({
        system: 'booking-a',
        externalId: item.aBookingId as string,
        entityType: 'inspection',
      });
      return resolved.entityId === item.inspectionId;
    }),
  );
  const bookedInPlanly = booked.filter((item) => item.bookedIn === 'a');
  const credited = new Set<string>();
  for await (const event of admin.events.iterate({ types: ['inspection.booked'], pageSize: 500 })) {
    if (event.actor.id === input.clientA.id) credited.add(event.entityId);
  }
  report.equal(
    'bookings made in Planly still credited to connector A in the event log',
    bookedInPlanly.length,
    bookedInPlanly.filter((item) => credited.has(item.inspectionId as string)).length,
  );

  const withNotes = items.filter((item) => item.notes.length > 0);
  const notesMade = withNotes.reduce((sum, item) => sum + item.notes.length, 0);
  let notesFound = 0;
  await eachLimited(withNotes, concurrency, async (item) => {
    const notes = await admin.notes.list.toArray({ assignmentId: item.assignmentId, limit: 200 });
    for (const text of item.notes) if (notes.filter((note) => note.text === text).length === 1) notesFound += 1;
  });
  report.equal("notes of A's time, each there once", notesMade, notesFound);

  const withChanges = items.filter((item) => item.statusChanges.length > 0);
  const changesMade = withChanges.reduce((sum, item) => sum + item.statusChanges.length, 0);
  let changesFound = 0;
  await eachLimited(withChanges, concurrency, async (item) => {
    const timeline = await admin.assignments.timeline.query({ id: item.assignmentId });
    for (const change of item.statusChanges) {
      const found = timeline.items.filter(
        (entry) =>
          entry.kind === 'status_changed' &&
          entry.from === change.from &&
          entry.to === change.to &&
          entry.reason === change.reason,
      );
      if (found.length === 1) changesFound += 1;
    }
  });
  report.equal("status changes of A's time, each there once", changesMade, changesFound);

  // Kalendra.
  const byReference = new Map<string, KalendraAppointment[]>();
  for (const appointment of input.appointments) {
    if (!appointment.reference) continue;
    byReference.set(appointment.reference, [...(byReference.get(appointment.reference) ?? []), appointment]);
  }
  const refs = new Map<string, Array<{ system: string; externalId: string }>>();
  await eachLimited(booked, concurrency, async (item) => {
    const listed = await admin.externalRefs.list.query({
      entityType: 'inspection',
      entityId: item.inspectionId as string,
    });
    refs.set(item.inspectionId as string, listed.items);
  });
  const bRefOf = (inspectionId: string) =>
    refs.get(inspectionId)?.find((ref) => ref.system === 'booking-b')?.externalId;
  const open = booked.filter((item) => item.status === 'open');
  report.equal(
    'Kalendra: one scheduled appointment per open inspection, at its time, linked',
    open.length,
    open.filter((item) => {
      const linked = bRefOf(item.inspectionId as string);
      const scheduled = input.appointments.filter(
        (appointment) =>
          appointment.state === 'scheduled' &&
          (appointment.reference === item.inspectionId || String(appointment.id) === linked),
      );
      return (
        scheduled.length === 1 &&
        String(scheduled[0]?.id) === linked &&
        slotOfAppointment(scheduled[0] as KalendraAppointment, item.slots.at(-1) as Slot)
      );
    }).length,
  );
  const closedBefore = new Set(booked.filter((item) => item.closedBeforeSwitch).map((item) => item.inspectionId));
  report.equal(
    'Kalendra: appointments for inspections closed before the switch',
    0,
    input.appointments.filter(
      (appointment) => appointment.reference !== null && closedBefore.has(appointment.reference),
    ).length,
  );
  const cancelledInB = booked.filter((item) => item.cancelledInB);
  report.equal(
    'Kalendra: appointments of inspections cancelled in phase B, cancelled',
    cancelledInB.length,
    cancelledInB.filter((item) => {
      const appointment = input.appointments.find(
        (candidate) => String(candidate.id) === bRefOf(item.inspectionId as string),
      );
      return appointment?.state === 'cancelled';
    }).length,
  );
  const openIds = new Set(open.map((item) => item.inspectionId));
  const linkedB = new Map<string, string>();
  for (const [inspectionId, list] of refs) {
    for (const ref of list) if (ref.system === 'booking-b') linkedB.set(ref.externalId, inspectionId);
  }
  report.equal(
    'Kalendra: scheduled appointments without an open inspection',
    0,
    input.appointments.filter((appointment) => {
      if (appointment.state !== 'scheduled') return false;
      const inspectionId = linkedB.get(String(appointment.id));
      return !inspectionId || !openIds.has(inspectionId);
    }).length,
  );
  report.equal(
    'Kalendra: references used by two appointments',
    0,
    [...byReference.values()].filter((list) => list.length > 1).length,
  );
  report.equal(
    'platform: inspections with two references of one system',
    0,
    [...refs.values()].filter((list) => new Set(list.map((ref) => ref.system)).size !== list.length).length,
  );

  // Connector A is gone.
  const revoked = createTakstClient({ baseUrl: input.platformUrl, apiKey: input.clientA.key, maxRetries: 0 });
  const refusal = await revoked.me.get.query().then(
    () => 'accepted',
    (error: unknown) => (isTakstError(error) ? error.code : String(error)),
  );
  report.equal("A's revoked API key is refused", 'UNAUTHENTICATED', refusal);
  const webhook = await admin.webhooks.get.query({ id: input.webhookAId }).then(
    () => 'still there',
    (error: unknown) => (isTakstError(error) ? error.code : String(error)),
  );
  report.equal("A's platform webhook is deleted", 'WEBHOOK_NOT_FOUND', webhook);
}

export function drillWorkDir(): string {
  return mkdtempSync(path.join(tmpdir(), `takst-drill-${process.pid}-`));
}
