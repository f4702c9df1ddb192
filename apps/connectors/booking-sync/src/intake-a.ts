// Tool A's two ways in, both webhooks to this connector:
// - Planly → `POST /planly/webhooks`: a staff change in Planly, signed with Planly's own scheme;
// - platform → `POST /takst/webhooks`: an inspection event, verified with the SDK's kit.

import type { RecentDeliveries } from '@takst/connector-runtime';
import { errorFields, type Log, type RouteHandler, readBody, sendJson } from '@takst/connector-runtime';
import {
  type Inspection,
  type TakstClient,
  type VerifiedWebhook,
  verifyNodeWebhook,
  WebhookVerificationError,
} from '@takst/sdk';
import type { BookingSync } from './sync';
import { parsePlanlyEvent, planlySignatureMatches } from './tools/planly';

export const PLATFORM_EVENT_TYPES = ['inspection.booked', 'inspection.rescheduled', 'inspection.cancelled'];

const MAX_BODY_BYTES = 1024 * 1024;

export function planlyWebhookRoute(options: {
  secret: string;
  sync: BookingSync;
  deliveries: RecentDeliveries;
  log: Log;
}): RouteHandler {
  const { log } = options;
  return async (req, res) => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) return sendJson(res, 413, { error: 'body_too_large' });
    const signature = req.headers['x-planly-signature'];
    if (!planlySignatureMatches(options.secret, body, typeof signature === 'string' ? signature : undefined)) {
      log.warn('planly webhook refused', { reason: 'bad_signature' });
      return sendJson(res, 401, { error: 'bad_signature' });
    }
    const event = parsePlanlyEvent(body);
    if (!event) return sendJson(res, 400, { error: 'not_a_planly_event' });
    const fields = { source: 'planly', eventId: event.id, eventType: event.type, bookingId: event.data.booking.id };
    try {
      const outcome = await options.deliveries.run(`planly:${event.id}`, () =>
        options.sync.carryToolBooking(event.data.booking.id),
      );
      if (outcome === 'repeat') log.info('webhook repeat passed over', fields);
      sendJson(res, 200, { received: true });
    } catch (error) {
      // Planly sends it again later.
      log.error('webhook failed', { ...fields, ...errorFields(error) });
      sendJson(res, 503, { error: 'try_again' });
    }
  };
}

/**
 * Who made the change a platform webhook reports: its body carries the entity, not the actor,
 * so the event is found in the log by entity, type and the entity's version.
 */
async function actorOf(takst: TakstClient, type: string, inspection: Inspection): Promise<string | null> {
  for await (const event of takst.events.iterate({ entityId: inspection.id, types: [type], pageSize: 100 })) {
    if ((event.data as { version?: unknown }).version === inspection.version) return event.actor.id;
  }
  return null;
}

export function takstWebhookRoute(options: {
  secret: string;
  takst: TakstClient;
  system: string;
  selfClientId: string;
  sync: BookingSync;
  deliveries: RecentDeliveries;
  log: Log;
}): RouteHandler {
  const { log } = options;
  return async (req, res) => {
    let webhook: VerifiedWebhook;
    try {
      webhook = await verifyNodeWebhook(req, options.secret, { maxBodyBytes: MAX_BODY_BYTES });
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      log.warn('platform webhook refused', { reason: error.reason });
      return sendJson(res, error.reason === 'body_too_large' ? 413 : 400, { error: error.reason });
    }
    const { type, data } = webhook.payload;
    if (!PLATFORM_EVENT_TYPES.includes(type)) return sendJson(res, 204);
    const inspection = data as Inspection;
    const fields = { source: 'platform', webhookId: webhook.webhookId, eventType: type, inspectionId: inspection.id };
    try {
      const outcome = await options.deliveries.run(`takst:${webhook.webhookId}`, async () => {
        // Most of these are echoes of the connector's own writes: the tool answers that alone.
        if (await options.sync.toolShows(inspection)) {
          log.debug('already in the tool', fields);
          return;
        }
        // The connector books only through this tool's reference: any other booking is not its own.
        const mayBeOwn = type !== 'inspection.booked' || inspection.sourceSystem === options.system;
        if (mayBeOwn && (await actorOf(options.takst, type, inspection)) === options.selfClientId) {
          log.debug('own change passed over', fields);
          return;
        }
        await options.sync.carryInspection(inspection.id, inspection);
      });
      if (outcome === 'repeat') log.info('webhook repeat passed over', fields);
      sendJson(res, 204);
    } catch (error) {
      // The platform retries on its schedule.
      log.error('webhook failed', { ...fields, ...errorFields(error) });
      sendJson(res, 503, { error: 'try_again' });
    }
  };
}
