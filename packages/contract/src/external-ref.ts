import { z } from 'zod';
import { assignmentSchema, createAssignmentInput } from './assignment';
import { boundedText, idSchema, timestampSchema } from './common';
import { checkTimeSlot, inspectionSchema } from './inspection';
import { partyInputSchema, partySchema } from './party';
import { propertySchema } from './property';

// Everything about external references lives here, importing the domain schemas; the domain
// files do not import this one, so the modules form no cycle.

export const EXTERNAL_REF_ENTITY_TYPES = ['assignment', 'party', 'property', 'inspection'] as const;
export const externalRefEntityTypeSchema = z.enum(EXTERNAL_REF_ENTITY_TYPES);

/** A connected system's name, e.g. `booking`, `zendesk`, `tripletex.prod`. */
export const externalSystemSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_.-]+$/, 'A system name holds lower-case letters, digits, _ . and - only');

/** The id the system gives the thing; unique per system and entity type. */
export const externalRefSchema = z.object({
  system: externalSystemSchema,
  externalId: boundedText(200),
});

const expectedVersion = z.number().int().min(1);

export const externalRefRecordSchema = externalRefSchema.extend({
  entityType: externalRefEntityTypeSchema,
  entityId: idSchema,
  createdAt: timestampSchema,
});

/** Without `entityType`, the reference must name one entity; with it, the one of that type. */
export const resolveExternalRefInput = externalRefSchema.extend({ entityType: externalRefEntityTypeSchema.optional() });

export const resolveExternalRefOutput = z.discriminatedUnion('entityType', [
  z.object({ entityType: z.literal('assignment'), entityId: idSchema, entity: assignmentSchema }),
  z.object({ entityType: z.literal('party'), entityId: idSchema, entity: partySchema }),
  z.object({ entityType: z.literal('property'), entityId: idSchema, entity: propertySchema }),
  z.object({ entityType: z.literal('inspection'), entityId: idSchema, entity: inspectionSchema }),
]);

export const linkExternalRefInput = externalRefSchema.extend({
  entityType: externalRefEntityTypeSchema,
  entityId: idSchema,
});
export const linkExternalRefOutput = z.object({ ref: externalRefRecordSchema, created: z.boolean() });

export const listExternalRefsInput = z.object({ entityType: externalRefEntityTypeSchema, entityId: idSchema });
export const listExternalRefsOutput = z.object({ items: z.array(externalRefRecordSchema) });

/**
 * Creates the assignment the reference names, or updates it with the given fields as
 * `assignments.update` would (an `appraiserId` as `assignments.assign` would). `expectedVersion`,
 * when given, is checked against an existing assignment.
 */
export const upsertAssignmentByExternalRefInput = externalRefSchema.extend({
  assignment: createAssignmentInput,
  expectedVersion: expectedVersion.optional(),
});
export const upsertAssignmentByExternalRefOutput = z.object({
  assignment: assignmentSchema,
  created: z.boolean(),
  changed: z.boolean(),
});

export const upsertPartyByExternalRefInput = externalRefSchema.extend({
  party: partyInputSchema,
  expectedVersion: expectedVersion.optional(),
});
export const upsertPartyByExternalRefOutput = z.object({
  party: partySchema,
  created: z.boolean(),
  changed: z.boolean(),
});

/** The assignment by id, or by its own external reference. */
export const inspectionByExternalRefSchema = z
  .object({
    assignmentId: idSchema.optional(),
    assignmentRef: externalRefSchema.optional(),
    appraiserId: idSchema,
    startsAt: timestampSchema,
    endsAt: timestampSchema,
  })
  .superRefine((value, ctx) => {
    if ((value.assignmentId === undefined) === (value.assignmentRef === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['assignmentId'], message: 'Give assignmentId or assignmentRef' });
    }
    checkTimeSlot(value, ctx);
  });

/** Books the inspection the reference names, or moves it to the given time (keeping the old one). */
export const upsertInspectionByExternalRefInput = externalRefSchema.extend({
  inspection: inspectionByExternalRefSchema,
  expectedVersion: expectedVersion.optional(),
});
export const upsertInspectionByExternalRefOutput = z.object({
  inspection: inspectionSchema,
  created: z.boolean(),
  changed: z.boolean(),
});

export type ExternalRefEntityType = z.output<typeof externalRefEntityTypeSchema>;
export type ExternalRefInput = z.output<typeof externalRefSchema>;
export type ExternalRefRecord = z.output<typeof externalRefRecordSchema>;
export type ResolveExternalRefInput = z.output<typeof resolveExternalRefInput>;
export type ResolveExternalRefOutput = z.output<typeof resolveExternalRefOutput>;
export type LinkExternalRefInput = z.output<typeof linkExternalRefInput>;
export type ListExternalRefsInput = z.output<typeof listExternalRefsInput>;
export type UpsertAssignmentByExternalRefInput = z.output<typeof upsertAssignmentByExternalRefInput>;
export type UpsertPartyByExternalRefInput = z.output<typeof upsertPartyByExternalRefInput>;
export type UpsertInspectionByExternalRefInput = z.output<typeof upsertInspectionByExternalRefInput>;
