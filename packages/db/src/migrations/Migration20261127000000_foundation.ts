import { Migration } from '@mikro-orm/migrations';

export class Migration20261127000000_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table api_clients (
        id uuid primary key,
        name text not null,
        key_hash text not null unique,
        key_prefix text not null,
        scopes text[] not null,
        created_at timestamptz(3) not null,
        last_used_at timestamptz(3),
        revoked_at timestamptz(3)
      )`);

    // One row a year; incremented under a row lock so references are gapless and unique.
    this.addSql(`
      create table reference_counters (
        year integer primary key,
        last_value integer not null
      )`);

    this.addSql(`
      create table assignments (
        id uuid primary key,
        reference text not null unique,
        type text not null,
        status text not null,
        version integer not null default 1,
        property_street text not null,
        property_postal_code text not null,
        property_city text not null,
        cadastre_municipality text,
        cadastre_gnr integer,
        cadastre_bnr integer,
        cadastre_fnr integer,
        cadastre_snr integer,
        client_name text not null,
        client_email text,
        client_phone text,
        client_organization_number text,
        due_date date,
        notes text,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint assignments_type_check check (type in ('condition_report', 'valuation',
          'value_assessment', 'damage_assessment', 'complaint_report', 'energy_certificate',
          'area_measurement', 'pre_completion_valuation', 'handover_inspection')),
        constraint assignments_status_check check (status in ('received', 'confirmed',
          'inspection_booked', 'inspected', 'drafting', 'in_review', 'delivered', 'invoiced',
          'closed', 'on_hold', 'cancelled'))
      )`);
    this.addSql('create index assignments_created_at_id_idx on assignments (created_at desc, id desc)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table assignments');
    this.addSql('drop table reference_counters');
    this.addSql('drop table api_clients');
  }
}
