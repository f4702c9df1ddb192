import { Migration } from '@mikro-orm/migrations';

/**
 * People: staff users, their sessions, one-time set-password links and sign-in throttling; and a
 * person beside the API client in every record of who did what.
 *
 * `users.email` is unique without regard to case (an index on `lower(email)`). Passwords are kept
 * only as argon2id hashes; session and link tokens only as SHA-256 hashes (they are 256-bit
 * random secrets, for which a fast hash is right).
 *
 * Every change that can make a cached session wrong — a user deactivated, their roles or name
 * changed, a session ended — sends `pg_notify('takst_users', <user id>)` from a trigger at
 * commit, for every write path; each server process drops that user's sessions from its cache,
 * as it does for API keys on `takst_api_clients`.
 *
 * Records of who did what (audit log, events, status changes, notes) gain `user_id` and
 * `user_name`: the person, where one acted, beside `actor_id` (the API client, where one was
 * used). Existing rows keep their API-client actors and no person. Report versions name the users
 * who wrote and reviewed them, where those were people.
 */
export class Migration20261204000000_people extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null,
        name text not null,
        active boolean not null default true,
        roles text[] not null default '{}'
          constraint users_known_roles check (roles <@ array['appraiser', 'reviewer', 'support', 'admin']::text[]),
        appraiser_id uuid unique references appraisers (id),
        password_hash text,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        deactivated_at timestamptz(3),
        version integer not null default 1
      )`);
    this.addSql('create unique index users_email_key on users (lower(email))');
    this.addSql('create index users_created_idx on users (created_at desc, id desc)');

    this.addSql(`
      create table user_tokens (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        token_hash text not null unique,
        purpose text not null constraint user_tokens_purpose check (purpose in ('set_password')),
        created_at timestamptz(3) not null,
        expires_at timestamptz(3) not null,
        used_at timestamptz(3)
      )`);
    this.addSql('create index user_tokens_user_idx on user_tokens (user_id)');

    this.addSql(`
      create table sessions (
        id uuid primary key,
        user_id uuid not null references users (id) on delete cascade,
        token_hash text not null unique,
        method text not null constraint sessions_method check (method in ('password', 'oidc')),
        created_at timestamptz(3) not null,
        last_seen_at timestamptz(3) not null,
        expires_at timestamptz(3) not null,
        ended_at timestamptz(3),
        ended_reason text,
        user_agent text,
        address text
      )`);
    this.addSql('create index sessions_open_by_user_idx on sessions (user_id) where ended_at is null');

    this.addSql(`
      create table sign_in_failures (
        key text primary key,
        failures integer not null,
        last_failure_at timestamptz(3) not null
      )`);

    this.addSql(`
      create function notify_user_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('takst_users', coalesce(new.user_id, old.user_id)::text);
        return null;
      end $$`);
    this.addSql(`
      create function notify_user_row_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('takst_users', old.id::text);
        return null;
      end $$`);
    this.addSql(`
      create trigger users_notify_update after update on users for each row
      when ((old.active, old.roles, old.name, old.email, old.appraiser_id)
            is distinct from (new.active, new.roles, new.name, new.email, new.appraiser_id))
      execute function notify_user_row_change()`);
    this.addSql(
      'create trigger users_notify_delete after delete on users for each row execute function notify_user_row_change()',
    );
    this.addSql(`
      create trigger sessions_notify_end after update on sessions for each row
      when (old.ended_at is null and new.ended_at is not null)
      execute function notify_user_change()`);

    for (const table of ['audit_log', 'events', 'assignment_status_changes']) {
      this.addSql(`alter table ${table} add column user_id uuid, add column user_name text`);
    }
    // Idempotency keys belong to an API client or a person; the id says which (UUIDs never clash).
    this.addSql('alter table idempotency_keys drop constraint idempotency_keys_client_id_fkey');
    this.addSql('alter table idempotency_keys rename column client_id to owner_id');
    this.addSql('alter table notes add column user_id uuid');
    this.addSql(
      'create index audit_log_user_idx on audit_log (user_id, occurred_at desc, id desc) where user_id is not null',
    );
    this.addSql('alter table report_versions add column author_user_id uuid, add column reviewer_user_id uuid');
  }

  override async down(): Promise<void> {
    this.addSql('alter table report_versions drop column author_user_id, drop column reviewer_user_id');
    this.addSql('drop index audit_log_user_idx');
    this.addSql('alter table notes drop column user_id');
    this.addSql('delete from idempotency_keys where owner_id not in (select id from api_clients)');
    this.addSql('alter table idempotency_keys rename column owner_id to client_id');
    this.addSql(
      'alter table idempotency_keys add constraint idempotency_keys_client_id_fkey foreign key (client_id) references api_clients (id) on delete cascade',
    );
    for (const table of ['audit_log', 'events', 'assignment_status_changes']) {
      this.addSql(`alter table ${table} drop column user_id, drop column user_name`);
    }
    this.addSql('drop trigger sessions_notify_end on sessions');
    this.addSql('drop trigger users_notify_delete on users');
    this.addSql('drop trigger users_notify_update on users');
    this.addSql('drop function notify_user_row_change()');
    this.addSql('drop function notify_user_change()');
    this.addSql('drop table sign_in_failures');
    this.addSql('drop table sessions');
    this.addSql('drop table user_tokens');
    this.addSql('drop table users');
  }
}
