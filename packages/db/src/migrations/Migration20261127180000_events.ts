import { Migration } from '@mikro-orm/migrations';

/**
 * The event log: every change, numbered in commit order. The number comes from a one-row
 * counter updated by a trigger when the event is inserted; the row lock holds until commit, so
 * transactions that write events commit in the order of their numbers, a reader polling
 * `sequence > n` never skips one that commits late, and a rolled-back transaction leaves no gap.
 */
export class Migration20261127180000_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table events (
        sequence bigint primary key,
        id uuid not null unique,
        type text not null,
        entity_type text not null,
        entity_id uuid not null,
        data jsonb not null,
        changes jsonb not null default '{}',
        reason text,
        actor_id uuid,
        actor_name text not null,
        request_id text,
        occurred_at timestamptz(3) not null
      )`);
    this.addSql('create index events_type_sequence_idx on events (type, sequence)');
    this.addSql('create index events_entity_sequence_idx on events (entity_id, sequence)');
    this.addSql(`create table event_counter (
        singleton boolean primary key default true check (singleton),
        last_sequence bigint not null)`);
    this.addSql('insert into event_counter (singleton, last_sequence) values (true, 0)');
    this.addSql(`
      create function assign_event_sequence() returns trigger language plpgsql as $$
      begin
        update event_counter set last_sequence = last_sequence + 1 returning last_sequence into new.sequence;
        return new;
      end $$`);
    this.addSql(
      'create trigger events_assign_sequence before insert on events for each row execute function assign_event_sequence()',
    );
    // Listeners (live subscriptions, webhook dispatch) hear of new events when they commit.
    this.addSql(`
      create function notify_event() returns trigger language plpgsql as $$
      begin
        perform pg_notify('takst_events', new.sequence::text);
        return null;
      end $$`);
    this.addSql('create trigger events_notify after insert on events for each row execute function notify_event()');
  }
}
