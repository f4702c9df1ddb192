import { z } from 'zod';
import { assignmentSchema, createAssignmentInput } from './assignment';
import { boundedText, expectedVersionSchema, idSchema, timestampSchema } from './common';
import { checkTimeSlot, inspectionSchema } from './inspection';
import { partyInputSchema, partySchema } from './party';
import { propertySchema } from './property';

// Everything about external references lives here, importing the domain schemas; the domain
// files do not import this one, so the modules form no cycle.

export const EXTERNAL_REF_ENTITY_TYPES = ['assignment', 'party', 'property', 'inspection'] as const;
export const externalRefEntityTypeSchema = z.enum(EXTERNAL_REF_ENTITY_TYPES).meta({
  description:
    'The kinds of entity a connected system can name by its own id: assignment, party, property, inspection.',
  examples: ['assignment'],
});

/** A connected system's name, e.g. `booking`, `zendesk`, `tripletex.prod`. */
export const externalSystemSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_.-]+$/, 'A system name holds lower-case letters, digits, _ . and - only')
  .meta({
    description: "A connected system's name: 1–100 lower-case letters, digits, `_`, `.` and `-`.",
    examples: ['booking'],
  });

const externalIdSchema = boundedText(200).meta({
  description: 'The id the system gives the thing, up to 200 characters; unique per system and entity type.',
  examples: ['CRM-104233'],
});

/** The id the system gives the thing; unique per system and entity type. */
export const externalRefSchema = z
  .object({ system: externalSystemSchema, externalId: externalIdSchema })
  .meta({ description: "A connected system's own id for a thing: the system and the id it gives it." });

const expectedVersion = expectedVersionSchema;
const upsertExpectedVersion = expectedVersion
  .optional()
  .describe(
    'When given, checked against an existing entity (VERSION_CONFLICT if it has moved on); ignored when it is created.',
  );

export const externalRefRecordSchema = externalRefSchema
  .extend({
    entityType: externalRefEntityTypeSchema.describe('The kind of entity it names.'),
    entityId: idSchema.describe('The entity it names.'),
    createdAt: timestampSchema.describe('When the reference was linked.'),
  })
  .meta({ id: 'ExternalRef', description: "A connected system's id for one of the platform's entities." });

/** Without `entityType`, the reference must name one entity; with it, the one of that type. */
export const resolveExternalRefInput = externalRefSchema
  .extend({
    entityType: externalRefEntityTypeSchema
      .optional()
      .describe('The kind of entity; without it the reference must name one entity (else EXTERNAL_REF_AMBIGUOUS).'),
  })
  .meta({ description: "Finds the entity a connected system's id names." });

export const resolveExternalRefOutput = z
  .discriminatedUnion('entityType', [
    z.object({
      entityType: z.literal('assignment').describe('It names an assignment.'),
      entityId: idSchema.describe("The assignment's id."),
      entity: assignmentSchema.describe('The assignment.'),
    }),
    z.object({
      entityType: z.literal('party').describe('It names a party.'),
      entityId: idSchema.describe("The party's id."),
      entity: partySchema.describe('The party.'),
    }),
    z.object({
      entityType: z.literal('property').describe('It names a property.'),
      entityId: idSchema.describe("The property's id."),
      entity: propertySchema.describe('The property.'),
    }),
    z.object({
      entityType: z.literal('inspection').describe('It names an inspection.'),
      entityId: idSchema.describe("The inspection's id."),
      entity: inspectionSchema.describe('The inspection.'),
    }),
  ])
  .meta({ description: 'The entity the reference names, by `entityType`.' });

export const linkExternalRefInput = externalRefSchema
  .extend({
    entityType: externalRefEntityTypeSchema.describe('The kind of entity to link.'),
    entityId: idSchema.describe('The entity to link.'),
  })
  .meta({
    description:
      "Links a connected system's id to an existing entity; linking it again to the same entity changes nothing, to another is refused with EXTERNAL_REF_CONFLICT.",
    examples: [
      {
        system: 'crm',
        externalId: 'CRM-104233',
        entityType: 'assignment',
        entityId: '0193a5e4-7c1d-7b3a-9f2e-4d5c6b7a8e91',
      },
    ],
  });
export const linkExternalRefOutput = z
  .object({
    ref: externalRefRecordSchema.describe('The reference.'),
    created: z.boolean().describe('True when it was linked by this call, false when it was linked already.'),
  })
  .meta({ description: 'The reference linked.' });

export const listExternalRefsInput = z
  .object({
    entityType: externalRefEntityTypeSchema.describe('The kind of entity.'),
    entityId: idSchema.describe('The entity.'),
  })
  .meta({ description: "Every connected system's id for one entity." });
export const listExternalRefsOutput = z
  .object({ items: z.array(externalRefRecordSchema).describe('The references.') })
  .meta({ id: 'ExternalRefList', description: "Every connected system's id for one entity (no pages)." });

/**
 * Creates the assignment the reference names, or updates it with the given fields as
 * `assignments.update` would (an `appraiserId` as `assignments.assign` would). `expectedVersion`,
 * when given, is checked against an existing assignment.
 */
export const upsertAssignmentByExternalRefInput = externalRefSchema
  .extend({
    assignment: createAssignmentInput.describe(
      'The assignment as in `assignments.create`: created when the reference is new, else its fields are applied as an update.',
    ),
    expectedVersion: upsertExpectedVersion,
  })
  .meta({
    description:
      'Creates the assignment the reference names, or updates it with the given fields as `assignments.update` would (an `appraiserId` as `assignments.assign` would).',
  });
const created = z.boolean().describe('True when it was made by this call.');
const changed = z.boolean().describe('True when this call changed it (always true when created).');
export const upsertAssignmentByExternalRefOutput = z
  .object({ assignment: assignmentSchema.describe('The assignment, as it is now.'), created, changed })
  .meta({ description: 'The assignment the reference names, and what the call did.' });

export const upsertPartyByExternalRefInput = externalRefSchema
  .extend({
    party: partyInputSchema.describe('The party: created when the reference is new, else its fields are applied.'),
    expectedVersion: upsertExpectedVersion,
  })
  .meta({ description: 'Creates the party the reference names, or updates it with the given fields.' });
export const upsertPartyByExternalRefOutput = z
  .object({ party: partySchema.describe('The party, as it is now.'), created, changed })
  .meta({ description: 'The party the reference names, and what the call did.' });

/** The assignment by id, or by its own external reference. */
export const inspectionByExternalRefSchema = z
  .object({
    assignmentId: idSchema.optional().describe('The assignment, by id; give this or `assignmentRef`.'),
    assignmentRef: externalRefSchema
      .optional()
      .describe("The assignment, by a connected system's id for it; give this or `assignmentId`."),
    appraiserId: idSchema.describe('The appraiser who goes.'),
    startsAt: timestampSchema.describe('When the visit starts.'),
    endsAt: timestampSchema.describe('When it ends: after `startsAt`, at most 12 hours later.'),
  })
  .superRefine((value, ctx) => {
    if ((value.assignmentId === undefined) === (value.assignmentRef === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['assignmentId'], message: 'Give assignmentId or assignmentRef' });
    }
    checkTimeSlot(value, ctx);
  })
  .meta({
    description: 'An inspection as a booking tool sends it: the assignment by id or by its own reference.',
    examples: [
      {
        assignmentRef: { system: 'crm', externalId: 'CRM-104233' },
        appraiserId: '0193a5e5-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
        startsAt: '2026-03-10T09:00:00+01:00',
        endsAt: '2026-03-10T10:30:00+01:00',
      },
    ],
  });

/** Books the inspection the reference names, or moves it to the given time (keeping the old one). */
export const upsertInspectionByExternalRefInput = externalRefSchema
  .extend({
    inspection: inspectionByExternalRefSchema,
    expectedVersion: upsertExpectedVersion,
  })
  .meta({
    description:
      'Books the inspection the reference names, or moves it to the given time (keeping the old one in `previousTimes`).',
  });
export const upsertInspectionByExternalRefOutput = z
  .object({ inspection: inspectionSchema.describe('The inspection, as it is now.'), created, changed })
  .meta({ description: 'The inspection the reference names, and what the call did.' });

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
