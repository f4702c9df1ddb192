import type { InspectionDto, InspectionStatus } from '@takst/contract';
import type { Inspection } from '@takst/db';

type Timestamps = 'startsAt' | 'endsAt' | 'completedAt' | 'createdAt' | 'updatedAt';
type Timestamp = Date | string;

/** An inspection entity, or a read-model row of one (timestamps as ISO strings). */
export type InspectionRecord = Omit<Inspection, Timestamps> & {
  startsAt: Timestamp;
  endsAt: Timestamp;
  completedAt?: Timestamp | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
};

const iso = (value: Timestamp) => (typeof value === 'string' ? value : value.toISOString());

export function toInspectionDto(i: InspectionRecord, appraiserName: string): InspectionDto {
  return {
    id: i.id,
    assignmentId: i.assignmentId,
    appraiser: { id: i.appraiserId, name: appraiserName },
    startsAt: iso(i.startsAt),
    endsAt: iso(i.endsAt),
    status: i.status as InspectionStatus,
    sourceSystem: i.sourceSystem ?? null,
    externalId: i.externalId ?? null,
    cancelReason: i.cancelReason ?? null,
    previousTimes: i.previousTimes.map((t) => ({ startsAt: t.startsAt, endsAt: t.endsAt, changedAt: t.changedAt })),
    completedAt: i.completedAt ? iso(i.completedAt) : null,
    version: i.version,
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
  };
}
