import { randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` and the base64 of the key (32 random bytes). */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** After a rotation the old secret also signs deliveries for this long, so receivers can switch over. */
export const PREVIOUS_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;
