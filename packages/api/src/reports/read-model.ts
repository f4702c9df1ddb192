import type { EntityManager } from '@takst/db';
import { selectListFor, selectRows } from '../lib/read-model';
import type { ReportRecord } from './mapper';

let selectList: string | undefined;
const columns = (em: EntityManager) => {
  selectList ??= selectListFor(em, 'ReportVersion', 'r');
  return selectList;
};

export async function findReportRow(em: EntityManager, id: string): Promise<ReportRecord | undefined> {
  const rows = await selectRows<ReportRecord>(em, `select ${columns(em)} from report_versions r where r.id = ?`, [id]);
  return rows[0];
}

/** Every version of an assignment's report, first to last. */
export async function listReportRows(em: EntityManager, assignmentId: string): Promise<ReportRecord[]> {
  return selectRows<ReportRecord>(
    em,
    `select ${columns(em)} from report_versions r where r.assignment_id = ? order by r.number`,
    [assignmentId],
  );
}
