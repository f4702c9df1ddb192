import { Migration } from '@mikro-orm/migrations';

/**
 * Statuses of work not yet done: a few percent of all assignments, and most of them recent.
 * packages/api/src/assignments/read-model.ts keeps the same list to know when these indexes serve.
 */
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
 * - The read model picks its plan shape from the planner's estimate of how many rows a search
 *   word matches. For `like '%word%'` the planner counts matching entries of the column's
 *   histogram: 100 entries by default, so a word in 5 % of the rows was at times estimated at 1 %.
 *   1,000 entries make the estimate good to ~0.1 % (ANALYZE then samples 300,000 rows).
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
    this.addSql('alter table assignments alter column search_text set statistics 1000');
  }

  override async down(): Promise<void> {
    this.addSql('alter table assignments alter column search_text set statistics -1');
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
