import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * The assignment (oppdrag). Property, parties and appraiser are referenced by id; the read
 * model joins what the DTO shows. `municipality` and `searchText` are kept by database triggers.
 */
export const AssignmentEntity = defineEntity({
  name: 'Assignment',
  tableName: 'assignments',
  properties: {
    id: p.uuid().primary(),
    reference: p.string().unique(),
    type: p.string(),
    status: p.string(),
    statusBeforeHold: p.string().nullable(),
    version: p.integer().version(),
    propertyId: p.uuid(),
    clientId: p.uuid(),
    payerId: p.uuid(),
    brokerId: p.uuid().nullable(),
    appraiserId: p.uuid().nullable(),
    dueDate: p.date().nullable(),
    notes: p.text().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Assignment = InferEntity<typeof AssignmentEntity>;
