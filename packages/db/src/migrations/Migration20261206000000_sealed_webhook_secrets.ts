import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook signing secrets are kept sealed (AES-256-GCM under the server's TAKST_SECRETS_KEY,
 * `v1:<key id>:<iv>:<ciphertext and tag>`) and can be read again, so an idempotent replay of
 * `webhooks.create` or `rotateSecret` answers again instead of being refused. Its record keeps
 * the answer without the secret and names how a replay fills it in (`replay_fill`).
 *
 * Existing plain secrets are not sealed here: migrations do not know the key. The server seals
 * them at start-up, and reads a plain `whsec_` value until then.
 */
export class Migration20261206000000_sealed_webhook_secrets extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table idempotency_keys add column replay_fill text');
    this.addSql(
      `alter table idempotency_keys add constraint idempotency_keys_fill_has_output
       check (replay_fill is null or output is not null)`,
    );
    this.addSql(
      `comment on column webhook_endpoints.secret is
       'sealed: v1:<key id>:<iv>:<ciphertext+tag> (AES-256-GCM, TAKST_SECRETS_KEY); plain whsec_ only until the next start-up'`,
    );
    this.addSql(`comment on column webhook_endpoints.previous_secret is 'sealed like secret'`);
  }

  override async down(): Promise<void> {
    this.addSql('comment on column webhook_endpoints.previous_secret is null');
    this.addSql('comment on column webhook_endpoints.secret is null');
    this.addSql('alter table idempotency_keys drop column replay_fill');
  }
}
