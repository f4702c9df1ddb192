import { Migration } from '@mikro-orm/migrations';

/**
 * Webhooks: endpoints, one delivery per (endpoint, event) and a log of every attempt. The unique
 * (endpoint_id, event_sequence) is what keeps several dispatchers from queueing one event twice
 * for one endpoint; pg-boss (schema `pgboss`, created by pg-boss itself) holds the jobs.
 */
export class Migration20261127200000_webhooks extends Migration {
  override async up(): Promise<void> {
    // UUIDv7 (time-ordered) made in SQL, for rows created in bulk by INSERT … SELECT: a v4 with
    // its first 48 bits replaced by the Unix time in milliseconds and its version nibble set to 7.
    this.addSql(`
      create function webhook_uuidv7() returns uuid language sql volatile as $$
        select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
          placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
          from 1 for 6), 52, 1), 53, 1), 'hex')::uuid
      $$`);

    this.addSql(`
      create table webhook_endpoints (
        id uuid primary key,
        url text not null,
        event_types text[] not null default '{}',
        enabled boolean not null,
        secret text not null,
        previous_secret text,
        previous_secret_expires_at timestamptz(3),
        disabled_reason text check (disabled_reason in ('disabled_by_client', 'endpoint_gone', 'failing')),
        disabled_at timestamptz(3),
        failing_since timestamptz(3),
        from_sequence bigint not null,
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql('create index webhook_endpoints_created_idx on webhook_endpoints (created_at desc, id desc)');

    this.addSql(`
      create table webhook_deliveries (
        id uuid primary key,
        endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
        event_sequence bigint not null references events (sequence),
        event_type text not null,
        status text not null check (status in ('pending', 'succeeded', 'failed', 'exhausted')),
        attempt_count integer not null default 0,
        -- attempts since the delivery was (re)queued: the position in the retry schedule
        round_attempts integer not null default 0,
        next_attempt_at timestamptz(3),
        last_attempt_at timestamptz(3),
        last_status_code integer,
        -- set by redeliver and recover; a dispatcher turns it into a job and clears it
        wants_job boolean not null default false,
        -- the worker sending the next attempt, and until when that claim holds
        claim_token uuid,
        claimed_until timestamptz(3),
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        unique (endpoint_id, event_sequence)
      )`);
    this.addSql(
      'create index webhook_deliveries_status_idx on webhook_deliveries (endpoint_id, status, event_sequence desc)',
    );
    this.addSql('create index webhook_deliveries_wants_job_idx on webhook_deliveries (id) where wants_job');

    this.addSql(`
      create table webhook_attempts (
        delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
        number integer not null,
        attempted_at timestamptz(3) not null,
        status_code integer,
        duration_ms integer not null,
        response_body text,
        error text,
        primary key (delivery_id, number)
      )`);

    // How far dispatchers have turned events into deliveries. It starts at the end of the log:
    // endpoints only ever receive events committed after they were created.
    this.addSql(`
      create table webhook_dispatch_state (
        singleton boolean primary key default true check (singleton),
        last_sequence bigint not null
      )`);
    this.addSql(
      'insert into webhook_dispatch_state (singleton, last_sequence) select true, last_sequence from event_counter',
    );
  }
}
