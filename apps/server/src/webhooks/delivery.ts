import { randomUUID } from 'node:crypto';
import { type PrivateUrlPolicy, type SecretBox, SecretUnreadableError } from '@takst/api';
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { disableEndpoint, recordFailure, recordSuccess } from './endpoint-health';
import { type DeliveryJob, deliveryJob, enqueue, inTransaction, type Queryable } from './queue';
import { nextAttemptAt } from './schedule';
import { type PostResult, postWebhook } from './sender';
import { signatureHeader } from './signing';

export interface DeliveryOptions {
  pool: pg.Pool;
  boss: PgBoss;
  logger: Logger;
  retrySchedule: readonly number[];
  timeoutMs: number;
  leaseSeconds: number;
  privateUrls: PrivateUrlPolicy;
  /** Opens the endpoints' sealed signing secrets. */
  secrets: SecretBox;
  /** An endpoint whose attempts have all failed for this long is disabled. */
  disableAfterFailingMs: number;
  /** Told when the next attempt of a delivery is due, once its job is committed. */
  onRetryScheduled?: (dueAt: Date) => void;
}

/** A delivery claimed for one attempt, with what the attempt needs. */
interface Claim {
  id: string;
  endpointId: string;
  url: string;
  enabled: boolean;
  /** Sealed, as stored (or plain, in a row from before encryption). */
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  eventType: string;
  occurredAt: Date;
  data: unknown;
  token: string;
}

const USER_AGENT = 'takst-webhooks/1';

/**
 * The claim is what keeps one attempt from being made twice: a job may exist twice for one
 * delivery (a redelivery while a retry waits), and only the job whose attempt is the next one,
 * while no other worker holds the delivery, gets it. The claim lapses after the lease, so a
 * worker that died mid-attempt does not hold the delivery for ever.
 */
const CLAIM = `
  update webhook_deliveries d set claim_token = $3, claimed_until = now() + make_interval(secs => $4)
  from webhook_endpoints w, events e
  where d.id = $1 and d.attempt_count = $2 - 1 and d.status in ('pending', 'failed') and d.next_attempt_at is not null
    and (d.claimed_until is null or d.claimed_until < now())
    and w.id = d.endpoint_id and e.sequence = d.event_sequence
  returning d.id, d.endpoint_id as "endpointId", w.url, w.enabled, w.secret, w.previous_secret as "previousSecret",
    w.previous_secret_expires_at as "previousSecretExpiresAt", e.type as "eventType", e.occurred_at as "occurredAt",
    e.data`;

async function claim(options: DeliveryOptions, job: DeliveryJob): Promise<Claim | null> {
  const token = randomUUID();
  const claimed = await options.pool.query<Omit<Claim, 'token'>>(CLAIM, [
    job.deliveryId,
    job.attempt,
    token,
    options.leaseSeconds,
  ]);
  const row = claimed.rows[0];
  if (row) return { ...row, token };
  const held = await options.pool.query<{ held: boolean }>(
    'select attempt_count = $2 - 1 and claimed_until >= now() as held from webhook_deliveries where id = $1',
    [job.deliveryId, job.attempt],
  );
  // Another worker is making this very attempt: throwing lets pg-boss look again later, in
  // case that worker dies. Anything else is a job made stale by an attempt already made.
  if (held.rows[0]?.held) throw new Error(`delivery ${job.deliveryId} is held by another worker`);
  return null;
}

/** The new secret, and for 24 hours after a rotation the old one too, opened. */
function secretsOf(box: SecretBox, claimed: Claim, now: Date): string[] {
  const { previousSecret, previousSecretExpiresAt } = claimed;
  const previousValid = previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > now;
  const sealed = previousValid ? [claimed.secret, previousSecret] : [claimed.secret];
  return sealed.map((stored) => box.open(stored));
}

function send(options: DeliveryOptions, claimed: Claim, secrets: string[], attemptedAt: Date): Promise<PostResult> {
  const body = JSON.stringify({
    type: claimed.eventType,
    timestamp: claimed.occurredAt.toISOString(),
    data: claimed.data,
  });
  const timestamp = Math.floor(attemptedAt.getTime() / 1000);
  return postWebhook({
    url: claimed.url,
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'webhook-id': claimed.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, claimed.id, timestamp, body),
    },
    timeoutMs: options.timeoutMs,
    privateUrls: options.privateUrls,
  });
}

const isSuccess = (result: PostResult) =>
  result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;

/** Marks the endpoint's health and decides whether it is disabled by this attempt. */
async function judgeEndpoint(
  options: DeliveryOptions,
  db: Queryable,
  claimed: Claim,
  result: PostResult,
  now: Date,
): Promise<boolean> {
  if (isSuccess(result)) {
    await recordSuccess(db, claimed.endpointId);
    return false;
  }
  if (result.statusCode === 410) {
    await disableEndpoint(db, claimed.endpointId, 'endpoint_gone', now);
    return true;
  }
  const failingSince = await recordFailure(db, claimed.endpointId, now);
  if (failingSince && now.getTime() - failingSince.getTime() >= options.disableAfterFailingMs) {
    await disableEndpoint(db, claimed.endpointId, 'failing', now);
    return true;
  }
  return false;
}

interface Verdict {
  status: 'succeeded' | 'failed' | 'exhausted';
  nextAttemptAt: Date | null;
}

function verdictOf(
  options: DeliveryOptions,
  result: PostResult,
  roundAttempts: number,
  disabled: boolean,
  now: Date,
): Verdict {
  if (isSuccess(result)) return { status: 'succeeded', nextAttemptAt: null };
  if (disabled) return { status: 'failed', nextAttemptAt: null };
  const next = nextAttemptAt(options.retrySchedule, roundAttempts, now);
  return { status: next ? 'failed' : 'exhausted', nextAttemptAt: next };
}

/**
 * Logs the attempt and moves the delivery on, in one transaction with the job of the next
 * attempt: a success ends it, a failure schedules the next attempt of the schedule (or ends it
 * exhausted), a 410 or five days of failures disables the endpoint.
 */
async function record(
  options: DeliveryOptions,
  claimed: Claim,
  attempt: number,
  attemptedAt: Date,
  result: PostResult,
): Promise<Date | null> {
  return inTransaction(options.pool, async (client) => {
    const current = await client.query<{ round: number }>(
      'select round_attempts as round from webhook_deliveries where id = $1 and claim_token = $2 for update',
      [claimed.id, claimed.token],
    );
    const round = current.rows[0]?.round;
    if (round === undefined) {
      options.logger.warn({ deliveryId: claimed.id, attempt }, 'webhook attempt outlived its claim; not recorded');
      return null;
    }
    await client.query(
      `insert into webhook_attempts (delivery_id, number, attempted_at, status_code, duration_ms, response_body, error)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [claimed.id, attempt, attemptedAt, result.statusCode, result.durationMs, result.response, result.error],
    );
    const now = new Date();
    const disabled = await judgeEndpoint(options, client, claimed, result, now);
    const verdict = verdictOf(options, result, round + 1, disabled, now);
    await client.query(
      `update webhook_deliveries set status = $2, attempt_count = $3, round_attempts = round_attempts + 1,
         next_attempt_at = $4, last_attempt_at = $5, last_status_code = $6, claim_token = null, claimed_until = null,
         updated_at = now()
       where id = $1`,
      [claimed.id, verdict.status, attempt, verdict.nextAttemptAt, attemptedAt, result.statusCode],
    );
    if (verdict.nextAttemptAt) {
      const job = deliveryJob(
        { deliveryId: claimed.id, attempt: attempt + 1 },
        verdict.nextAttemptAt,
        options.leaseSeconds,
      );
      await enqueue(options.boss, client, [job]);
    }
    return verdict.nextAttemptAt;
  });
}

/** The endpoint was disabled after the job was queued: nothing is sent, nothing more is planned. */
async function release(options: DeliveryOptions, claimed: Claim): Promise<void> {
  await options.pool.query(
    `update webhook_deliveries set status = 'failed', next_attempt_at = null, claim_token = null, claimed_until = null,
       updated_at = now()
     where id = $1 and claim_token = $2`,
    [claimed.id, claimed.token],
  );
}

/**
 * Secrets this process cannot open (their key is missing from its configuration) are our fault,
 * not the receiver's: nothing is sent and no attempt is counted. The claim is given up and the
 * job fails, so pg-boss tries it again later (with backoff, for hours), by when the operator may
 * have given the key.
 */
async function openedSecrets(options: DeliveryOptions, claimed: Claim, now: Date): Promise<string[]> {
  try {
    return secretsOf(options.secrets, claimed, now);
  } catch (error) {
    if (!(error instanceof SecretUnreadableError)) throw error;
    await options.pool.query(
      'update webhook_deliveries set claim_token = null, claimed_until = null where id = $1 and claim_token = $2',
      [claimed.id, claimed.token],
    );
    options.logger.error(
      { deliveryId: claimed.id, endpointId: claimed.endpointId, keyId: error.keyId, err: error },
      "cannot sign a webhook: its secret cannot be read with this process's secrets keys",
    );
    throw error;
  }
}

/** The pg-boss handler: one attempt of one delivery. */
export async function attemptDelivery(options: DeliveryOptions, job: DeliveryJob): Promise<void> {
  const claimed = await claim(options, job);
  if (!claimed) {
    options.logger.debug({ ...job }, 'webhook job is stale; skipped');
    return;
  }
  if (!claimed.enabled) return release(options, claimed);
  const attemptedAt = new Date();
  const secrets = await openedSecrets(options, claimed, attemptedAt);
  const result = await send(options, claimed, secrets, attemptedAt);
  options.logger.debug(
    { deliveryId: claimed.id, attempt: job.attempt, statusCode: result.statusCode, durationMs: result.durationMs },
    'webhook attempt made',
  );
  const nextAttemptAt = await record(options, claimed, job.attempt, attemptedAt, result);
  if (nextAttemptAt) options.onRetryScheduled?.(nextAttemptAt);
}
