import { Migration } from '@mikro-orm/migrations';

/**
 * The assignment domain: properties, parties, appraisers, inspections, report versions, notes,
 * status history and the audit log. Property and client move out of the assignment row into
 * their own tables (existing rows are carried over).
 */
export class Migration20261127130000_domain extends Migration {
  override async up(): Promise<void> {
    this.addSql('create extension if not exists pg_trgm');
    this.addSql('create extension if not exists btree_gist');

    this.addSql(`
      create table properties (
        id uuid primary key,
        municipality text,
        gnr integer,
        bnr integer,
        fnr integer,
        snr integer,
        cadastre_id text unique,
        cooperative_organization_number text,
        share_number text,
        street text not null,
        postal_code text not null,
        city text not null,
        unit_number text,
        building_year integer,
        building_type text,
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint properties_cadastre_complete check (
          cadastre_id is null or (municipality is not null and gnr is not null and bnr is not null
            and fnr is not null and snr is not null)),
        constraint properties_one_identity check (cadastre_id is null or cooperative_organization_number is null),
        constraint properties_share_complete check ((cooperative_organization_number is null) = (share_number is null))
      )`);
    this.addSql(`create unique index properties_share_key on properties (cooperative_organization_number, share_number)
      where cooperative_organization_number is not null`);
    this.addSql('create index properties_municipality_gnr_bnr_idx on properties (municipality, gnr, bnr)');
    this.addSql('create index properties_created_at_id_idx on properties (created_at desc, id desc)');
    this.addSql(`create index properties_address_trgm_idx on properties
      using gin (lower(street || ' ' || postal_code || ' ' || city) gin_trgm_ops)`);

    this.addSql(`
      create table parties (
        id uuid primary key,
        kind text not null check (kind in ('person', 'organization')),
        name text not null,
        email text,
        phone text,
        organization_number text,
        street text,
        postal_code text,
        city text,
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql(`create unique index parties_organization_number_key on parties (organization_number)
      where organization_number is not null`);
    this.addSql('create index parties_created_at_id_idx on parties (created_at desc, id desc)');
    this.addSql('create index parties_name_trgm_idx on parties using gin (lower(name) gin_trgm_ops)');

    this.addSql(`
      create table appraisers (
        id uuid primary key,
        name text not null,
        email text,
        phone text,
        active boolean not null default true,
        certifications jsonb not null default '[]',
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null
      )`);
    this.addSql('create index appraisers_created_at_id_idx on appraisers (created_at desc, id desc)');

    // Carry the issue-2 assignment columns over: one property per cadastre identity (or per
    // assignment without one), one party per client.
    this.addSql(`
      alter table assignments
        add column property_id uuid,
        add column client_id uuid,
        add column payer_id uuid,
        add column broker_id uuid,
        add column appraiser_id uuid references appraisers,
        add column status_before_hold text,
        add column municipality text,
        add column search_text text not null default ''`);
    this.addSql(`
      insert into properties (id, municipality, gnr, bnr, fnr, snr, cadastre_id, street, postal_code, city,
        created_at, updated_at)
      select distinct on (coalesce(cadastre, a.id::text))
        a.id, a.cadastre_municipality, a.cadastre_gnr, a.cadastre_bnr, a.cadastre_fnr, a.cadastre_snr, cadastre,
        a.property_street, a.property_postal_code, a.property_city, a.created_at, a.created_at
      from (select *, case when cadastre_municipality is not null then cadastre_municipality || '-' || cadastre_gnr
              || '-' || cadastre_bnr || '-' || coalesce(cadastre_fnr, 0) || '-' || coalesce(cadastre_snr, 0) end as cadastre
            from assignments) a
      order by coalesce(cadastre, a.id::text), a.created_at`);
    this.addSql(`
      update assignments a set property_id = p.id
      from properties p
      where p.cadastre_id = a.cadastre_municipality || '-' || a.cadastre_gnr || '-' || a.cadastre_bnr || '-'
        || coalesce(a.cadastre_fnr, 0) || '-' || coalesce(a.cadastre_snr, 0)`);
    this.addSql('update assignments set property_id = id where property_id is null');
    this.addSql(`
      insert into parties (id, kind, name, email, phone, organization_number, created_at, updated_at)
      select distinct on (coalesce(client_organization_number, id::text))
        id, case when client_organization_number is null then 'person' else 'organization' end,
        client_name, client_email, client_phone, client_organization_number, created_at, created_at
      from assignments
      order by coalesce(client_organization_number, id::text), created_at`);
    this.addSql(`
      update assignments a set client_id = p.id from parties p
      where p.organization_number = a.client_organization_number`);
    this.addSql('update assignments set client_id = id where client_id is null');
    this.addSql('update assignments set payer_id = client_id');
    // Nothing could put an assignment on hold before this migration, but imported rows may be.
    this.addSql(`update assignments set status_before_hold = 'received' where status = 'on_hold'`);
    this.addSql(`
      alter table assignments
        drop column property_street, drop column property_postal_code, drop column property_city,
        drop column cadastre_municipality, drop column cadastre_gnr, drop column cadastre_bnr,
        drop column cadastre_fnr, drop column cadastre_snr,
        drop column client_name, drop column client_email, drop column client_phone,
        drop column client_organization_number,
        alter column property_id set not null,
        alter column client_id set not null,
        alter column payer_id set not null,
        add constraint assignments_property_fk foreign key (property_id) references properties,
        add constraint assignments_client_fk foreign key (client_id) references parties,
        add constraint assignments_payer_fk foreign key (payer_id) references parties,
        add constraint assignments_broker_fk foreign key (broker_id) references parties,
        add constraint assignments_status_before_hold_check check (
          (status = 'on_hold') = (status_before_hold is not null))`);

    // Filter and search columns, kept by triggers so that every write path (bulk ones too)
    // leaves them right: the municipality of the property, and the text `q` searches.
    this.addSql(`
      create function assignment_search_fields() returns trigger language plpgsql as $$
      begin
        select p.municipality, lower(concat_ws(' ', new.reference, p.street, p.postal_code, p.city, c.name))
          into new.municipality, new.search_text
          from properties p, parties c
          where p.id = new.property_id and c.id = new.client_id;
        -- A missing property or client fails on its foreign key; this only keeps the column not null.
        new.search_text := coalesce(new.search_text, '');
        return new;
      end $$`);
    this.addSql(`
      create trigger assignments_search_fields before insert or update of property_id, client_id, reference
      on assignments for each row execute function assignment_search_fields()`);
    this.addSql(`
      create function refresh_assignment_search_fields() returns trigger language plpgsql as $$
      begin
        if tg_table_name = 'properties' then
          update assignments set property_id = property_id where property_id = new.id;
        else
          update assignments set client_id = client_id where client_id = new.id;
        end if;
        return null;
      end $$`);
    this.addSql(`
      create trigger properties_refresh_assignments after update of street, postal_code, city, municipality
      on properties for each row execute function refresh_assignment_search_fields()`);
    this.addSql(`
      create trigger parties_refresh_assignments after update of name
      on parties for each row execute function refresh_assignment_search_fields()`);
    this.addSql('update assignments set property_id = property_id');

    // Keyset indexes: one per filter that narrows a lot, for each sort; status and type narrow
    // little and are filtered while walking the sort index.
    this.addSql("create index assignments_due_id_idx on assignments ((coalesce(due_date, 'infinity'::date)), id)");
    this.addSql('create index assignments_updated_at_idx on assignments (updated_at)');
    for (const column of ['appraiser_id', 'client_id', 'municipality']) {
      const name = column.replace('_id', '');
      this.addSql(`create index assignments_${name}_created_idx on assignments (${column}, created_at desc, id desc)`);
      this.addSql(
        `create index assignments_${name}_due_idx on assignments (${column}, (coalesce(due_date, 'infinity'::date)), id)`,
      );
    }
    this.addSql('create index assignments_property_idx on assignments (property_id)');
    this.addSql('create index assignments_search_trgm_idx on assignments using gin (search_text gin_trgm_ops)');

    this.addSql(`
      create table assignment_status_changes (
        id uuid primary key,
        assignment_id uuid not null references assignments,
        from_status text not null,
        to_status text not null,
        reason text,
        actor_id uuid,
        actor_name text not null,
        request_id text,
        changed_at timestamptz(3) not null
      )`);
    this.addSql(
      'create index assignment_status_changes_assignment_idx on assignment_status_changes (assignment_id, changed_at, id)',
    );

    this.addSql(`
      create table inspections (
        id uuid primary key,
        assignment_id uuid not null references assignments,
        appraiser_id uuid not null references appraisers,
        starts_at timestamptz(3) not null,
        ends_at timestamptz(3) not null,
        status text not null check (status in ('booked', 'rescheduled', 'cancelled', 'completed')),
        source_system text,
        external_id text,
        cancel_reason text,
        previous_times jsonb not null default '[]',
        completed_at timestamptz(3),
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        constraint inspections_time_order check (ends_at > starts_at),
        -- One appraiser cannot be at two open inspections at once; enforced by the database, so
        -- concurrent bookings cannot both slip through.
        constraint inspections_no_overlap exclude using gist (
          appraiser_id with =, tstzrange(starts_at, ends_at) with &&) where (status in ('booked', 'rescheduled'))
      )`);
    this.addSql('create index inspections_assignment_idx on inspections (assignment_id, starts_at)');
    this.addSql('create index inspections_appraiser_starts_idx on inspections (appraiser_id, starts_at, id)');
    this.addSql('create index inspections_starts_idx on inspections (starts_at, id)');

    this.addSql(`
      create table report_versions (
        id uuid primary key,
        assignment_id uuid not null references assignments,
        number integer not null,
        kind text not null check (kind in ('condition', 'valuation', 'energy', 'area')),
        status text not null check (status in ('draft', 'submitted', 'approved', 'delivered')),
        content jsonb not null,
        author_id uuid not null references appraisers,
        reviewer_id uuid references appraisers,
        revises_id uuid references report_versions,
        submitted_at timestamptz(3),
        approved_at timestamptz(3),
        delivered_at timestamptz(3),
        version integer not null default 1,
        created_at timestamptz(3) not null,
        updated_at timestamptz(3) not null,
        unique (assignment_id, number)
      )`);
    // At most one version in work per assignment; delivered ones are history.
    this.addSql(`create unique index report_versions_one_open_idx on report_versions (assignment_id)
      where status <> 'delivered'`);

    this.addSql(`
      create table notes (
        id uuid primary key,
        assignment_id uuid not null references assignments,
        author text not null,
        source_system text,
        text text not null,
        actor_id uuid,
        created_at timestamptz(3) not null
      )`);
    this.addSql('create index notes_assignment_idx on notes (assignment_id, created_at, id)');

    this.addSql(`
      create table audit_log (
        id uuid primary key,
        entity_type text not null,
        entity_id uuid not null,
        action text not null,
        actor_id uuid,
        actor_name text not null,
        request_id text,
        changes jsonb not null,
        occurred_at timestamptz(3) not null
      )`);
    this.addSql('create index audit_log_entity_idx on audit_log (entity_type, entity_id, occurred_at desc, id desc)');
    this.addSql('create index audit_log_entity_id_idx on audit_log (entity_id, occurred_at desc, id desc)');
    this.addSql('create index audit_log_actor_idx on audit_log (actor_id, occurred_at desc, id desc)');
    this.addSql('create index audit_log_occurred_idx on audit_log (occurred_at desc, id desc)');
  }
}
