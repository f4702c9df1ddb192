import type { EntityManager, MikroORM } from '@takst/db';
import type { PrivateUrlPolicy } from './address';

/** What the host decides about webhooks, as the API needs it. */
export interface WebhookSettings {
  privateUrls: PrivateUrlPolicy;
}

const DEFAULT_SETTINGS: WebhookSettings = { privateUrls: 'refuse' };

// Keyed by the ORM's configuration, which every EntityManager forked from it shares: procedures
// reach it through ctx.em, and several servers in one process (tests) keep settings of their own.
const settingsByOrm = new WeakMap<object, WebhookSettings>();

/** Called by the host once at start-up; without it private URLs are refused. */
export function configureWebhooks(orm: MikroORM, settings: WebhookSettings): void {
  settingsByOrm.set(orm.config, settings);
}

export function webhookSettingsOf(em: EntityManager): WebhookSettings {
  return settingsByOrm.get(em.config) ?? DEFAULT_SETTINGS;
}
