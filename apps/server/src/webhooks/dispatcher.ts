import { ENDPOINT_WANTS_EVENT_SQL } from '@takst/api';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { type DeliveryJob, deliveryJob, enqueue, inTransaction } from './queue';
import { withJitter } from './schedule';

export interface DispatcherOptions {
  pool: pg.Pool;
  boss: PgBoss;
  logger: Logger;
  retrySchedule: readonly number[];
  leaseSeconds: number;
  /** Called after jobs were queued, with how many, to wake as many of this process's workers. */
  onQueued: (count: number) => void;
  batchSize?: number;
}

interface QueuedRow {
  id: string;
  attempt_count: number;
}

/**
 * Turns events into deliveries: for each new event, one delivery per enabled endpoint whose
 * filter matches, each with a job for its first attempt, all in one transaction with the
 * advance of the high-water mark. An empty filter matches every event but the `webhook_*` ones.
 */
const INSERT_DELIVERIES = `
  insert into webhook_deliveries (id, endpoint_id, event_sequence, event_type, status, next_attempt_at, created_at,
    updated_at)
  select webhook_uuidv7(), w.id, e.sequence, e.type, 'pending', now(), now(), now()
  from events e
  join webhook_endpoints w on w.enabled and e.sequence > w.from_sequence
    and ${ENDPOINT_WANTS_EVENT_SQL}
  where e.sequence > $1 and e.sequence <= $2
  order by e.sequence, w.id
  on conflict (endpoint_id, event_sequence) do nothing
  returning id, attempt_count`;

/**
 * One dispatcher per worker process; any number may run against one database. The dispatch
 * state row is taken with FOR UPDATE SKIP LOCKED, so one of them advances it at a time and the
 * others skip the round (they heard the same notification; the one at work runs again when it
 * hears of more). The unique (endpoint, event) keeps a delivery from being made twice even so.
 */
export class Dispatcher {
  readonly #options: DispatcherOptions;
  readonly #batchSize: number;
  #running: Promise<void> | null = null;
  #again = false;
  #stopped = false;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? 500;
  }

  /** Asks for a round soon; requests during a round make one more round after it. */
  request(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#rounds().finally(() => {
      this.#running = null;
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }

  async #rounds(): Promise<void> {
    do {
      this.#again = false;
      try {
        const queued =
          (await this.#drain(() => this.#dispatchBatch())) + (await this.#drain(() => this.#requeueBatch()));
        if (queued > 0) this.#options.onQueued(queued);
      } catch (error) {
        this.#options.logger.error({ err: error }, 'webhook dispatch failed; the next round tries again');
      }
    } while (this.#again && !this.#stopped);
  }

  /** Runs batches while they come back full; returns how many jobs were queued. */
  async #drain(batch: () => Promise<{ queued: number; full: boolean }>): Promise<number> {
    let total = 0;
    for (;;) {
      const { queued, full } = await batch();
      total += queued;
      if (!full || this.#stopped) return total;
    }
  }

  #jobsFor(rows: QueuedRow[]): PgBoss.JobInsert<DeliveryJob>[] {
    const { retrySchedule, leaseSeconds } = this.#options;
    const startAfter = new Date(Date.now() + withJitter(retrySchedule[0] ?? 0));
    return rows.map((row) =>
      deliveryJob({ deliveryId: row.id, attempt: row.attempt_count + 1 }, startAfter, leaseSeconds),
    );
  }

  #dispatchBatch(): Promise<{ queued: number; full: boolean }> {
    const { pool, boss } = this.#options;
    return inTransaction(pool, async (client) => {
      const state = await client.query<{ last: string }>(
        'select last_sequence as last from webhook_dispatch_state for update skip locked',
      );
      const last = state.rows[0]?.last;
      if (last === undefined) return { queued: 0, full: false };
      const batch = await client.query<{ upto: string | null; count: string }>(
        `select max(sequence) as upto, count(*) as count
         from (select sequence from events where sequence > $1 order by sequence limit $2) s`,
        [last, this.#batchSize],
      );
      const upto = batch.rows[0]?.upto;
      if (!upto) return { queued: 0, full: false };
      const created = await client.query<QueuedRow>(INSERT_DELIVERIES, [last, upto]);
      await enqueue(boss, client, this.#jobsFor(created.rows));
      await client.query('update webhook_dispatch_state set last_sequence = $1', [upto]);
      return { queued: created.rows.length, full: Number(batch.rows[0]?.count) === this.#batchSize };
    });
  }

  /** Deliveries that redeliver or recover asked to send again: one job each. */
  #requeueBatch(): Promise<{ queued: number; full: boolean }> {
    const { pool, boss } = this.#options;
    return inTransaction(pool, async (client) => {
      const wanted = await client.query<QueuedRow>(
        'select id, attempt_count from webhook_deliveries where wants_job order by id limit $1 for update skip locked',
        [this.#batchSize],
      );
      if (wanted.rows.length === 0) return { queued: 0, full: false };
      await enqueue(boss, client, this.#jobsFor(wanted.rows));
      await client.query('update webhook_deliveries set wants_job = false where id = any ($1::uuid[])', [
        wanted.rows.map((row) => row.id),
      ]);
      return { queued: wanted.rows.length, full: wanted.rows.length === this.#batchSize };
    });
  }
}
