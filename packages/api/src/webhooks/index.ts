// What the host (apps/server) uses: the address policy the delivery worker applies too, and
// the settings it hands the API.
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
export { PREVIOUS_SECRET_GRACE_MS } from './secret';
export { configureWebhooks, type WebhookSettings } from './settings';
