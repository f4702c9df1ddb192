import { Migration } from '@mikro-orm/migrations';

/**
 * The deliveries still waiting, found without reading the ones done: /metrics counts them and
 * dates the oldest on every scrape, and done deliveries outnumber them by far.
 */
export class Migration20261127230000_webhook_backlog extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index webhook_deliveries_pending_idx on webhook_deliveries (created_at) where status = 'pending'`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index webhook_deliveries_pending_idx');
  }
}
