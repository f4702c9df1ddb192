import { Migration } from '@mikro-orm/migrations';

/** Rules the API already keeps, now kept by the database too, whatever writes the rows. */
export class Migration20261127170000_party_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table parties add constraint parties_person_without_organization_number
      check (kind = 'organization' or organization_number is null)`);
    this.addSql(`alter table inspections add constraint inspections_at_most_twelve_hours
      check (ends_at - starts_at <= interval '12 hours')`);
  }
}
