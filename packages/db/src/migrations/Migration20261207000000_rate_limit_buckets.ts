import { Migration } from '@mikro-orm/migrations';

/**
 * The token buckets of the rate limit, shared by every server process on the database (see
 * packages/api/src/rate-limit). Unlogged: a bucket changes on every call, and writing that to the
 * WAL (and waiting for its flush) would cost more than the call it limits. After a crash of
 * PostgreSQL the table comes back empty, so every bucket starts full again, which a rate limit
 * can afford. Nor does it reach a replica, which never needs it.
 */
export class Migration20261207000000_rate_limit_buckets extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create unlogged table rate_limit_buckets (
         owner_id text primary key,
         tokens double precision not null,
         granted integer not null,
         updated_at timestamptz not null
       )`,
    );
    this.addSql(
      `comment on table rate_limit_buckets is
       'token bucket per API client or person: tokens left at updated_at; granted = calls the last charge let through'`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table rate_limit_buckets');
  }
}
