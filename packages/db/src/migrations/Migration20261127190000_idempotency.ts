import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency keys, and notifications of API-client changes.
 *
 * `idempotency_keys` keeps the outcome of a keyed mutation for 24 hours, per API client: a retry
 * with the same key and the same input gets the stored outcome instead of acting again. The
 * output is `json`, not `jsonb`, so a replay returns the very text the first call answered.
 *
 * Every change that can make a cached API key wrong (revocation, a rotated key, other scopes, a
 * new name, deletion) sends `pg_notify('takst_api_clients', <client id>)` from a trigger: the
 * notification is part of the changing transaction, so it goes out at commit (never for a
 * rollback), and it goes out for every write path, SQL by an operator included. Each server
 * process listens and drops the client from its key cache. `last_used_at` updates notify nothing.
 */
export class Migration20261127190000_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table idempotency_keys (
        client_id uuid not null references api_clients (id) on delete cascade,
        key text not null,
        path text not null,
        fingerprint text not null,
        response_status smallint not null,
        output json,
        error jsonb,
        created_at timestamptz(3) not null,
        expires_at timestamptz(3) not null,
        primary key (client_id, key),
        constraint idempotency_keys_one_outcome check (output is null or error is null)
      )`);
    this.addSql('create index idempotency_keys_expires_at_idx on idempotency_keys (expires_at)');
    this.addSql(`
      create function notify_api_client_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('takst_api_clients', old.id::text);
        return null;
      end $$`);
    this.addSql(`
      create trigger api_clients_notify_update after update on api_clients for each row
      when ((old.key_hash, old.scopes, old.name, old.revoked_at)
            is distinct from (new.key_hash, new.scopes, new.name, new.revoked_at))
      execute function notify_api_client_change()`);
    this.addSql(
      'create trigger api_clients_notify_delete after delete on api_clients for each row execute function notify_api_client_change()',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger api_clients_notify_delete on api_clients');
    this.addSql('drop trigger api_clients_notify_update on api_clients');
    this.addSql('drop function notify_api_client_change()');
    this.addSql('drop table idempotency_keys');
  }
}
