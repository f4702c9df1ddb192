import {
  conditionSummaryOf,
  type ReportContentDto,
  type ReportContentInput,
  type ReportDto,
  type ReportKind,
  type ReportStatus,
} from '@takst/contract';
import type { ReportVersion } from '@takst/db';

type Timestamp = Date | string;
type TimestampKey = 'submittedAt' | 'approvedAt' | 'deliveredAt' | 'createdAt' | 'updatedAt';

/** A report version entity, or a read-model row of one (timestamps as ISO strings). */
export type ReportRecord = Omit<ReportVersion, TimestampKey> & {
  submittedAt?: Timestamp | null;
  approvedAt?: Timestamp | null;
  deliveredAt?: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

const iso = (value: Timestamp) => (typeof value === 'string' ? value : value.toISOString());
const isoOrNull = (value: Timestamp | null | undefined) => (value == null ? null : iso(value));

/** The stored content was validated on the way in; a condition report gains its derived summary. */
export function toContentDto(stored: Record<string, unknown>): ReportContentDto {
  const content = stored as ReportContentInput;
  if (content.kind !== 'condition') return content;
  const { summary: _never, ...fields } = content;
  return { ...fields, summary: conditionSummaryOf(fields.items) };
}

export function toReportDto(r: ReportRecord): ReportDto {
  return {
    id: r.id,
    assignmentId: r.assignmentId,
    number: r.number,
    kind: r.kind as ReportKind,
    status: r.status as ReportStatus,
    content: toContentDto(r.content),
    authorId: r.authorId,
    authorUserId: r.authorUserId ?? null,
    reviewerId: r.reviewerId ?? null,
    reviewerUserId: r.reviewerUserId ?? null,
    revisesId: r.revisesId ?? null,
    submittedAt: isoOrNull(r.submittedAt),
    approvedAt: isoOrNull(r.approvedAt),
    deliveredAt: isoOrNull(r.deliveredAt),
    version: r.version,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
