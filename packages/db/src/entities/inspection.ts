import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export interface PreviousTime {
  startsAt: string;
  endsAt: string;
  changedAt: string;
}

/** An inspection (befaring), booked in the booking tool and mirrored here. */
export const InspectionEntity = defineEntity({
  name: 'Inspection',
  tableName: 'inspections',
  properties: {
    id: p.uuid().primary(),
    assignmentId: p.uuid(),
    appraiserId: p.uuid(),
    startsAt: p.datetime(3),
    endsAt: p.datetime(3),
    status: p.string(),
    sourceSystem: p.string().nullable(),
    externalId: p.string().nullable(),
    cancelReason: p.text().nullable(),
    previousTimes: p.json<PreviousTime[]>(),
    completedAt: p.datetime(3).nullable(),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Inspection = InferEntity<typeof InspectionEntity>;
