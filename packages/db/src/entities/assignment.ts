import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * The assignment (oppdrag). Property and client sit in columns on the row for now; they become
 * their own entities when the domain model grows (properties, parties).
 */
export const AssignmentEntity = defineEntity({
  name: 'Assignment',
  tableName: 'assignments',
  properties: {
    id: p.uuid().primary(),
    reference: p.string().unique(),
    type: p.string(),
    status: p.string(),
    version: p.integer().version(),
    propertyStreet: p.string(),
    propertyPostalCode: p.string(),
    propertyCity: p.string(),
    cadastreMunicipality: p.string().nullable(),
    cadastreGnr: p.integer().nullable(),
    cadastreBnr: p.integer().nullable(),
    cadastreFnr: p.integer().nullable(),
    cadastreSnr: p.integer().nullable(),
    clientName: p.string(),
    clientEmail: p.string().nullable(),
    clientPhone: p.string().nullable(),
    clientOrganizationNumber: p.string().nullable(),
    dueDate: p.date().nullable(),
    notes: p.text().nullable(),
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
  },
});

export type Assignment = InferEntity<typeof AssignmentEntity>;
