import type { EntityManager, MikroORM } from '@takst/db';
import type { SecretBox } from '../lib/secret-box';
import type { PrivateUrlPolicy } from './address';

/** What the host decides about webhooks, as the API needs it. */
export interface WebhookSettings {
  privateUrls: PrivateUrlPolicy;
  /** Seals signing secrets at rest and opens them again (the host's TAKST_SECRETS_KEY). */
  secrets: SecretBox;
}

// Keyed by the ORM's configuration, which every EntityManager forked from it shares: procedures
// reach it through ctx.em, and several servers in one process (tests) keep settings of their own.
const settingsByOrm = new WeakMap<object, WebhookSettings>();

/** Called by the host once at start-up; without it private URLs are refused and secrets cannot be made. */
export function configureWebhooks(orm: MikroORM, settings: WebhookSettings): void {
  settingsByOrm.set(orm.config, settings);
}

function webhookSettingsOf(em: EntityManager): Partial<WebhookSettings> {
  return settingsByOrm.get(em.config) ?? {};
}

export const privateUrlPolicyOf = (em: EntityManager): PrivateUrlPolicy =>
  webhookSettingsOf(em).privateUrls ?? 'refuse';

/** The box of the host's secrets key; a host that configured none cannot make or read webhook secrets. */
export function secretBoxOf(em: EntityManager): SecretBox {
  const box = webhookSettingsOf(em).secrets;
  if (!box) throw new Error('No secrets key is configured for webhooks (configureWebhooks was not called)');
  return box;
}
