import type { TimelineEntry } from '@takst/contract';
import { AssignmentEntity, type EntityManager, type PreviousTime } from '@takst/db';
import { notFound } from '../errors';
import { ISO_MS, selectRows } from '../lib/read-model';

const ts = (column: string) => `to_char(${column} at time zone 'UTC', ${ISO_MS})`;

interface InspectionRow {
  id: string;
  appraiserId: string;
  appraiserName: string;
  startsAt: string;
  endsAt: string;
  status: string;
  cancelReason: string | null;
  previousTimes: PreviousTime[];
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

function inspectionEntries(row: InspectionRow): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  // previous_times holds the times each reschedule replaced; the booking had the first of them.
  const times = [...row.previousTimes.map((p) => ({ startsAt: p.startsAt, endsAt: p.endsAt })), row];
  const booked = times[0] ?? row;
  entries.push({
    kind: 'inspection_booked',
    at: row.createdAt,
    inspectionId: row.id,
    appraiser: { id: row.appraiserId, name: row.appraiserName },
    startsAt: booked.startsAt,
    endsAt: booked.endsAt,
  });
  row.previousTimes.forEach((previous, i) => {
    const next = times[i + 1] ?? row;
    entries.push({
      kind: 'inspection_rescheduled',
      at: previous.changedAt,
      inspectionId: row.id,
      from: { startsAt: previous.startsAt, endsAt: previous.endsAt },
      to: { startsAt: next.startsAt, endsAt: next.endsAt },
    });
  });
  if (row.status === 'cancelled') {
    entries.push({ kind: 'inspection_cancelled', at: row.updatedAt, inspectionId: row.id, reason: row.cancelReason });
  }
  if (row.completedAt) entries.push({ kind: 'inspection_completed', at: row.completedAt, inspectionId: row.id });
  return entries;
}

interface ReportRow {
  id: string;
  number: number;
  createdAt: string;
  submittedAt: string | null;
  approvedAt: string | null;
  deliveredAt: string | null;
}

function reportEntries(row: ReportRow): TimelineEntry[] {
  const steps = [
    ['report_drafted', row.createdAt],
    ['report_submitted', row.submittedAt],
    ['report_approved', row.approvedAt],
    ['report_delivered', row.deliveredAt],
  ] as const;
  return steps.flatMap(([kind, at]) => (at ? [{ kind, at, reportId: row.id, number: row.number }] : []));
}

/** Status changes, inspections, report versions and notes of one assignment, oldest first. */
export async function assignmentTimeline(em: EntityManager, assignmentId: string): Promise<TimelineEntry[]> {
  if ((await em.count(AssignmentEntity, { id: assignmentId })) === 0) {
    throw notFound('ASSIGNMENT_NOT_FOUND', `No assignment with id ${assignmentId}`);
  }
  const params = [assignmentId];
  const [statusChanges, inspections, reports, notes] = await Promise.all([
    selectRows<{ at: string; from: string; to: string; reason: string | null; actor: string }>(
      em,
      `select ${ts('changed_at')} as at, from_status as "from", to_status as "to", reason, actor_name as actor
       from assignment_status_changes where assignment_id = ? order by changed_at, id`,
      params,
    ),
    selectRows<InspectionRow>(
      em,
      `select i.id, i.appraiser_id as "appraiserId", ap.name as "appraiserName", ${ts('i.starts_at')} as "startsAt",
         ${ts('i.ends_at')} as "endsAt", i.status, i.cancel_reason as "cancelReason", i.previous_times as "previousTimes",
         ${ts('i.created_at')} as "createdAt", ${ts('i.updated_at')} as "updatedAt", ${ts('i.completed_at')} as "completedAt"
       from inspections i join appraisers ap on ap.id = i.appraiser_id where i.assignment_id = ?`,
      params,
    ),
    selectRows<ReportRow>(
      em,
      `select id, number, ${ts('created_at')} as "createdAt", ${ts('submitted_at')} as "submittedAt",
         ${ts('approved_at')} as "approvedAt", ${ts('delivered_at')} as "deliveredAt"
       from report_versions where assignment_id = ?`,
      params,
    ),
    selectRows<{ id: string; at: string; author: string; sourceSystem: string | null; text: string }>(
      em,
      `select id, ${ts('created_at')} as at, author, source_system as "sourceSystem", text
       from notes where assignment_id = ?`,
      params,
    ),
  ]);
  const entries: TimelineEntry[] = [
    ...statusChanges.map((s) => ({ kind: 'status_changed' as const, ...s }) as TimelineEntry),
    ...inspections.flatMap(inspectionEntries),
    ...reports.flatMap(reportEntries),
    ...notes.map((n) => ({
      kind: 'note_added' as const,
      at: n.at,
      noteId: n.id,
      author: n.author,
      sourceSystem: n.sourceSystem,
      text: n.text,
    })),
  ];
  // ISO strings of one format sort as the times they name; a stable sort keeps same-time order.
  return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
