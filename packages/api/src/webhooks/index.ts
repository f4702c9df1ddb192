// What the host (apps/server) uses: the address policy the delivery worker applies too, the
// settings it hands the API, how the audit and event logs show a URL, and the box that seals
// webhook secrets at rest with the resealing that start-up and `secrets:reencrypt` run.
export {
  generateSecretsKey,
  isSealed,
  parseSecretsKey,
  SECRETS_KEY_FORMAT,
  SecretBox,
  SecretsKeyError,
  SecretUnreadableError,
  secretsKeyId,
} from '../lib/secret-box';
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
export { type ResealOutcome, resealWebhookSecrets } from './secret-storage';
export { configureWebhooks, type WebhookSettings } from './settings';
