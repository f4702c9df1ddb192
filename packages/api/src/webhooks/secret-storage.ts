import type { EntityManager } from '@takst/db';
import { sql } from '../bulk/sql';
import { DomainError } from '../errors';
import { ISO_MS } from '../lib/read-model';
import { isSealed, type SecretBox, SecretUnreadableError } from '../lib/secret-box';
import { secretBoxOf } from './settings';

/** The columns of an endpoint that hold its secrets, as stored: sealed, or plain from before encryption. */
interface StoredSecrets {
  id: string;
  secret: string;
  previousSecret: string | null;
}

/** An endpoint's secrets, opened: what `webhooks.getSecret` answers. */
export interface OpenedSecrets {
  endpointId: string;
  secret: string;
  /** The secret before the last rotation while it still signs deliveries; null otherwise. */
  previousSecret: string | null;
  /** ISO 8601 in UTC, as every timestamp the API answers. */
  previousSecretExpiresAt: string | null;
}

const SELECT_SECRETS = `select id, secret, previous_secret as "previousSecret" from webhook_endpoints`;

/** A stored secret this server cannot open: its key is missing from the configuration, which the operator fixes. */
export function unreadableSecret(endpointId: string, error: SecretUnreadableError): DomainError {
  return new DomainError(
    'INTERNAL_SERVER_ERROR',
    'WEBHOOK_SECRET_UNREADABLE',
    `The signing secret of webhook endpoint ${endpointId} cannot be read: ${error.message}`,
  );
}

function opened(box: SecretBox, endpointId: string, stored: string): string {
  try {
    return box.open(stored);
  } catch (error) {
    if (error instanceof SecretUnreadableError) throw unreadableSecret(endpointId, error);
    throw error;
  }
}

/**
 * The endpoint's current secret and, while it still signs, the one before it; undefined when
 * there is no such endpoint. An expired previous secret is not given: it signs nothing any more.
 */
export async function openWebhookSecrets(em: EntityManager, id: string): Promise<OpenedSecrets | undefined> {
  const [row] = await sql<StoredSecrets & { previousSecretExpiresAt: string | null }>(
    em,
    `select id, secret, case when previous_secret_expires_at > now() then previous_secret end as "previousSecret",
       case when previous_secret_expires_at > now()
         then to_char(previous_secret_expires_at at time zone 'UTC', ${ISO_MS}) end as "previousSecretExpiresAt"
     from webhook_endpoints where id = ?`,
    [id],
  );
  if (!row) return undefined;
  const box = secretBoxOf(em);
  const stillSigns = row.previousSecret !== null && row.previousSecretExpiresAt !== null;
  return {
    endpointId: row.id,
    secret: opened(box, row.id, row.secret),
    previousSecret: stillSigns ? opened(box, row.id, row.previousSecret as string) : null,
    previousSecretExpiresAt: stillSigns ? row.previousSecretExpiresAt : null,
  };
}

/** A stored value as the current key would seal it: plain ones are sealed, sealed ones kept. */
export function sealedForStorage(box: SecretBox, stored: string): string {
  return isSealed(stored) ? stored : box.seal(box.open(stored));
}

export interface ResealOutcome {
  /** Endpoints whose secrets were sealed (again) under the current key. */
  resealed: number;
  /** Endpoints left as they were because a secret of theirs could not be opened, with why. */
  unreadable: { endpointId: string; reason: string }[];
}

const BATCH = 200;

interface Resealed {
  id: string;
  secret: string;
  previous: string | null;
  oldSecret: string;
  oldPrevious: string | null;
}

/**
 * Seals again, under the current key, every endpoint secret that needs it: with `legacyOnly`
 * only plain ones from before encryption (every start-up does this), otherwise also those sealed
 * under an older key (`secrets:reencrypt`, once every process has the new key). Batches of rows
 * are each one transaction; a row changed meanwhile (a rotation) is left for that change, which
 * sealed its own value.
 */
export async function resealWebhookSecrets(
  em: EntityManager,
  box: SecretBox,
  { legacyOnly }: { legacyOnly: boolean },
): Promise<ResealOutcome> {
  const outcome: ResealOutcome = { resealed: 0, unreadable: [] };
  // Plain secrets start with whsec_; sealed ones under the current key with v1:<id>:.
  const needing = legacyOnly
    ? `(secret not like 'v1:%' or previous_secret not like 'v1:%')`
    : `(secret not like ? or previous_secret not like ?)`;
  const currentPrefix = `v1:${box.currentKeyId}:%`;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await sql<StoredSecrets>(
      em.fork(),
      `${SELECT_SECRETS} where id > ? and ${needing} order by id limit ?`,
      legacyOnly ? [after, BATCH] : [after, currentPrefix, currentPrefix, BATCH],
    );
    if (rows.length === 0) return outcome;
    after = rows[rows.length - 1]?.id ?? after;
    const reseal = (stored: string) =>
      legacyOnly || !box.needsResealing(stored) ? sealedForStorage(box, stored) : box.seal(box.open(stored));
    const changed: Resealed[] = [];
    for (const row of rows) {
      try {
        changed.push({
          id: row.id,
          secret: reseal(row.secret),
          previous: row.previousSecret === null ? null : reseal(row.previousSecret),
          oldSecret: row.secret,
          oldPrevious: row.previousSecret,
        });
      } catch (error) {
        if (!(error instanceof SecretUnreadableError)) throw error;
        outcome.unreadable.push({ endpointId: row.id, reason: error.message });
      }
    }
    if (changed.length === 0) continue;
    const updated = await em.fork().transactional((tx) =>
      sql<{ id: string }>(
        tx,
        `update webhook_endpoints w set secret = c.secret, previous_secret = c.previous
         from json_to_recordset(?::json) as c(id uuid, secret text, previous text, "oldSecret" text, "oldPrevious" text)
         where w.id = c.id and w.secret = c."oldSecret" and w.previous_secret is not distinct from c."oldPrevious"
         returning w.id`,
        [JSON.stringify(changed)],
      ),
    );
    outcome.resealed += updated.length;
  }
}
