/** The scale-out scenario's waits after the load: for every delivery, as the receivers and the database see it. */
import type pg from 'pg';
import { type Subscription, undelivered } from './scale-out-checks';
import { sleep } from './scale-out-http';
import type { WebhookReceiver } from './scale-out-receivers';

const POLL_MS = 500;
const LOG_EVERY_MS = 10_000;
/** After the last expected delivery, a duplicate of a crashed attempt may still be under way. */
const SETTLE_MS = 3_000;
const OPEN_REQUESTS_TIMEOUT_MS = 20_000;

type Log = (line: string) => void;

export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `pending` until it is 0; the time it was, or null at the deadline. */
async function pollUntilNone(pending: () => Promise<number>, deadline: number, log: Log, what: string) {
  let lastLogged = Date.now();
  for (;;) {
    const left = await pending();
    if (left === 0) return Date.now();
    if (Date.now() > deadline) return null;
    if (Date.now() - lastLogged > LOG_EVERY_MS) {
      log(`waiting for ${left} deliveries ${what}`);
      lastLogged = Date.now();
    }
    await sleep(POLL_MS);
  }
}

/** Until every expected (endpoint, event) has arrived at its receiver. */
export async function waitForArrivals(
  db: pg.Client,
  subscriptions: Subscription[],
  finalSequence: number,
  deadline: number,
  log: Log,
): Promise<{ at: number | null; expected: number }> {
  let expected = 0;
  const at = await pollUntilNone(
    async () => {
      const found = await undelivered(db, subscriptions, finalSequence);
      expected = found.expected.size;
      return found.missing.size;
    },
    deadline,
    log,
    'to arrive',
  );
  return { at, expected };
}

/**
 * Until the database shows every delivery succeeded. A delivery the killed worker sent but never
 * recorded has arrived, yet is only finished (and sent again) once its claim and its pg-boss job
 * have lapsed and pg-boss has run the job again.
 */
export function waitForSucceededDeliveries(
  db: pg.Client,
  subscriptions: Subscription[],
  expected: number,
  deadline: number,
  log: Log,
): Promise<number | null> {
  return pollUntilNone(
    async () => {
      const { rows } = await db.query<{ total: number; unsettled: number }>(
        `select count(*)::int as total, count(*) filter (where status <> 'succeeded')::int as unsettled
         from webhook_deliveries where endpoint_id = any ($1::uuid[])`,
        [subscriptions.map((s) => s.endpointId)],
      );
      const { total = 0, unsettled = 0 } = rows[0] ?? {};
      return unsettled + Math.max(0, expected - total);
    },
    deadline,
    log,
    'to be recorded as succeeded',
  );
}

/** A little longer, then until no request at a receiver is still open. */
export async function settleArrivals(receivers: WebhookReceiver[]): Promise<void> {
  await sleep(SETTLE_MS);
  const deadline = Date.now() + OPEN_REQUESTS_TIMEOUT_MS;
  const open = () => receivers.some((receiver) => receiver.arrivals.some((arrival) => arrival.endedAt === null));
  while (open() && Date.now() < deadline) await sleep(100);
}
