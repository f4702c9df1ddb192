/**
 * The scale-out scenario's actors, registered through the servers with the admin key: three
 * webhook endpoints with their receivers, and an API client per writer, reader, follower and
 * probe, so that no actor spends another's rate limit.
 */
import type pg from 'pg';
import type { Subscription } from './scale-out-checks';
import type { TakstProcess } from './scale-out-cluster';
import { callOrFail } from './scale-out-http';
import { WebhookReceiver } from './scale-out-receivers';

/** Long enough for two attempts of one delivery at once to overlap, short enough to keep up. */
const RECEIVER_ANSWER_DELAY_MS = [10, 50] as const;

const ENDPOINTS: { name: string; eventTypes: string[] }[] = [
  { name: 'every event', eventTypes: [] },
  { name: 'assignment.created', eventTypes: ['assignment.created'] },
  { name: 'note.added', eventTypes: ['note.added'] },
];

export function createReceivers(): WebhookReceiver[] {
  return ENDPOINTS.map((endpoint) => new WebhookReceiver(endpoint.name, RECEIVER_ANSWER_DELAY_MS));
}

/** One endpoint per receiver, created on the servers in turn. */
export async function subscribe(
  servers: readonly string[],
  adminKey: string,
  receivers: WebhookReceiver[],
): Promise<Subscription[]> {
  const subscriptions: Subscription[] = [];
  for (const [i, endpoint] of ENDPOINTS.entries()) {
    const receiver = receivers[i] as WebhookReceiver;
    const created = await callOrFail<{ endpoint: { id: string }; secret: string }>(
      servers[i % servers.length] as string,
      adminKey,
      'webhooks.create',
      { url: receiver.url, eventTypes: endpoint.eventTypes },
      'mutation',
    );
    receiver.secret = created.secret;
    subscriptions.push({ receiver, endpointId: created.endpoint.id, eventTypes: endpoint.eventTypes });
  }
  return subscriptions;
}

export interface ActorKeys {
  writers: string[];
  readers: string[];
  followers: string[];
  rateProbe: string;
}

/** An API client for each actor, created on the servers in turn. */
export async function createActorKeys(
  servers: readonly string[],
  adminKey: string,
  counts: { writers: number; readers: number; followers: number },
): Promise<ActorKeys> {
  const keyFor = async (name: string, scopes: string[], i: number) => {
    const created = await callOrFail<{ apiKey: string }>(
      servers[i % servers.length] as string,
      adminKey,
      'apiClients.create',
      { name: `scale-out ${name} ${i}`, scopes },
      'mutation',
    );
    return created.apiKey;
  };
  const many = (n: number, name: string, scopes: string[]) =>
    Promise.all(Array.from({ length: n }, (_, i) => keyFor(name, scopes, i)));
  return {
    writers: await many(counts.writers, 'writer', ['assignments:write', 'assignments:read']),
    readers: await many(counts.readers, 'reader', ['assignments:read']),
    followers: await many(counts.followers, 'follower', ['events:read']),
    rateProbe: await keyFor('rate probe', ['assignments:read'], 0),
  };
}

/** Counts the attempts each worker logs (it runs at debug level). */
export function countAttempts(workers: TakstProcess[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const worker of workers) {
    counts[worker.name] = 0;
    worker.onLine((line) => {
      if (line.includes('"webhook attempt made"')) counts[worker.name] = (counts[worker.name] ?? 0) + 1;
    });
  }
  return counts;
}

export async function lastSequence(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ last: string }>('select coalesce(max(sequence), 0) as last from events');
  return Number(rows[0]?.last ?? 0);
}
