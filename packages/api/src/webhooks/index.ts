// What the host (apps/server) uses: the address policy the delivery worker applies too, the
// settings it hands the API, and how the audit and event logs show a URL.
export {
  type AddressKind,
  allowedAddresses,
  classifyAddress,
  hostOf,
  isAllowedAddress,
  type PrivateUrlPolicy,
  UrlRefusedError,
} from './address';
export { REQUEUE_CHANNEL } from './channels';
export { ENDPOINT_WANTS_EVENT_SQL } from './event-filter';
export { redactWebhookUrl } from './redact';
export { PREVIOUS_SECRET_GRACE_MS } from './secret';
export { configureWebhooks, type WebhookSettings } from './settings';
