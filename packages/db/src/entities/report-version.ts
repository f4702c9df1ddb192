import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** One version of an assignment's report. A delivered version is never written again. */
export const ReportVersionEntity = defineEntity({
  name: 'ReportVersion',
  tableName: 'report_versions',
  properties: {
    id: p.uuid().primary(),
    assignmentId: p.uuid(),
    number: p.integer(),
    kind: p.string(),
    status: p.string(),
    content: p.json<Record<string, unknown>>(),
    authorId: p.uuid(),
    reviewerId: p.uuid().nullable(),
    /** The users who wrote and reviewed this version, where people did (not API clients alone). */
    authorUserId: p.uuid().nullable(),
    reviewerUserId: p.uuid().nullable(),
    revisesId: p.uuid().nullable(),
    submittedAt: p.datetime(3).nullable(),
    approvedAt: p.datetime(3).nullable(),
    deliveredAt: p.datetime(3).nullable(),
    version: p.integer().version(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type ReportVersion = InferEntity<typeof ReportVersionEntity>;
