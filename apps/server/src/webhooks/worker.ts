import { type PrivateUrlPolicy, REQUEUE_CHANNEL, type SecretBox } from '@takst/api';
import pg from 'pg';
import type { Logger } from 'pino';
import { attemptDelivery, type DeliveryOptions } from './delivery';
import { Dispatcher } from './dispatcher';
import { listen } from './listener';
import { DELIVERY_QUEUE, type DeliveryJob, startQueue } from './queue';
import { RetryWakeUps } from './retry-wake-ups';
import { WorkerSlots } from './worker-slots';

/** The events table's trigger notifies this channel as each event commits. */
const EVENTS_CHANNEL = 'takst_events';

const FIVE_DAYS_MS = 5 * 24 * 60 * 60 * 1000;

export interface WebhookWorkerOptions {
  databaseUrl: string;
  logger: Logger;
  /** Delay before each attempt in milliseconds; its length is the number of attempts. */
  retrySchedule: readonly number[];
  /** How long a receiver has to answer. */
  timeoutMs: number;
  privateUrls: PrivateUrlPolicy;
  /** Opens the endpoints' sealed signing secrets. */
  secrets: SecretBox;
  /** Attempts in flight at once in this process. */
  concurrency: number;
  /** How often due attempts and missed events are looked for (notifications wake it sooner). */
  pollIntervalMs: number;
  disableAfterFailingMs?: number;
}

export interface WebhookWorker {
  /** Stops taking work, lets attempts in flight finish (up to the timeout), closes its connections. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * The delivery worker: a dispatcher turning new events into deliveries, and pg-boss workers
 * making the attempts. It runs in the server process or on its own (`takst-server worker`);
 * any number of them may share one database.
 */
export async function startWebhookWorker(options: WebhookWorkerOptions): Promise<WebhookWorker> {
  const { logger } = options;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: Math.min(options.concurrency, 8) + 2,
    application_name: 'takst-webhooks',
  });
  pool.on('error', (error) => logger.warn({ err: error }, 'idle webhook database connection failed'));
  try {
    const boss = await startQueue(pool, logger);
    // An attempt may take the whole timeout; the claim and the job outlive it by a margin.
    const leaseSeconds = Math.ceil(options.timeoutMs / 1000) + 30;
    const slots = new WorkerSlots(boss);
    const wakeUps = new RetryWakeUps(() => slots.wakeAll());
    const delivery: DeliveryOptions = {
      pool,
      boss,
      logger,
      retrySchedule: options.retrySchedule,
      timeoutMs: options.timeoutMs,
      leaseSeconds,
      privateUrls: options.privateUrls,
      secrets: options.secrets,
      disableAfterFailingMs: options.disableAfterFailingMs ?? FIVE_DAYS_MS,
      onRetryScheduled: (dueAt) => wakeUps.at(dueAt),
    };
    // Attempts under way: the pool must outlive them (see stop).
    const attempts = new Set<Promise<void>>();
    const started = await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        const self = { id: '' };
        self.id = await boss.work<DeliveryJob>(
          DELIVERY_QUEUE,
          { batchSize: 1, pollingIntervalSeconds: options.pollIntervalMs / 1000 },
          async ([job]) => {
            if (!job) return;
            slots.busy(self.id);
            const attempt = attemptDelivery(delivery, job.data);
            attempts.add(attempt);
            try {
              await attempt;
            } finally {
              attempts.delete(attempt);
              slots.idle(self.id);
            }
            // pg-boss waits a poll interval after each fetch, found or not: with a backlog, the
            // next job is fetched at once instead, so a backlog drains at the receivers' pace.
            boss.notifyWorker(self.id);
          },
        );
        return self.id;
      }),
    );
    slots.add(started);
    const dispatcher = new Dispatcher({
      pool,
      boss,
      logger,
      retrySchedule: options.retrySchedule,
      leaseSeconds,
      onQueued: (count) => slots.wake(count),
    });
    const listener = listen(options.databaseUrl, [EVENTS_CHANNEL, REQUEUE_CHANNEL], () => dispatcher.request(), logger);
    const poll = setInterval(() => dispatcher.request(), options.pollIntervalMs);
    logger.info({ concurrency: options.concurrency }, 'takst webhook worker running');

    let stopping: Promise<void> | undefined;
    return {
      stop(timeoutMs = 10_000) {
        stopping ??= (async () => {
          clearInterval(poll);
          wakeUps.stop();
          await listener.close();
          await dispatcher.stop();
          await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
          // pg-boss stops waiting after `timeoutMs`, but an attempt still under way goes on (its
          // request has its own timeout) to record its outcome, and then pg-boss completes or
          // fails its job on our pool, without catching: ended first, the pool would make both
          // fail, the last as an unhandled rejection. pg-boss makes that call in the microtasks
          // after the attempt settles, so one turn of the event loop later it has been made.
          await Promise.allSettled(attempts);
          await new Promise((resolve) => setImmediate(resolve));
          await pool.end();
          logger.info({}, 'takst webhook worker stopped');
        })();
        return stopping;
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
