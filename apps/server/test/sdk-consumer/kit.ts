// The connector kit, compiled and run from a directory outside the workspace against the packed
// @takst/sdk: both entries, their types under strict settings, and a consume into a file.
import {
  type CheckpointStore,
  type ConsumeSummary,
  createTakstClient,
  type ExpressLikeResponse,
  expressWebhookHandler,
  type NodeLikeRequest,
  type PostgresCheckpoint,
  postgresCheckpoint,
  type SqlClient,
  type TakstWebhookPayload,
  type VerifiedWebhook,
  verifyNodeWebhook,
  verifyWebhookRequest,
  WebhookVerificationError,
} from '@takst/sdk';
import { fileCheckpoint } from '@takst/sdk/node';

const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
const client = createTakstClient({
  baseUrl: env.TAKST_URL ?? 'http://127.0.0.1:3000',
  apiKey: env.TAKST_API_KEY ?? '',
});

const checkpoint: CheckpointStore = fileCheckpoint(env.CHECKPOINT_FILE ?? 'checkpoints/kit.json');
const consumed: number[] = [];
const first: ConsumeSummary = await client.events.consume({
  checkpoint,
  pageSize: 2,
  types: ['assignment.created'],
  handler: (event) => {
    consumed.push(event.sequence);
  },
});
const again = await client.events.consume({
  checkpoint,
  types: ['assignment.created'],
  handler: () => {
    throw new Error('nothing is left to handle');
  },
});

async function sign(secretBytes: Uint8Array<ArrayBuffer>, id: string, timestamp: string, body: string) {
  const key = await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}
const secretBytes = crypto.getRandomValues(new Uint8Array(32));
const secret = `whsec_${btoa(String.fromCharCode(...secretBytes))}`;
const otherSecret = `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;
const body = JSON.stringify({
  type: 'note.added',
  timestamp: new Date().toISOString(),
  data: { id: 'n1', text: 'Key in the mailbox' },
});
const timestamp = String(Math.floor(Date.now() / 1000));
const headers = {
  'content-type': 'application/json',
  'webhook-id': 'msg_kit',
  'webhook-timestamp': timestamp,
  'webhook-signature': await sign(secretBytes, 'msg_kit', timestamp, body),
};

const request = new Request('http://receiver.test/hooks', { method: 'POST', headers, body });
const verified: VerifiedWebhook<TakstWebhookPayload> = await verifyWebhookRequest<TakstWebhookPayload>(request, [
  otherSecret,
  secret,
]);
// The payload narrows by its type.
const noteText = verified.payload.type === 'note.added' ? verified.payload.data.text : undefined;

const chunked = (...chunks: (string | Uint8Array)[]): NodeLikeRequest => ({
  headers,
  async *[Symbol.asyncIterator]() {
    yield* chunks;
  },
});
const fromNode = await verifyNodeWebhook(chunked(body.slice(0, 9), new TextEncoder().encode(body.slice(9))), secret);
let tooLarge: string | undefined;
try {
  await verifyNodeWebhook(chunked(body), secret, { maxBodyBytes: 16 });
} catch (error) {
  if (error instanceof WebhookVerificationError) tooLarge = error.reason;
}

const answered: number[] = [];
const response: ExpressLikeResponse = {
  headersSent: false,
  statusCode: 200,
  setHeader: () => undefined,
  end: () => answered.push(response.statusCode),
};
const handled: string[] = [];
const route = expressWebhookHandler(secret, (webhook) => {
  handled.push(webhook.webhookId);
});
await route({ ...chunked(), body }, response);
await route({ ...chunked(), body: `${body} ` }, response);

// Only the shape: the packed types take a pg-like client and give saveIn.
const pgLike: SqlClient = { query: async () => ({ rows: [] }) };
const store: PostgresCheckpoint = postgresCheckpoint(pgLike, { name: 'kit' });

console.log(
  JSON.stringify({
    consumed,
    first,
    again,
    loaded: await checkpoint.load(),
    webhookId: verified.webhookId,
    noteText,
    fromNode: fromNode.webhookId,
    tooLarge,
    answered,
    handled,
    saveIn: typeof store.saveIn,
  }),
);
