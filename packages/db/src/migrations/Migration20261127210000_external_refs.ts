import { Migration } from '@mikro-orm/migrations';

/**
 * External references: the id a connected system (booking, support, accounting) gives an
 * assignment, party, property or inspection, so it can find and upsert it without keeping a
 * mapping of its own. One system's id means one entity per entity type.
 */
export class Migration20261127210000_external_refs extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table external_refs (
        id uuid primary key,
        entity_type text not null check (entity_type in ('assignment', 'party', 'property', 'inspection')),
        system text not null check (system ~ '^[a-z0-9_.-]{1,100}$'),
        external_id text not null check (char_length(external_id) between 1 and 200),
        entity_id uuid not null,
        created_at timestamptz(3) not null,
        -- System and id lead, so the same index serves a lookup that does not name the entity type.
        constraint external_refs_unique unique (system, external_id, entity_type)
      )`);
    this.addSql('create index external_refs_entity_idx on external_refs (entity_id)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table external_refs');
  }
}
