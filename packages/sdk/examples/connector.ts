// The connector kit: a whole small connector, then the other receivers and the transactional
// checkpoint. What the connector does in its own tool is declared at the bottom.
// #region readme
import { createServer } from 'node:http';
import { createTakstClient, type TakstEvent, verifyNodeWebhook, WebhookVerificationError } from '@takst/sdk';
import { fileCheckpoint } from '@takst/sdk/node';

const platform = createTakstClient({
  baseUrl: process.env.TAKST_URL ?? 'http://127.0.0.1:3000',
  apiKey: process.env.TAKST_API_KEY ?? '',
});
const me = await platform.me.get.query();
const stopping = new AbortController();
process.once('SIGTERM', () => stopping.abort());

// Push: the platform POSTs the events an endpoint subscribed to (webhooks.create) to /hooks.
// The secret may be a list while you rotate it: [old, new], any one may match.
const secrets = [process.env.TAKST_WEBHOOK_SECRET ?? ''];
const receiver = createServer(async (req, res) => {
  try {
    const { webhookId, payload } = await verifyNodeWebhook(req, secrets);
    // Every attempt of one delivery has the same webhook id: act on it once.
    if (!(await alreadyHandled(webhookId))) await notifyTool(payload.type, payload.data, webhookId);
    res.writeHead(204).end();
  } catch (error) {
    const refused = error instanceof WebhookVerificationError;
    res.writeHead(refused ? 400 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: refused ? error.reason : 'failed' })); // non-2xx: the platform retries
  }
});
receiver.listen(Number(process.env.PORT ?? 4200));

// Pull: every inspection event since the checkpoint, in order, then new ones as they come, until
// SIGTERM. The checkpoint is saved after each event the handler finished, so a restart (or a
// crash) goes on from there: an event is handled again only if the process died between its
// handler and its checkpoint.
const summary = await platform.events.consume({
  checkpoint: fileCheckpoint('.data/booking-sync/checkpoint.json'),
  types: ['inspection.*'],
  start: 0, // with an empty checkpoint: from the beginning of the log ('now': from the end)
  follow: true,
  pollIntervalMs: 1000,
  signal: stopping.signal,
  handler: async (event: TakstEvent) => {
    if (event.actor.id === me.apiClient?.id) return; // our own change, coming back: nothing to do
    await syncInspection(event);
  },
});
console.log(`stopped after ${summary.handled} events; the checkpoint is at ${summary.lastSequence}`);
receiver.close();

// #endregion

// #region readme
import { expressWebhookHandler } from '@takst/sdk';
import express from 'express';

const app = express();
// Mounted before express.json(): the signature is over the raw body. Answers 400 { error } to a
// webhook that fails verification, 204 once the handler resolved, 500 if it threw (the
// platform then sends it again).
app.post(
  '/hooks/takst',
  expressWebhookHandler(process.env.TAKST_WEBHOOK_SECRET ?? '', async ({ webhookId, payload }) => {
    if (!(await alreadyHandled(webhookId))) await notifyTool(payload.type, payload.data, webhookId);
  }),
);
app.use(express.json());
app.listen(4200);

// #endregion

// #region readme
import { verifyWebhookRequest } from '@takst/sdk';

// Fetch API handlers (Next.js route handlers, Hono, Deno, Bun, Cloudflare Workers).
export async function receiveWebhook(request: Request): Promise<Response> {
  try {
    const { webhookId, payload } = await verifyWebhookRequest(request, process.env.TAKST_WEBHOOK_SECRET ?? '');
    if (!(await alreadyHandled(webhookId))) await notifyTool(payload.type, payload.data, webhookId);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (error instanceof WebhookVerificationError) return Response.json({ error: error.reason }, { status: 400 });
    throw error;
  }
}

// #endregion

// #region readme
import { postgresCheckpoint } from '@takst/sdk';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
// Table takst_checkpoints (created when missing), one row per name.
const checkpoint = postgresCheckpoint(pool, { name: 'invoicing' });

await takst.events.consume({
  checkpoint,
  types: ['report.delivered'],
  handler: async (event) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into invoices (report_id, event_sequence) values ($1, $2)', [
        event.entityId,
        event.sequence,
      ]);
      // The checkpoint commits with the invoice, or neither does: each event is invoiced exactly once.
      await checkpoint.saveIn(client, event.sequence);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback');
      throw error; // consume stops here; the next run starts with this event
    } finally {
      client.release();
    }
  },
});
// #endregion

declare function alreadyHandled(webhookId: string): Promise<boolean>;
declare function notifyTool(type: string, data: unknown, webhookId: string): Promise<void>;
declare function syncInspection(event: TakstEvent): Promise<void>;
