import { Migration } from '@mikro-orm/migrations';

/**
 * A note copied from a connected system keeps that system's id, so a connector that delivers the
 * same comment twice (a redelivered webhook, a restart) adds one note. Unique per assignment: one
 * comment may be copied to two assignments.
 */
export class Migration20261205000000_note_external_ids extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table notes add column external_id text');
    this.addSql(
      `create unique index notes_external_id_idx on notes (assignment_id, source_system, external_id)
       where external_id is not null`,
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop index notes_external_id_idx');
    this.addSql('alter table notes drop column external_id');
  }
}
