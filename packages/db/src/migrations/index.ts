import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127000000_foundation } from './Migration20261127000000_foundation';
import { Migration20261127130000_domain } from './Migration20261127130000_domain';
import { Migration20261127170000_party_checks } from './Migration20261127170000_party_checks';
import { Migration20261127180000_events } from './Migration20261127180000_events';

/** Listed explicitly (not discovered from the file system) so the server can be bundled. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127000000_foundation', class: Migration20261127000000_foundation },
  { name: 'Migration20261127130000_domain', class: Migration20261127130000_domain },
  { name: 'Migration20261127170000_party_checks', class: Migration20261127170000_party_checks },
  { name: 'Migration20261127180000_events', class: Migration20261127180000_events },
];
