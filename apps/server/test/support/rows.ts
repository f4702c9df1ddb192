import { uuidv7 } from '@takst/api';
import { query } from './database';

// Rows written straight to the database, to put an assignment into a state quickly; the
// procedures that make them normally are tested in their own files.

export async function insertAppraiser(
  url: string,
  certifications: { area: string; validFrom: string; validTo: string | null }[] = [],
  active = true,
): Promise<string> {
  const id = uuidv7();
  await query(
    url,
    `insert into appraisers (id, name, active, certifications, created_at, updated_at)
     values ($1, $2, $3, $4, now(), now())`,
    [id, `Appraiser ${id.slice(-4)}`, active, JSON.stringify(certifications)],
  );
  return id;
}

export async function insertInspection(url: string, assignmentId: string, appraiserId: string, status: string) {
  const id = uuidv7();
  const startsAt = new Date(Date.now() + Math.floor(Math.random() * 1e9) * 1000);
  await query(
    url,
    `insert into inspections (id, assignment_id, appraiser_id, starts_at, ends_at, status, completed_at, created_at, updated_at)
     values ($1, $2, $3, $4, $4::timestamptz + interval '1 hour', $5, $6, now(), now())`,
    [id, assignmentId, appraiserId, startsAt, status, status === 'completed' ? new Date() : null],
  );
  return id;
}

export async function insertReport(url: string, assignmentId: string, authorId: string, status: string, number = 1) {
  const id = uuidv7();
  await query(
    url,
    `insert into report_versions (id, assignment_id, number, kind, status, content, author_id, created_at, updated_at)
     values ($1, $2, $3, 'condition', $4, '{"kind":"condition","standardVersion":"NS3600:2018","items":[]}', $5, now(), now())`,
    [id, assignmentId, number, status, authorId],
  );
  return id;
}

export async function setStatus(
  url: string,
  assignmentId: string,
  status: string,
  statusBeforeHold: string | null = null,
) {
  await query(url, 'update assignments set status = $2, status_before_hold = $3 where id = $1', [
    assignmentId,
    status,
    statusBeforeHold,
  ]);
}
