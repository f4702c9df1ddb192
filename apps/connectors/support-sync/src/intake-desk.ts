// Hjelpa's webhooks: the signature checked over the raw body, a repeat of an event already
// handled (Hjelpa's retries and its deliberate redeliveries) answered at once, and 2xx only once
// the work is done, so a failure brings the webhook again.

import type { RecentDeliveries } from '@takst/connector-runtime';
import { errorFields, type Log, type RouteHandler, readBody, sendJson } from '@takst/connector-runtime';
import { checkDeskSignature } from './desk-signature';
import type { DeskEvent, SupportSync } from './sync';

const MAX_BODY_BYTES = 1024 * 1024;

function parsedEvent(body: string): DeskEvent | null {
  try {
    const event = JSON.parse(body) as Partial<DeskEvent> | null;
    if (!event || typeof event.id !== 'string' || typeof event.type !== 'string' || typeof event.data !== 'object') {
      return null;
    }
    return event as DeskEvent;
  } catch {
    return null;
  }
}

export function deskWebhookRoute(options: {
  secret: string;
  sync: SupportSync;
  deliveries: RecentDeliveries;
  log: Log;
}): RouteHandler {
  const { log } = options;
  return async (req, res) => {
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === null) {
      log.warn('desk webhook refused', { reason: 'body_too_large' });
      sendJson(res, 413, { error: 'body_too_large' });
      return;
    }
    const failure = checkDeskSignature(req.headers['x-hjelpa-signature'], body, options.secret);
    if (failure) {
      log.warn('desk webhook refused', { reason: failure });
      sendJson(res, 400, { error: failure });
      return;
    }
    const event = parsedEvent(body);
    if (!event) {
      log.warn('desk webhook refused', { reason: 'invalid_payload' });
      sendJson(res, 400, { error: 'invalid_payload' });
      return;
    }
    const fields = { eventId: event.id, type: event.type, redelivery: event.redelivery === true };
    try {
      const outcome = await options.deliveries.run(event.id, () => options.sync.onDeskEvent(event));
      if (outcome === 'repeat') log.info('desk webhook repeat passed over', fields);
      else log.debug('desk webhook handled', fields);
      sendJson(res, 204);
    } catch (error) {
      log.error('desk webhook failed; Hjelpa will send it again', { ...fields, ...errorFields(error) });
      sendJson(res, 500, { error: 'handler_failed' });
    }
  };
}
