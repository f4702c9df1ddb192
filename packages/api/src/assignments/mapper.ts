import type { AssignmentDto, AssignmentStatus, AssignmentType } from '@takst/contract';
import { type PartySummaryRecord, toPartySummary } from '../parties/mapper';
import { type PropertySummaryRecord, toPropertySummary } from '../properties/mapper';

/** An assignment as the read model returns it: its row with the summaries it refers to. */
export interface AssignmentRow {
  id: string;
  reference: string;
  type: string;
  status: string;
  statusBeforeHold: string | null;
  version: number;
  dueDate: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
  property: PropertySummaryRecord;
  client: PartySummaryRecord;
  payer: PartySummaryRecord;
  broker: PartySummaryRecord | null;
  appraiser: { id: string; name: string } | null;
}

export function toAssignmentDto(a: AssignmentRow): AssignmentDto {
  return {
    id: a.id,
    reference: a.reference,
    type: a.type as AssignmentType,
    status: a.status as AssignmentStatus,
    statusBeforeHold: (a.statusBeforeHold as AssignmentStatus | null) ?? null,
    version: a.version,
    property: toPropertySummary(a.property),
    client: toPartySummary(a.client),
    payer: toPartySummary(a.payer),
    broker: a.broker ? toPartySummary(a.broker) : null,
    appraiser: a.appraiser,
    dueDate: a.dueDate ?? null,
    notes: a.notes ?? null,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
