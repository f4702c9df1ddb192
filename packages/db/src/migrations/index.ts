import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127000000_foundation } from './Migration20261127000000_foundation';
import { Migration20261127130000_domain } from './Migration20261127130000_domain';
import { Migration20261127150000_list_indexes } from './Migration20261127150000_list_indexes';
import { Migration20261127170000_party_checks } from './Migration20261127170000_party_checks';
import { Migration20261127180000_events } from './Migration20261127180000_events';
import { Migration20261127190000_idempotency } from './Migration20261127190000_idempotency';
import { Migration20261127200000_webhooks } from './Migration20261127200000_webhooks';
import { Migration20261127210000_external_refs } from './Migration20261127210000_external_refs';
import { Migration20261127220000_bulk } from './Migration20261127220000_bulk';
import { Migration20261127230000_webhook_backlog } from './Migration20261127230000_webhook_backlog';
import { Migration20261204000000_people } from './Migration20261204000000_people';
import { Migration20261205000000_note_external_ids } from './Migration20261205000000_note_external_ids';
import { Migration20261206000000_sealed_webhook_secrets } from './Migration20261206000000_sealed_webhook_secrets';
import { Migration20261207000000_rate_limit_buckets } from './Migration20261207000000_rate_limit_buckets';

/** Listed explicitly (not discovered from the file system) so the server can be bundled. */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127000000_foundation', class: Migration20261127000000_foundation },
  { name: 'Migration20261127130000_domain', class: Migration20261127130000_domain },
  { name: 'Migration20261127150000_list_indexes', class: Migration20261127150000_list_indexes },
  { name: 'Migration20261127170000_party_checks', class: Migration20261127170000_party_checks },
  { name: 'Migration20261127180000_events', class: Migration20261127180000_events },
  { name: 'Migration20261127190000_idempotency', class: Migration20261127190000_idempotency },
  { name: 'Migration20261127200000_webhooks', class: Migration20261127200000_webhooks },
  { name: 'Migration20261127210000_external_refs', class: Migration20261127210000_external_refs },
  { name: 'Migration20261127220000_bulk', class: Migration20261127220000_bulk },
  { name: 'Migration20261127230000_webhook_backlog', class: Migration20261127230000_webhook_backlog },
  { name: 'Migration20261204000000_people', class: Migration20261204000000_people },
  { name: 'Migration20261205000000_note_external_ids', class: Migration20261205000000_note_external_ids },
  { name: 'Migration20261206000000_sealed_webhook_secrets', class: Migration20261206000000_sealed_webhook_secrets },
  { name: 'Migration20261207000000_rate_limit_buckets', class: Migration20261207000000_rate_limit_buckets },
];
