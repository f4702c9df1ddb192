/**
 * What the scale-out scenario finds afterwards, from the database and from what the load, the
 * receivers and the followers recorded: acknowledged writes kept once, deliveries made to every
 * matching endpoint and never twice at once, followers' sequences whole.
 */
import type pg from 'pg';
import type { FollowerFigures } from './scale-out-followers';
import { type LoadFigures, MARKER_PREFIX, type WriteKind } from './scale-out-load';
import type { Arrival, WebhookReceiver } from './scale-out-receivers';

export interface WriteCheck {
  attempted: number;
  acknowledged: number;
  acknowledgedByKilledServer: number;
  /** Writes sent more than once under their key, and all the extra attempts. */
  retriedWrites: number;
  retries: number;
  refused: number;
  /** What each refused write was answered (the first few). */
  refusals: string[];
  gaveUp: number;
  lost: number;
  lostOfKilledServer: number;
  duplicated: number;
  wrongAnswer: number;
  fiveXx: number;
}

export async function checkWrites(db: pg.Client, load: LoadFigures, killedServerUrl: string): Promise<WriteCheck> {
  const rowsOf = async (kind: WriteKind) => {
    const sql =
      kind === 'assignments.create'
        ? 'select notes as marker, array_agg(id::text) as ids from assignments where starts_with(notes, $1) group by notes'
        : 'select text as marker, array_agg(id::text) as ids from notes where starts_with(text, $1) group by text';
    const { rows } = await db.query<{ marker: string; ids: string[] }>(sql, [MARKER_PREFIX]);
    return new Map(rows.map((row) => [row.marker, row.ids]));
  };
  const stored = { 'assignments.create': await rowsOf('assignments.create'), 'notes.add': await rowsOf('notes.add') };
  const check: WriteCheck = {
    attempted: load.writes.length,
    acknowledged: 0,
    acknowledgedByKilledServer: 0,
    retriedWrites: 0,
    retries: load.retries,
    refused: 0,
    refusals: [],
    gaveUp: 0,
    lost: 0,
    lostOfKilledServer: 0,
    duplicated: 0,
    wrongAnswer: 0,
    fiveXx: Object.entries(load.answers)
      .filter(([status]) => status.startsWith('5'))
      .reduce((sum, [, n]) => sum + n, 0),
  };
  for (const write of load.writes) {
    if (write.retried) check.retriedWrites++;
    if (write.refusal) {
      check.refused++;
      if (check.refusals.length < 10) check.refusals.push(write.refusal);
    }
    if (write.gaveUp) check.gaveUp++;
    const ids = stored[write.kind].get(write.marker) ?? [];
    if (ids.length > 1) check.duplicated++;
    if (!write.acknowledgedId) continue;
    check.acknowledged++;
    const byKilled = write.acknowledgedBy === killedServerUrl;
    if (byKilled) check.acknowledgedByKilledServer++;
    if (ids.length === 0) {
      check.lost++;
      if (byKilled) check.lostOfKilledServer++;
    } else if (!ids.includes(write.acknowledgedId)) check.wrongAnswer++;
  }
  return check;
}

export interface EventLogCheck {
  total: number;
  gaps: number;
  /** Stored assignments and notes of the load without exactly one creation event. */
  creationEventsMissing: number;
  creationEventsDuplicated: number;
}

export async function checkEventLog(db: pg.Client): Promise<EventLogCheck> {
  const { rows: sequence } = await db.query<{ total: number; gaps: number }>(
    `select count(*)::int as total, coalesce(max(sequence) - min(sequence) + 1 - count(*), 0)::int as gaps from events`,
  );
  const { rows: created } = await db.query<{ missing: number; duplicated: number }>(
    `with made as (
       select id, 'assignment.created' as type from assignments where starts_with(notes, $1)
       union all select id, 'note.added' from notes where starts_with(text, $1)),
     counted as (
       select made.id, count(e.sequence) as n from made
       left join events e on e.entity_id = made.id and e.type = made.type group by made.id)
     select count(*) filter (where n = 0)::int as missing, count(*) filter (where n > 1)::int as duplicated from counted`,
    [MARKER_PREFIX],
  );
  return {
    total: sequence[0]?.total ?? 0,
    gaps: sequence[0]?.gaps ?? 0,
    creationEventsMissing: created[0]?.missing ?? 0,
    creationEventsDuplicated: created[0]?.duplicated ?? 0,
  };
}

/** A receiver and the endpoint it was registered as. */
export interface Subscription {
  receiver: WebhookReceiver;
  endpointId: string;
  /** As given to webhooks.create: empty for every event but the `webhook_*` ones. */
  eventTypes: string[];
}

export interface DeliveryCheck {
  endpoints: number;
  /** (endpoint, event) pairs the event log and the endpoints' filters call for. */
  expected: number;
  arrivals: number;
  delivered: number;
  missing: number;
  /** Arrivals beyond the first of a delivery: allowed after a crash (at least once). */
  duplicates: number;
  /** Two arrivals of one delivery whose request–answer spans overlap. */
  overlapping: number;
  badSignatures: number;
  /** Arrivals whose webhook-id is no delivery of that receiver's endpoint. */
  stray: number;
}

interface DeliveryRow {
  id: string;
  endpointId: string;
  sequence: number;
}

const wants = (eventTypes: string[], type: string) =>
  eventTypes.length === 0 ? !type.startsWith('webhook_') : eventTypes.includes(type);

/**
 * Which (endpoint, event) pairs have not arrived yet, by the event log up to `finalSequence`
 * and each endpoint's filter; arrivals are tied to events through their delivery rows.
 */
export async function undelivered(
  db: pg.Client,
  subscriptions: Subscription[],
  finalSequence: number,
): Promise<{ expected: Set<string>; missing: Set<string>; deliveries: Map<string, DeliveryRow> }> {
  const { rows: endpoints } = await db.query<{ id: string; from: string }>(
    'select id, from_sequence as from from webhook_endpoints where id = any ($1::uuid[])',
    [subscriptions.map((s) => s.endpointId)],
  );
  const fromSequence = new Map(endpoints.map((row) => [row.id, Number(row.from)]));
  const { rows: events } = await db.query<{ sequence: string; type: string }>(
    'select sequence, type from events where sequence <= $1 order by sequence',
    [finalSequence],
  );
  const { rows } = await db.query<{ id: string; endpointId: string; sequence: string }>(
    `select id, endpoint_id as "endpointId", event_sequence as sequence from webhook_deliveries
     where endpoint_id = any ($1::uuid[])`,
    [subscriptions.map((s) => s.endpointId)],
  );
  const deliveries = new Map(rows.map((row) => [row.id, { ...row, sequence: Number(row.sequence) }]));
  const expected = new Set<string>();
  for (const subscription of subscriptions) {
    const from = fromSequence.get(subscription.endpointId) ?? Number.POSITIVE_INFINITY;
    for (const event of events) {
      if (Number(event.sequence) > from && wants(subscription.eventTypes, event.type)) {
        expected.add(`${subscription.endpointId}/${event.sequence}`);
      }
    }
  }
  const missing = new Set(expected);
  for (const subscription of subscriptions) {
    for (const arrival of subscription.receiver.arrivals) {
      const delivery = deliveries.get(arrival.deliveryId);
      if (delivery?.endpointId === subscription.endpointId)
        missing.delete(`${delivery.endpointId}/${delivery.sequence}`);
    }
  }
  return { expected, missing, deliveries };
}

/** Pairs of arrivals of one delivery that were under way at the same time. */
function overlappingPairs(arrivals: Arrival[]): number {
  const byDelivery = new Map<string, Arrival[]>();
  for (const arrival of arrivals)
    byDelivery.set(arrival.deliveryId, [...(byDelivery.get(arrival.deliveryId) ?? []), arrival]);
  let pairs = 0;
  for (const same of byDelivery.values()) {
    const sorted = [...same].sort((a, b) => a.startedAt - b.startedAt);
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const earlier = sorted[i] as Arrival;
        const later = sorted[j] as Arrival;
        if (later.startedAt < (earlier.endedAt ?? Number.POSITIVE_INFINITY)) pairs++;
      }
    }
  }
  return pairs;
}

export async function checkDeliveries(
  db: pg.Client,
  subscriptions: Subscription[],
  finalSequence: number,
): Promise<DeliveryCheck> {
  const { expected, missing, deliveries } = await undelivered(db, subscriptions, finalSequence);
  const check: DeliveryCheck = {
    endpoints: subscriptions.length,
    expected: expected.size,
    arrivals: 0,
    delivered: expected.size - missing.size,
    missing: missing.size,
    duplicates: 0,
    overlapping: 0,
    badSignatures: 0,
    stray: 0,
  };
  for (const { receiver, endpointId } of subscriptions) {
    receiver.verifySignatures();
    const arrivals = receiver.arrivals;
    check.arrivals += arrivals.length;
    check.duplicates += arrivals.length - new Set(arrivals.map((a) => a.deliveryId)).size;
    check.overlapping += overlappingPairs(arrivals);
    check.badSignatures += arrivals.filter((a) => !a.signatureValid).length;
    check.stray += arrivals.filter((a) => deliveries.get(a.deliveryId)?.endpointId !== endpointId).length;
  }
  return check;
}

/**
 * Delivery jobs pg-boss ran more than once: those a dead worker had taken, expired after their
 * lease, and the ones a handler threw for. Read from pg-boss's own tables (job and archive); null if absent.
 */
export async function jobsRunAgain(db: pg.Client): Promise<number | null> {
  try {
    const { rows } = await db.query<{ count: number }>(
      `select count(*)::int as count from (select name, retry_count from pgboss.job
       union all select name, retry_count from pgboss.archive) jobs
       where name = 'takst-webhook-delivery' and retry_count > 0`,
    );
    return rows[0]?.count ?? 0;
  } catch {
    return null;
  }
}

export interface FollowerCheck {
  followers: number;
  /** Events in the log the followers were to see: after their start, up to the final sequence. */
  logEvents: number;
  /** Over all followers: log events a follower never got, events it got twice, and out of order. */
  gaps: number;
  duplicates: number;
  outOfOrder: number;
  /** Events received that the log does not hold. */
  unknown: number;
  reconnects: number;
  /** Followers that started on the killed server, and how many of those streamed from the other one after. */
  onKilledServer: number;
  movedToOtherServer: number;
  problems: string[];
  perFollower: { name: string; seen: number; reconnects: number; servedBy: string }[];
}

export async function checkFollowers(
  db: pg.Client,
  followers: FollowerFigures[],
  startSequence: number,
  finalSequence: number,
  killedServerUrl: string,
  nameOf: (url: string) => string,
): Promise<FollowerCheck> {
  const { rows } = await db.query<{ sequence: string }>(
    'select sequence from events where sequence > $1 and sequence <= $2',
    [startSequence, finalSequence],
  );
  const log = new Set(rows.map((row) => Number(row.sequence)));
  const check: FollowerCheck = {
    followers: followers.length,
    logEvents: log.size,
    gaps: 0,
    duplicates: 0,
    outOfOrder: 0,
    unknown: 0,
    reconnects: 0,
    onKilledServer: 0,
    movedToOtherServer: 0,
    problems: [],
    perFollower: [],
  };
  for (const follower of followers) {
    const seen = follower.sequences.filter((sequence) => sequence <= finalSequence);
    const distinct = new Set(seen);
    check.duplicates += seen.length - distinct.size;
    check.outOfOrder += seen.filter((sequence, i) => i > 0 && sequence < (seen[i - 1] as number)).length;
    check.gaps += [...log].filter((sequence) => !distinct.has(sequence)).length;
    check.unknown += [...distinct].filter((sequence) => !log.has(sequence)).length;
    check.reconnects += follower.reconnects;
    if (follower.firstServer === killedServerUrl) {
      check.onKilledServer++;
      if (follower.servedBy.slice(1).some((url) => url !== killedServerUrl)) check.movedToOtherServer++;
    }
    check.problems.push(...follower.problems.map((problem) => `${follower.name}: ${problem}`));
    check.perFollower.push({
      name: follower.name,
      seen: seen.length,
      reconnects: follower.reconnects,
      servedBy: follower.servedBy.map(nameOf).join(' → '),
    });
  }
  return check;
}
