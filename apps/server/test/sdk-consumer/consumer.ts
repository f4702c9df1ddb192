// Compiled and run from a directory outside the workspace, against the packed @takst/sdk.
import {
  ASSIGNMENT_TYPES,
  type Assignment,
  type AssignmentStatus,
  type AssignmentType,
  createTakstClient,
  isTakstError,
  type RouterInputs,
  type RouterOutputs,
  TakstError,
  type TakstEvent,
  verifyWebhook,
  WebhookVerificationError,
  withIdempotencyKey,
} from '@takst/sdk';

const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const client = createTakstClient({
  baseUrl: env.TAKST_URL ?? 'http://127.0.0.1:3000',
  apiKey: env.TAKST_API_KEY ?? '',
  headers: { 'x-request-id': 'sdk-consumer' },
});

const input: RouterInputs['assignments']['create'] = {
  type: 'energy_certificate',
  property: { address: { street: 'Torget 1', postalCode: '9008', city: 'Tromsø' } },
  client: { name: 'Consumer Test AS', organizationNumber: '923609016' },
};

const created: Assignment = await client.assignments.create.mutate(input, withIdempotencyKey(`consumer-${Date.now()}`));
const type: AssignmentType = created.type;
const status: AssignmentStatus = created.status;
const fetched: RouterOutputs['assignments']['get'] = await client.assignments.get.query({ id: created.id });
const page = await client.assignments.list.query({ limit: 10, type: ['energy_certificate'] });

let notFoundCode: string | undefined;
let notFound: { status: number | null; isTakstError: boolean; attempts: number } | undefined;
try {
  await client.assignments.get.query({ id: '01900000-0000-7000-8000-000000000000' });
} catch (error) {
  if (isTakstError(error, 'ASSIGNMENT_NOT_FOUND')) {
    const code: 'ASSIGNMENT_NOT_FOUND' = error.code;
    notFoundCode = error.data?.errorCode === code ? code : undefined;
    notFound = { status: error.httpStatus, isTakstError: error instanceof TakstError, attempts: error.attempts };
  }
}

const paged = await client.assignments.list.toArray({ type: ['energy_certificate'], limit: 1 }, { max: 3 });
let walked = 0;
for await (const assignment of client.assignments.list.iterate({ limit: 1 }, { context: { timeoutMs: 10_000 } })) {
  if (assignment.id === created.id) walked += 1;
}

const iterated: string[] = [];
for await (const event of client.events.iterate({ entityId: created.id, pageSize: 10 })) iterated.push(event.type);

/** The first live event about the new assignment, replayed from the start of the log. */
function firstStreamed(): Promise<TakstEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no event within 10 s')), 10_000);
    const subscription = client.events.subscribe.subscribe(
      { after: 0, types: ['assignment.created'] },
      {
        onData: ({ id, data }) => {
          if (data.entityId !== created.id || id !== String(data.sequence)) return;
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(data);
        },
        onError: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      },
    );
  });
}
const streamed = await firstStreamed();

/** Signs a webhook as the platform does, with Web Crypto. */
async function signWebhook(secretBytes: Uint8Array<ArrayBuffer>, id: string, timestamp: string, body: string) {
  const key = await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}
const secretBytes = crypto.getRandomValues(new Uint8Array(32));
const secret = `whsec_${btoa(String.fromCharCode(...secretBytes))}`;
const webhookBody = JSON.stringify({ type: streamed.type, timestamp: streamed.occurredAt, data: streamed });
const timestamp = String(Math.floor(Date.now() / 1000));
const webhookHeaders = {
  'webhook-id': 'msg_consumer',
  'webhook-timestamp': timestamp,
  'webhook-signature': await signWebhook(secretBytes, 'msg_consumer', timestamp, webhookBody),
};
const webhook = await verifyWebhook<TakstEvent>(webhookBody, webhookHeaders, secret);
let tamperedReason: string | undefined;
try {
  await verifyWebhook(`${webhookBody} `, webhookHeaders, secret);
} catch (error) {
  if (error instanceof WebhookVerificationError) tamperedReason = error.reason;
}

console.log(
  JSON.stringify({
    id: created.id,
    reference: created.reference,
    type,
    status,
    sameAsFetched: JSON.stringify(fetched) === JSON.stringify(created),
    listed: page.items.map((a) => a.id),
    notFoundCode,
    notFound,
    paged: paged.map((a) => a.id),
    walked,
    knowsTypes: ASSIGNMENT_TYPES.length,
    iterated,
    streamed: { type: streamed.type, entityId: streamed.entityId },
    webhook: { type: webhook.type, entityId: webhook.data.entityId },
    tamperedReason,
  }),
);
