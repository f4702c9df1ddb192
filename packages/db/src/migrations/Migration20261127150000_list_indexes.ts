import { Migration } from '@mikro-orm/migrations';

/** Statuses of work not yet done: a few percent of all assignments, and most of them recent. */
const ACTIVE_STATUSES = ['received', 'confirmed', 'inspection_booked', 'inspected', 'drafting', 'in_review', 'on_hold'];
const active = `status in (${ACTIVE_STATUSES.map((status) => `'${status}'`).join(', ')})`;
const DUE = "(coalesce(due_date, 'infinity'::date))";

/**
 * Indexes for `assignments.list` at a million rows (measured in docs/performance.md).
 *
 * - The two sort indexes and the updated-at index carry id, created, due and updated, so a list
 *   filtered on those columns alone is served by one index without reading table rows: a keyset
 *   walk that skips many rows (a created-at range sorted by due date) or gathering every match of
 *   a range to sort it. Due date is included beside the coalesce() key because an index-only scan
 *   reads columns, not expressions. They replace the narrower indexes of earlier migrations.
 * - Active statuses are a few percent of the rows and sit at the recent end of both sorts; a
 *   partial index per sort walks them without skipping the finished rest.
 */
export class Migration20261127150000_list_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create index assignments_created_cover_idx on assignments (created_at desc, id desc) include (due_date, updated_at)',
    );
    this.addSql(
      `create index assignments_due_cover_idx on assignments (${DUE}, id) include (due_date, created_at, updated_at)`,
    );
    this.addSql(
      'create index assignments_updated_cover_idx on assignments (updated_at) include (id, created_at, due_date)',
    );
    this.addSql('drop index assignments_created_at_id_idx');
    this.addSql('drop index assignments_due_id_idx');
    this.addSql('drop index assignments_updated_at_idx');
    this.addSql(
      `create index assignments_active_created_idx on assignments (created_at desc, id desc) where ${active}`,
    );
    this.addSql(`create index assignments_active_due_idx on assignments (${DUE}, id) where ${active}`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index assignments_active_due_idx');
    this.addSql('drop index assignments_active_created_idx');
    this.addSql('create index assignments_updated_at_idx on assignments (updated_at)');
    this.addSql('drop index assignments_updated_cover_idx');
    this.addSql("create index assignments_due_id_idx on assignments ((coalesce(due_date, 'infinity'::date)), id)");
    this.addSql('create index assignments_created_at_id_idx on assignments (created_at desc, id desc)');
    this.addSql('drop index assignments_due_cover_idx');
    this.addSql('drop index assignments_created_cover_idx');
  }
}
